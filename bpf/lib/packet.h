/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reading packet bytes at a constant offset (the IPv6 header). Straight from the skb's linear
 * part when the bytes are there (the headers of what this host's stack sends are): no helper
 * call, which costs tens of nanoseconds on a CPU with return-thunk mitigations. Otherwise
 * (paged data, or a packet shorter than asked) bpf_skb_load_bytes, which also handles
 * non-linear skbs and fails cleanly on a truncated packet.
 *
 * The other reads (ports, extension headers, the TCP header length) keep bpf_skb_load_bytes:
 * reading them directly too made the verifier's work grow from ~27,000 to 166,000-223,000
 * processed instructions (docs/datapath-program.md) for a few ns per packet.
 */
#ifndef SRV6_LIB_PACKET_H
#define SRV6_LIB_PACKET_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Copies `length` bytes at `offset` (both compile-time constants at every call site) from the
 * start of the frame. Returns 0, or bpf_skb_load_bytes's negative error. */
static __always_inline int packet_load_constant(struct __sk_buff *skb, __u32 offset, void *to,
						__u32 length)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	if (data + offset + length <= data_end) {
		__builtin_memcpy(to, data + offset, length);
		return 0;
	}
	return bpf_skb_load_bytes(skb, offset, to, length);
}

#endif /* SRV6_LIB_PACKET_H */
