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

/* skb->cb word telling the writer how to restore (bench object only; the real program never
 * reads it). Anything but BENCH_RESTORE_SPLIT restores in one shrink. */
#define BENCH_CB_RESTORE    4
#define BENCH_RESTORE_WHOLE 0
#define BENCH_RESTORE_SPLIT 0x5b117

/* After the headers are written (by the writer, or by srv6_egress's helper path). */
static __always_inline int bench_restore_written(struct __sk_buff *skb, __u32 pushed)
{
	__u32 half = pushed / 2;

	if (skb->cb[BENCH_CB_RESTORE] != BENCH_RESTORE_SPLIT)
		return bench_restore(skb, pushed);
	if (bench_restore(skb, half) < 0)
		return -1;
	return bench_restore(skb, pushed - half);
}

/*
 * srv6_bench_timing (key 0, per CPU): what srv6_encap_restore_timed measured with
 * bpf_ktime_get_ns, summed over its runs. Each of the three intervals contains one
 * bpf_ktime_get_ns call besides the work, so the work costs (sum - empty_ns) / runs: that is
 * how the bench separates the restore (the shrink, a bench artefact) from the encapsulation.
 */
struct bench_timing {
	__u64 runs;
	__u64 empty_ns;	  /* two bpf_ktime_get_ns in a row: the clock's own cost */
	__u64 encap_ns;	  /* encap_push: MTU check, header build, grow, store */
	__u64 restore_ns; /* bench_restore: the shrink */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct bench_timing);
	__uint(max_entries, 1);
} srv6_bench_timing SEC(".maps");

#endif /* SRV6_LIB_BENCH_RESTORE_H */
