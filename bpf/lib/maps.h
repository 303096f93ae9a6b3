/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The program's maps (BTF-style definitions). Keys and values are defined in srv6_maps.h, the
 * contract with user space. No pinning attribute: the loader chooses pin paths, and may change
 * max_entries before load.
 */
#ifndef SRV6_LIB_MAPS_H
#define SRV6_LIB_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "srv6_maps.h"

/* (prefix length, masked destination) -> every rule that can apply below that prefix. Exact
 * match; the longest match comes from trying the lengths of srv6_prefix_lens in order.
 * BPF_F_NO_PREALLOC: memory grows with the entries instead of max_entries up front, and an
 * update links a new element in place of the old one (see docs/datapath.md on reuse). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct srv6_destination_key);
	__type(value, struct srv6_rule_set);
	__uint(max_entries, SRV6_DEFAULT_CAPACITY);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} srv6_prefixes SEC(".maps");

/* Key 0 -> the prefix lengths srv6_prefixes holds, longest first (two copies, one active: see
 * struct srv6_prefix_length_table for how user space changes it). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct srv6_prefix_length_table);
	__uint(max_entries, 1);
} srv6_prefix_lens SEC(".maps");

/* Policy slot -> segment list, mode, source. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct srv6_policy);
	__uint(max_entries, SRV6_DEFAULT_CAPACITY);
} srv6_policies SEC(".maps");

/* Policy slot -> packets and bytes, per CPU (plain increments, no atomics). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct srv6_counters);
	__uint(max_entries, SRV6_DEFAULT_CAPACITY);
} srv6_counters SEC(".maps");

/* Key 0 -> why packets were or were not encapsulated, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct srv6_datapath_stats);
	__uint(max_entries, 1);
} srv6_stats SEC(".maps");

/* (destination, identification) of a first fragment -> the slot it got (or SRV6_NO_POLICY). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct srv6_fragment_key);
	__type(value, __u32);
	__uint(max_entries, SRV6_FRAGMENT_CACHE_SIZE);
} srv6_fragments SEC(".maps");

#endif /* SRV6_LIB_MAPS_H */
