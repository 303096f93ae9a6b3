/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Which policy applies to a packet (see srv6_maps.h for the map contract):
 *   1. srv6_prefixes: longest prefix match on the destination -> rule set, by exact-match
 *      lookups of the destination masked to each length of srv6_prefix_lens, longest first;
 *   2. TCP/UDP with a destination port: binary search of that class's port intervals; the
 *      containing interval's slot, else the class's all-ports slot. OTHER: its all-ports slot.
 *      Non-first fragments (no ports): the slot their first fragment recorded in
 *      srv6_fragments, else the class's all-ports slot;
 *   3. srv6_policies[slot], read once and validated.
 * Precedence between overlapping rules was resolved by the control plane when it built the
 * rule sets; nothing here ranks rules.
 */
#ifndef SRV6_LIB_POLICY_LOOKUP_H
#define SRV6_LIB_POLICY_LOOKUP_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "srv6_maps.h"
#include "compiler.h"
#include "maps.h"
#include "ipv6.h"
#include "l4.h"
#include "verdict.h"

/* Binary search steps: each halves the candidate range, so 5 cover 16 intervals. */
#define POLICY_LOOKUP_SEARCH_STEPS 5
_Static_assert((1 << POLICY_LOOKUP_SEARCH_STEPS) > SRV6_MAX_PORT_INTERVALS,
	       "the binary search must be able to exhaust SRV6_MAX_PORT_INTERVALS");

/* Bits of a 64-bit word kept by a prefix of `bits` (0..64) bits, most significant first, in
 * host order: 0 -> none, 64 -> all. */
static __always_inline __u64 policy_lookup_mask64(__u32 bits)
{
	return bits >= 64 ? ~0ULL : ~(~0ULL >> bits);
}

/*
 * The rule set of the longest prefix in srv6_prefixes that contains the destination, or NULL.
 * srv6_prefix_lens lists the lengths in use, longest first (its active copy): the destination
 * is masked to each (two 64-bit ANDs) and looked up exactly; the first hit is the longest
 * match.
 */
static __always_inline const struct srv6_rule_set *
policy_lookup_prefix(const struct ipv6_packet *packet)
{
	struct srv6_destination_key key = {};
	const struct srv6_prefix_length_table *table;
	const struct srv6_prefix_lengths *lengths;
	const struct srv6_rule_set *rules;
	__u64 high, low, masked;
	__u32 zero = 0, count, length, i;

	table = bpf_map_lookup_elem(&srv6_prefix_lens, &zero);
	if (!table)
		return NULL;
	/* `active` once, then only that copy: user space never writes it while it is active. */
	lengths = &table->copies[READ_ONCE(table->active) & 1];
	count = READ_ONCE(lengths->count);
	/* The two halves of the destination as stored (network order). */
	__builtin_memcpy(&high, packet->destination_address, sizeof(high));
	__builtin_memcpy(&low, packet->destination_address + sizeof(high), sizeof(low));

	/* The verifier needs the constant bound on this loop; user space never lists more than
	 * SRV6_MAX_PREFIX_LENGTHS lengths (count is clamped by the bound, a bad length ends it). */
#pragma clang loop unroll(disable)
	for (i = 0; i < SRV6_MAX_PREFIX_LENGTHS; i++) {
		if (i >= count)
			break;
		length = lengths->lengths[i];
		if (length > SRV6_IPV6_ADDRESS_LEN * 8)
			break;
		key.prefixlen = length;
		masked = high & bpf_cpu_to_be64(policy_lookup_mask64(length));
		__builtin_memcpy(key.address, &masked, sizeof(masked));
		masked = low & bpf_cpu_to_be64(policy_lookup_mask64(length > 64 ? length - 64 : 0));
		__builtin_memcpy(key.address + sizeof(masked), &masked, sizeof(masked));
		rules = bpf_map_lookup_elem(&srv6_prefixes, &key);
		if (rules)
			return rules;
	}
	return NULL;
}

/* A policy that passed validation, with the fields encapsulation needs read exactly once: user
 * space may rewrite an array slot in place while this program runs. */
struct policy_decision {
	const struct srv6_policy *policy;
	__u32 slot;
	__u32 segment_count; /* 1..SRV6_MAX_SEGMENTS */
	__u32 encap_mode;    /* enum srv6_encap_mode */
};

/*
 * The interval of port_class_index (class - 1) that contains port, or NULL. Intervals are
 * sorted by first_port and disjoint: find the last one starting at or below port, then check
 * its end.
 */
static __always_inline const struct srv6_port_interval *
policy_lookup_port_interval(const struct srv6_rule_set *rules, __u32 port_class_index, __u16 port)
{
	const struct srv6_port_interval *intervals;
	__u32 low = 0, high, middle;
	int step;

	if (port_class_index >= SRV6_PORT_CLASSES)
		return NULL;
	intervals = rules->intervals[port_class_index];
	high = rules->interval_count[port_class_index];
	if (high > SRV6_MAX_PORT_INTERVALS)
		high = SRV6_MAX_PORT_INTERVALS;

	/* Invariant: intervals[0..low) start at or below port, intervals[high..) above it.
	 * The verifier needs the constant bound on this loop, and the clamp of high above to
	 * keep every index inside the value. */
	for (step = 0; step < POLICY_LOOKUP_SEARCH_STEPS; step++) {
		if (low >= high)
			break;
		middle = (low + high) / 2;
		if (intervals[middle].first_port <= port)
			low = middle + 1;
		else
			high = middle;
	}
	if (low == 0)
		return NULL;
	if (port > intervals[low - 1].last_port)
		return NULL;
	return &intervals[low - 1];
}

/* Slot for a non-first fragment: what its first fragment got, if that one passed by. */
static __always_inline __u32 policy_lookup_fragment(const struct ipv6_packet *packet,
						    const struct srv6_rule_set *rules,
						    __u32 protocol_class)
{
	struct srv6_fragment_key key = {
		.identification = packet->fragment_identification,
	};
	__u32 *slot;

	__builtin_memcpy(key.destination, packet->destination_address, SRV6_IPV6_ADDRESS_LEN);
	slot = bpf_map_lookup_elem(&srv6_fragments, &key);
	if (slot)
		return *slot;
	return rules->all_ports_slot[protocol_class];
}

/* A first fragment with ports records its decision (even SRV6_NO_POLICY) for the rest. */
static __always_inline void policy_lookup_remember_fragment(const struct ipv6_packet *packet,
							    __u32 slot)
{
	struct srv6_fragment_key key = {
		.identification = packet->fragment_identification,
	};

	__builtin_memcpy(key.destination, packet->destination_address, SRV6_IPV6_ADDRESS_LEN);
	bpf_map_update_elem(&srv6_fragments, &key, &slot, BPF_ANY);
}

static __always_inline int policy_lookup_slot(struct __sk_buff *skb,
					      const struct ipv6_packet *packet, __u32 *slot)
{
	const struct srv6_port_interval *interval;
	const struct srv6_rule_set *rules;
	__u32 protocol_class;
	__u16 port;
	int ret;

	rules = policy_lookup_prefix(packet);
	if (!rules)
		return SRV6_PASS_NO_MATCH;

	protocol_class = l4_protocol_class(packet->next_header);
	if (packet->fragment_offset != 0) {
		*slot = policy_lookup_fragment(packet, rules, protocol_class);
		return 0;
	}
	if (protocol_class == SRV6_PROTOCOL_OTHER) {
		*slot = rules->all_ports_slot[SRV6_PROTOCOL_OTHER];
		return 0;
	}

	if (packet->destination_port_read) {
		port = packet->destination_port;
	} else {
		ret = l4_load_destination_port(skb, packet->upper_layer_offset, &port);
		if (ret < 0)
			return ret;
	}
	interval = policy_lookup_port_interval(rules, protocol_class - 1, port);
	*slot = interval ? interval->policy_slot : rules->all_ports_slot[protocol_class];
	if (packet->more_fragments)
		policy_lookup_remember_fragment(packet, *slot);
	return 0;
}

/* Rule set, slot, policy: SRV6_PASS_NO_MATCH when any step finds nothing usable. */
static __always_inline int policy_lookup(struct __sk_buff *skb, const struct ipv6_packet *packet,
					 struct policy_decision *decision)
{
	const struct srv6_policy *policy;
	__u32 slot = SRV6_NO_POLICY;
	__u32 segment_count, encap_mode;
	int ret;

	ret = policy_lookup_slot(skb, packet, &slot);
	if (ret < 0)
		return ret;
	if (slot == SRV6_NO_POLICY)
		return SRV6_PASS_NO_MATCH;
	policy = bpf_map_lookup_elem(&srv6_policies, &slot);
	if (!policy)
		return SRV6_PASS_NO_MATCH;

	segment_count = READ_ONCE(policy->segment_count);
	encap_mode = READ_ONCE(policy->encap_mode);
	if (segment_count == 0 || segment_count > SRV6_MAX_SEGMENTS)
		return SRV6_PASS_NO_MATCH;
	if (encap_mode != SRV6_ENCAP_H_ENCAPS && encap_mode != SRV6_ENCAP_H_ENCAPS_RED)
		return SRV6_PASS_NO_MATCH;

	decision->policy = policy;
	decision->slot = slot;
	decision->segment_count = segment_count;
	decision->encap_mode = encap_mode;
	return 0;
}

#endif /* SRV6_LIB_POLICY_LOOKUP_H */
