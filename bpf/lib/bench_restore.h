/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Bench build only (-DSRV6_BENCH_RESTORE). BPF_PROG_TEST_RUN with repeat runs the program on
 * the same skb again and again, so after the first run the packet would already be
 * encapsulated. Removing the bytes just added after each run hands every repeat the original
 * packet, and the measured time is lookup + encapsulation + this removal.
 *
 * One difference to the real object: the bench object grows the packet without
 * BPF_F_ADJ_ROOM_ENCAP_L3_IPV6. That flag sets skb->encapsulation, shrinking never clears it
 * (not even with BPF_F_ADJ_ROOM_DECAP_L3_IPV6, measured on 6.18), and growing an skb already
 * marked encapsulated fails with -EALREADY: with the flag, every repeat after the first would
 * measure the failure path. The flag only costs a few skb field stores (inner header offsets,
 * inner protocol, gso_type for GSO skbs), so the figure stays representative.
 */
#ifndef SRV6_LIB_BENCH_RESTORE_H
#define SRV6_LIB_BENCH_RESTORE_H

#ifndef SRV6_BENCH_RESTORE
#error "bench_restore.h belongs to the bench object only"
#endif

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Remove the pushed bytes right after the Ethernet header: the outer IPv6 header and SRH. */
static __always_inline int bench_restore(struct __sk_buff *skb, __u32 pushed)
{
	if (pushed == 0 || pushed > sizeof(struct encap_outer_headers))
		return -1;
	return bpf_skb_adjust_room(skb, -(__s32)pushed, BPF_ADJ_ROOM_MAC, 0);
}

#endif /* SRV6_LIB_BENCH_RESTORE_H */
