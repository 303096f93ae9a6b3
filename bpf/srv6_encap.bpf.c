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
#include "encap_writer.h"
#include "stats.h"
#include "verdict.h"

#ifdef SRV6_BENCH_RESTORE
#include "bench_restore.h"
#endif

/* The program srv6_egress tail-calls to write the headers it made room for (encap_writer.h). */
int srv6_encap_write(struct __sk_buff *skb);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, int(struct __sk_buff *));
} srv6_encap_writers SEC(".maps") = {
	.values = { [ENCAP_WRITER] = (void *)&srv6_encap_write },
};

/* Parse, look up, plan and grow: 0 once the packet has room for its headers, else a result
 * to count and turn into a verdict. */
static __always_inline int srv6_egress_grow(struct __sk_buff *skb, struct policy_decision *decision,
					    struct encap_plan *plan)
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
	ret = encap_plan(skb, decision, &packet, plan);
	if (ret < 0)
		return ret;
	return encap_grow(skb, plan);
}

/* The writer is missing from srv6_encap_writers: write with the helper here. */
static __always_inline int srv6_egress_store(struct __sk_buff *skb,
					     const struct policy_decision *decision,
					     const struct encap_plan *plan, __u32 original_length)
{
	__u32 pushed = 0;

	if (encap_store(skb, decision, plan, original_length, &pushed) != SRV6_ENCAPSULATED) {
		stats_count_write_failure();
		return TC_ACT_SHOT;
	}
	stats_count_headers_stored();
#ifdef SRV6_BENCH_RESTORE
	if (bench_restore_written(skb, pushed) < 0)
		return TC_ACT_SHOT;
#endif
	return TC_ACT_OK;
}

SEC("tc")
int srv6_egress(struct __sk_buff *skb)
{
	struct policy_decision decision = {};
	struct encap_plan plan = {};
	__u32 original_length = skb->len;
	int result;

	result = srv6_egress_grow(skb, &decision, &plan);
	if (result < 0) {
		stats_count_result(result);
		return verdict_of(result);
	}
	/* Grown: counted now, because the writer ends the program (a write that then fails is
	 * moved from encapsulated to encap_failed). */
	stats_count_result(SRV6_ENCAPSULATED);
	stats_count_policy(decision.slot, original_length);
	encap_writer_pass(skb, &decision, &plan, original_length);
	bpf_tail_call(skb, &srv6_encap_writers, ENCAP_WRITER);
	return srv6_egress_store(skb, &decision, &plan, original_length);
}

/* Tail-called by srv6_egress (never attached itself): see encap_writer.h. */
SEC("tc")
int srv6_encap_write(struct __sk_buff *skb)
{
	__u32 pushed = 0;

	if (encap_writer_write(skb, &pushed) != SRV6_ENCAPSULATED) {
		stats_count_write_failure();
		return TC_ACT_SHOT;
	}
#ifdef SRV6_BENCH_RESTORE
	if (bench_restore_written(skb, pushed) < 0)
		return TC_ACT_SHOT;
#endif
	return TC_ACT_OK;
}

#ifdef SRV6_BENCH_RESTORE
/* Baseline: the cost of running any tc program at all. */
SEC("tc")
int srv6_pass(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

/* A fixed two-segment H.Encaps policy (source 2001:db8::1, segments fc00::2 then fc00::1), the
 * shape of the measured packet's own (+80 B). The tail-call path (restoreOnly, restoreSplit)
 * takes the addresses from slot 0 of the loaded table instead; only the helper path
 * (restoreTimed) reads this one. */
static const struct srv6_policy bench_policy = {
	.segment_count = 2,
	.encap_mode = SRV6_ENCAP_H_ENCAPS,
	.source = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 },
	.segment_list = { { 0xfc, 0x00, [15] = 0x01 }, { 0xfc, 0x00, [15] = 0x02 } },
};

static const struct policy_decision bench_decision = {
	.policy = &bench_policy,
	.slot = 0,
	.segment_count = 2,
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

/* What srv6_egress does once it has a decision — plan, grow, hand over, tail-call the writer
 * (which restores as cb[BENCH_CB_RESTORE] says) — for the fixed decision. */
static __always_inline int bench_fixed_encap(struct __sk_buff *skb, __u32 restore)
{
	struct ipv6_packet packet = {};
	struct encap_plan plan = {};
	__u32 original_length = skb->len;

	if (bench_fixed_packet(skb, &packet) < 0)
		return TC_ACT_OK;
	if (encap_plan(skb, &bench_decision, &packet, &plan) < 0 || encap_grow(skb, &plan) < 0)
		return TC_ACT_SHOT;
	encap_writer_pass(skb, &bench_decision, &plan, original_length);
	skb->cb[BENCH_CB_RESTORE] = restore;
	bpf_tail_call(skb, &srv6_encap_writers, ENCAP_WRITER);
	return TC_ACT_SHOT; /* the writer is missing: the bench's self-check fails loudly */
}

/* Encapsulation + restore without parsing or lookups: srv6_egress minus this is the cost of
 * parsing, lookups and counters. */
SEC("tc")
int srv6_encap_restore_only(struct __sk_buff *skb)
{
	return bench_fixed_encap(skb, BENCH_RESTORE_WHOLE);
}

/* srv6_encap_restore_only with the restore done as two shrinks of half the bytes each. The
 * difference to srv6_encap_restore_only is one more shrink: the restore's cost, measured
 * without a clock (a shrink's cost does not depend on the bytes removed: it moves the
 * Ethernet header, not the removed bytes). */
SEC("tc")
int srv6_encap_restore_split(struct __sk_buff *skb)
{
	return bench_fixed_encap(skb, BENCH_RESTORE_SPLIT);
}

/*
 * The floor of any helper-based encapsulation, for comparison: grow by the 80 bytes of a 2-SID
 * H.Encaps (bpf_skb_adjust_room, as srv6_egress does it), write them or not, and restore; no
 * parse, lookup, MTU check or counters. The bytes are the bench policy's source repeated, not a
 * valid header: only the cost is of interest.
 *   FLOOR_NO_WRITE      the grow alone
 *   FLOOR_STORE_BYTES   bpf_skb_store_bytes from the stack (srv6_egress's fallback when the
 *                       writer program is missing)
 *   FLOOR_DIRECT_WRITE  through the packet pointers, as srv6_encap_write does (a program of its
 *                       own: encap_writer.h says why)
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
