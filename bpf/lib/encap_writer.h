/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Writing the outer headers through the packet pointers, in a program of its own.
 *
 * bpf_skb_store_bytes costs ~22-28 ns per packet on the test machine; writing the same bytes
 * through skb->data costs ~0 (docs/benchmarks.md, floor programs). But a program with any
 * direct packet write gets a verifier prologue that unclones every cloned skb at its start, and
 * TCP sends every data segment as a clone: in srv6_egress that would copy the head of every
 * TCP segment, steered or not. So srv6_egress grows the packet (bpf_skb_adjust_room, which
 * unclones a cloned head anyway) and then tail-calls srv6_encap_write, whose prologue finds
 * the skb no longer cloned. The decision travels in skb->cb; the writer builds the headers with
 * the same encap_build and copies them in.
 *
 * If the tail call fails (the writer is missing from srv6_encap_writers), srv6_egress writes
 * with bpf_skb_store_bytes itself and counts it in srv6_stats.headers_stored.
 */
#ifndef SRV6_LIB_ENCAP_WRITER_H
#define SRV6_LIB_ENCAP_WRITER_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "srv6_maps.h"
#include "maps.h"
#include "eth.h"
#include "encap.h"
#include "policy_lookup.h"
#include "verdict.h"

/* skb->cb words from srv6_egress to the writer (cb[4] is the bench's, see bench_restore.h). */
#define ENCAP_CB_SLOT		  0 /* policy slot */
#define ENCAP_CB_SHAPE		  1 /* segment_count | encap_mode << 8, as srv6_egress grew for */
#define ENCAP_CB_VERSION_CLASS_FLOW 2 /* the outer header's first word, network order */
#define ENCAP_CB_ORIGINAL_LENGTH  3 /* skb->len before growing */
#define ENCAP_SHAPE_MODE_SHIFT	  8

/* Index of the writer in srv6_encap_writers. */
#define ENCAP_WRITER 0

/* Copies in 8-byte words: every header length is 40 + 8k bytes. */
#define ENCAP_WORD_LEN 8
_Static_assert(sizeof(struct encap_outer_headers) % ENCAP_WORD_LEN == 0,
	       "the headers are copied in whole words");

/* Hands the decision to the writer: what srv6_egress grew for. */
static __always_inline void encap_writer_pass(struct __sk_buff *skb,
					      const struct policy_decision *decision,
					      const struct encap_plan *plan, __u32 original_length)
{
	skb->cb[ENCAP_CB_SLOT] = decision->slot;
	skb->cb[ENCAP_CB_SHAPE] =
		decision->segment_count | decision->encap_mode << ENCAP_SHAPE_MODE_SHIFT;
	skb->cb[ENCAP_CB_VERSION_CLASS_FLOW] = plan->version_class_flow;
	skb->cb[ENCAP_CB_ORIGINAL_LENGTH] = original_length;
}

/*
 * The writer's work: the headers of the policy in skb->cb, built on the stack and copied to
 * the room srv6_egress made after the Ethernet header. Returns SRV6_ENCAPSULATED with
 * *pushed = bytes written, or SRV6_DROP_ENCAP_FAILED (the packet has grown: it must not leave).
 */
static __always_inline int encap_writer_write(struct __sk_buff *skb, __u32 *pushed)
{
	__u32 slot = skb->cb[ENCAP_CB_SLOT];
	__u32 shape = skb->cb[ENCAP_CB_SHAPE];
	struct encap_outer_headers headers;
	const struct srv6_policy *policy;
	void *data, *data_end;
	__u64 length, *to;
	__u32 i;

	policy = bpf_map_lookup_elem(&srv6_policies, &slot);
	if (!policy)
		return SRV6_DROP_ENCAP_FAILED;
	/* The shape srv6_egress grew for, not the slot's current one: a policy is never
	 * rewritten in place while a packet can still read it (datapath-programmer.ts). */
	length = encap_build(&headers, policy, shape & 0xff, shape >> ENCAP_SHAPE_MODE_SHIFT,
			     skb->cb[ENCAP_CB_VERSION_CLASS_FLOW], skb->cb[ENCAP_CB_ORIGINAL_LENGTH]);
	if (length == 0)
		return SRV6_DROP_ENCAP_FAILED;

	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	/* Unrolled, so every word is read from a constant stack offset. The rolled loop (one read
	 * at a variable stack offset) wrote the word before the SRH in the SRH's place (clang 14,
	 * Linux 6.18; found by the byte-for-byte tests, cause not traced further). */
#pragma clang loop unroll(full)
	for (i = 0; i < sizeof(headers) / ENCAP_WORD_LEN; i++) {
		if (i * ENCAP_WORD_LEN >= length)
			break;
		to = data + ETH_HEADER_LEN + i * ENCAP_WORD_LEN;
		if ((void *)(to + 1) > data_end)
			return SRV6_DROP_ENCAP_FAILED;
		*to = ((const __u64 *)&headers)[i];
	}
	*pushed = length;
	return SRV6_ENCAPSULATED;
}

#endif /* SRV6_LIB_ENCAP_WRITER_H */
