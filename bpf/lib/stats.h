/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Counters. Both maps are per-CPU arrays: a program run cannot migrate between CPUs, so plain
 * increments are exact and need no atomics; user space sums the CPUs.
 */
#ifndef SRV6_LIB_STATS_H
#define SRV6_LIB_STATS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "srv6_maps.h"
#include "maps.h"
#include "verdict.h"

/* One per packet, at the single exit: seen, plus the reason of the result. */
static __always_inline void stats_count_result(int result)
{
	__u32 key = 0;
	struct srv6_datapath_stats *stats = bpf_map_lookup_elem(&srv6_stats, &key);

	if (!stats)
		return;
	stats->seen++;
	switch (result) {
	case SRV6_ENCAPSULATED:
		stats->encapsulated++;
		break;
	case SRV6_PASS_NOT_IPV6:
		stats->not_ipv6++;
		break;
	case SRV6_PASS_MALFORMED:
		stats->malformed++;
		break;
	case SRV6_PASS_NO_MATCH:
		stats->no_match++;
		break;
	case SRV6_DROP_MTU_EXCEEDED:
		stats->mtu_exceeded++;
		break;
	default:
		stats->encap_failed++;
		break;
	}
}

/* An encapsulated packet of this policy slot; bytes = its length before encapsulation. */
static __always_inline void stats_count_policy(__u32 slot, __u32 original_length)
{
	struct srv6_counters *counters = bpf_map_lookup_elem(&srv6_counters, &slot);

	if (!counters)
		return;
	counters->packets++;
	counters->bytes += original_length;
}

/* srv6_egress counted a grown packet as encapsulated, and then writing its headers failed:
 * it is dropped (encap_failed), not encapsulated. */
static __always_inline void stats_count_write_failure(void)
{
	__u32 key = 0;
	struct srv6_datapath_stats *stats = bpf_map_lookup_elem(&srv6_stats, &key);

	if (!stats)
		return;
	stats->encapsulated--;
	stats->encap_failed++;
}

/* Headers written with bpf_skb_store_bytes because the writer program was missing. */
static __always_inline void stats_count_headers_stored(void)
{
	__u32 key = 0;
	struct srv6_datapath_stats *stats = bpf_map_lookup_elem(&srv6_stats, &key);

	if (stats)
		stats->headers_stored++;
}

#endif /* SRV6_LIB_STATS_H */
