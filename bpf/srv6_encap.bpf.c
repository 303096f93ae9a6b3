// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * srv6_egress: tc egress (clsact, direct action) program of a host. A packet whose destination
 * (and protocol, port) matches a policy leaves SRv6-encapsulated along the policy's segment
 * list; every other packet leaves unchanged. See docs/datapath-program.md.
 */
#ifdef SRV6_BENCH_RESTORE
/* The bench object grows without BPF_F_ADJ_ROOM_ENCAP_L3_IPV6: see bench_restore.h. */
#define ENCAP_ADJUST_ROOM_FLAGS 0
#endif

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "srv6_maps.h"
#include "maps.h"
#include "eth.h"
#include "packet.h"
#include "ipv6.h"
#include "parse.h"
#include "policy_lookup.h"
#include "encap.h"
#include "stats.h"
#include "verdict.h"

#ifdef SRV6_BENCH_RESTORE
#include "bench_restore.h"
#endif

static __always_inline int srv6_egress_handle(struct __sk_buff *skb, __u32 original_length,
					      struct policy_decision *decision, __u32 *pushed)
{
	struct ipv6_packet packet;
	int ret;

	if (!eth_is_ipv6(skb))
		return SRV6_PASS_NOT_IPV6;
	ret = packet_parse(skb, &packet);
	if (ret < 0)
		return ret;
	ret = policy_lookup(skb, &packet, decision);
	if (ret < 0)
		return ret;
	return encap_push(skb, decision, &packet, original_length, pushed);
}

SEC("tc")
int srv6_egress(struct __sk_buff *skb)
{
	struct policy_decision decision = {};
	__u32 original_length = skb->len;
	__u32 pushed = 0;
	int result;

	result = srv6_egress_handle(skb, original_length, &decision, &pushed);

	stats_count_result(result);
	if (result == SRV6_ENCAPSULATED) {
		stats_count_policy(decision.slot, original_length);
#ifdef SRV6_BENCH_RESTORE
		if (bench_restore(skb, pushed) < 0)
			return TC_ACT_SHOT;
#endif
	}
	return verdict_of(result);
}

#ifdef SRV6_BENCH_RESTORE
/* Baseline: the cost of running any tc program at all. */
SEC("tc")
int srv6_pass(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

/* A fixed one-segment H.Encaps policy (source 2001:db8::1, segment fc00::1). */
static const struct srv6_policy bench_policy = {
	.segment_count = 1,
	.encap_mode = SRV6_ENCAP_H_ENCAPS,
	.source = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 },
	.segment_list = { { 0xfc, 0x00, [15] = 0x01 } },
};

static const struct policy_decision bench_decision = {
	.policy = &bench_policy,
	.slot = 0,
	.segment_count = 1,
	.encap_mode = SRV6_ENCAP_H_ENCAPS,
};

/* The packet as the fixed policy needs it: only the inner header's first word (Traffic Class,
 * Flow Label) is read; the frame is Ethernet + IPv6 + TCP. */
static __always_inline int bench_fixed_packet(struct __sk_buff *skb, struct ipv6_packet *packet)
{
	packet->next_header = IPV6_NEXT_HEADER_TCP;
	packet->upper_layer_offset = ETH_HEADER_LEN + IPV6_HEADER_LEN;
	return packet_load_constant(skb, ETH_HEADER_LEN, &packet->version_class_flow,
				  sizeof(packet->version_class_flow));
}

/* Encapsulation + restore without parsing or lookups: srv6_egress minus this is the cost of
 * parsing, lookups and counters. */
SEC("tc")
int srv6_encap_restore_only(struct __sk_buff *skb)
{
	struct ipv6_packet packet = {};
	__u32 pushed = 0;

	if (bench_fixed_packet(skb, &packet) < 0)
		return TC_ACT_OK;
	if (encap_push(skb, &bench_decision, &packet, skb->len, &pushed) != SRV6_ENCAPSULATED)
		return TC_ACT_SHOT;
	if (bench_restore(skb, pushed) < 0)
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

/* srv6_encap_restore_only with the restore done as two shrinks of half the bytes each. The
 * difference to srv6_encap_restore_only is one more shrink: the restore's cost, measured
 * without a clock (a shrink's cost does not depend on the bytes removed: it moves the
 * Ethernet header, not the removed bytes). */
SEC("tc")
int srv6_encap_restore_split(struct __sk_buff *skb)
{
	struct ipv6_packet packet = {};
	__u32 pushed = 0, half;

	if (bench_fixed_packet(skb, &packet) < 0)
		return TC_ACT_OK;
	if (encap_push(skb, &bench_decision, &packet, skb->len, &pushed) != SRV6_ENCAPSULATED)
		return TC_ACT_SHOT;
	half = pushed / 2;
	if (bench_restore(skb, half) < 0 || bench_restore(skb, pushed - half) < 0)
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

/*
 * The floor of any helper-based encapsulation, for comparison: grow by the 80 bytes of a 2-SID
 * H.Encaps (bpf_skb_adjust_room, as srv6_egress does it), write them or not, and restore; no
 * parse, lookup, MTU check or counters. The bytes are the bench policy's source repeated, not a
 * valid header: only the cost is of interest.
 *   FLOOR_NO_WRITE      the grow alone
 *   FLOOR_STORE_BYTES   bpf_skb_store_bytes from the stack, as srv6_egress writes
 *   FLOOR_DIRECT_WRITE  through the packet pointers. srv6_egress does not write this way: a
 *                       program with any direct packet write gets a verifier prologue that
 *                       unclones every cloned skb at its start — every TCP skb, steered or not
 *                       (docs/benchmarks.md, Program cost).
 */
enum floor_write { FLOOR_NO_WRITE, FLOOR_STORE_BYTES, FLOOR_DIRECT_WRITE };
#define FLOOR_LENGTH (IPV6_HEADER_LEN + SRH_FIXED_LEN + 2 * SRV6_IPV6_ADDRESS_LEN)

static __always_inline int floor_encap(struct __sk_buff *skb, enum floor_write write)
{
	__u8 headers[FLOOR_LENGTH];
	void *data, *data_end;
	__u32 i;

	if (bpf_skb_adjust_room(skb, FLOOR_LENGTH, BPF_ADJ_ROOM_MAC, ENCAP_ADJUST_ROOM_FLAGS) < 0)
		return TC_ACT_SHOT;
	if (write == FLOOR_STORE_BYTES) {
		for (i = 0; i < FLOOR_LENGTH; i += SRV6_IPV6_ADDRESS_LEN)
			encap_copy_address(headers + i, bench_policy.source);
		if (bpf_skb_store_bytes(skb, ETH_HEADER_LEN, headers, FLOOR_LENGTH, 0) < 0)
			return TC_ACT_SHOT;
	} else if (write == FLOOR_DIRECT_WRITE) {
		data = (void *)(long)skb->data;
		data_end = (void *)(long)skb->data_end;
		if (data + ETH_HEADER_LEN + FLOOR_LENGTH > data_end)
			return TC_ACT_SHOT;
		for (i = 0; i < FLOOR_LENGTH; i += SRV6_IPV6_ADDRESS_LEN)
			encap_copy_address(data + ETH_HEADER_LEN + i, bench_policy.source);
	}
	if (bench_restore(skb, FLOOR_LENGTH) < 0)
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}
_Static_assert(FLOOR_LENGTH % SRV6_IPV6_ADDRESS_LEN == 0, "the floor writes whole addresses");

SEC("tc")
int srv6_floor_grow(struct __sk_buff *skb)
{
	return floor_encap(skb, FLOOR_NO_WRITE);
}

SEC("tc")
int srv6_floor_grow_store(struct __sk_buff *skb)
{
	return floor_encap(skb, FLOOR_STORE_BYTES);
}

SEC("tc")
int srv6_floor_grow_write(struct __sk_buff *skb)
{
	return floor_encap(skb, FLOOR_DIRECT_WRITE);
}

/* srv6_encap_restore_only with bpf_ktime_get_ns around encap_push and around the restore, and
 * an empty interval to subtract the clock's own cost (see struct bench_timing). */
SEC("tc")
int srv6_encap_restore_timed(struct __sk_buff *skb)
{
	struct ipv6_packet packet = {};
	struct bench_timing *timing;
	__u64 t0, t1, t2, t3;
	__u32 pushed = 0, zero = 0;

	if (bench_fixed_packet(skb, &packet) < 0)
		return TC_ACT_OK;
	t0 = bpf_ktime_get_ns();
	t1 = bpf_ktime_get_ns();
	if (encap_push(skb, &bench_decision, &packet, skb->len, &pushed) != SRV6_ENCAPSULATED)
		return TC_ACT_SHOT;
	t2 = bpf_ktime_get_ns();
	if (bench_restore(skb, pushed) < 0)
		return TC_ACT_SHOT;
	t3 = bpf_ktime_get_ns();

	timing = bpf_map_lookup_elem(&srv6_bench_timing, &zero);
	if (timing) {
		timing->runs++;
		timing->empty_ns += t1 - t0;
		timing->encap_ns += t2 - t1;
		timing->restore_ns += t3 - t2;
	}
	return TC_ACT_OK;
}
#endif /* SRV6_BENCH_RESTORE */

char LICENSE[] SEC("license") = "Dual BSD/GPL";
