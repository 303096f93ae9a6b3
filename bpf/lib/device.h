/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The device the packet leaves through: its MTU and link-layer header length, read from the
 * kernel's struct sk_buff instead of asked with bpf_check_mtu. These are the two fields
 * bpf_check_mtu(skb, 0, ...) itself reads (skb->dev->mtu, skb->dev->hard_header_len), so the
 * answer is the same, always current (an MTU change on the device shows at the next packet:
 * nothing to keep in sync), and it costs two loads instead of a helper call.
 *
 * bpf_cast_to_kern_ctx (kfunc, Linux >= 6.2) gives the kernel's struct sk_buff behind the
 * __sk_buff context; the verifier replaces the call with a register copy. The structs below
 * name only the fields read: libbpf relocates their offsets against the running kernel's BTF
 * at load (CO-RE; the ___srv6 suffix is dropped when matching), and the verifier turns the
 * loads through the untrusted dev pointer into fault-safe loads (a bad pointer reads 0). The
 * loader needs CAP_PERFMON for that, which it needs anyway (docs/datapath-program.md).
 */
#ifndef SRV6_LIB_DEVICE_H
#define SRV6_LIB_DEVICE_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct net_device___srv6 {
	unsigned int mtu;
	unsigned short hard_header_len;
} __attribute__((preserve_access_index));

struct sk_buff___srv6 {
	struct net_device___srv6 *dev;
} __attribute__((preserve_access_index));

extern void *bpf_cast_to_kern_ctx(void *obj) __ksym;

struct device_mtu {
	__u32 mtu;		  /* L3 MTU, as `ip link` shows it */
	__u32 link_header_length; /* what skb->len counts besides the L3 packet (Ethernet: 14) */
};

/* 0, or -1 when the skb has no device (never at tc egress; bpf_check_mtu fails there too). */
static __always_inline int device_mtu_of(struct __sk_buff *skb, struct device_mtu *device)
{
	struct sk_buff___srv6 *kernel_skb = bpf_cast_to_kern_ctx(skb);
	struct net_device___srv6 *dev = kernel_skb->dev;

	if (!dev)
		return -1;
	device->mtu = dev->mtu;
	device->link_header_length = dev->hard_header_len;
	return 0;
}

#endif /* SRV6_LIB_DEVICE_H */
