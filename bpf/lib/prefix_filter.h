/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A bit per prefix in front of srv6_prefixes (srv6_maps.h): most of a host's packets go to
 * destinations no policy names, and a clear bit answers "no rule set here" with an array read
 * the verifier inlines, instead of a hash-map probe (a call, a hash of the 20-byte key, a
 * bucket walk). libs/datapath/src/prefix-filter.ts computes the same bit; both must change
 * together (the datapath tests fail otherwise: every policy would stop matching).
 */
#ifndef SRV6_LIB_PREFIX_FILTER_H
#define SRV6_LIB_PREFIX_FILTER_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "srv6_maps.h"
#include "maps.h"

#define PREFIX_FILTER_BITS (SRV6_PREFIX_FILTER_WORDS * 64)
_Static_assert((PREFIX_FILTER_BITS & (PREFIX_FILTER_BITS - 1)) == 0,
	       "the filter's bit count is a power of two");

/* Fibonacci hashing of the folded words: one multiply, the product's top bits. */
#define PREFIX_FILTER_SEED       0x9e3779b1U
#define PREFIX_FILTER_MULTIPLIER 0x85ebca6bU
#define PREFIX_FILTER_BIT_COUNT  19 /* log2(PREFIX_FILTER_BITS) */
_Static_assert(PREFIX_FILTER_BITS == 1U << PREFIX_FILTER_BIT_COUNT, "bit count and size agree");

static __always_inline __u32 prefix_filter_rotate(__u32 word, __u32 by)
{
	return (word << by) | (word >> (32 - by));
}

/* The bit of (length, masked address), the address given as its two 8-byte halves as stored
 * (each read as one little-endian 64-bit load). */
static __always_inline __u32 prefix_filter_bit(__u64 high, __u64 low, __u32 length)
{
	__u32 folded = length * PREFIX_FILTER_SEED;

	folded ^= (__u32)high;
	folded ^= prefix_filter_rotate((__u32)(high >> 32), 7);
	folded ^= prefix_filter_rotate((__u32)low, 13);
	folded ^= prefix_filter_rotate((__u32)(low >> 32), 19);
	return (folded * PREFIX_FILTER_MULTIPLIER) >> (32 - PREFIX_FILTER_BIT_COUNT);
}

/* False only when srv6_prefixes holds no entry for (length, masked address). */
static __always_inline int prefix_filter_may_hold(__u64 high, __u64 low, __u32 length)
{
	__u32 bit = prefix_filter_bit(high, low, length);
	__u32 word = bit / 64;
	const __u64 *bits = bpf_map_lookup_elem(&srv6_prefix_filter, &word);

	if (!bits)
		return 1;
	return (*bits >> (bit % 64)) & 1;
}

#endif /* SRV6_LIB_PREFIX_FILTER_H */
