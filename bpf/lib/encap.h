/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * SRv6 encapsulation of the whole packet (RFC 8986 section 5):
 *   H.Encaps      (5.1): outer IPv6 + SRH with all n segments,
 *   H.Encaps.Red  (5.2): the first segment only in the outer destination, the SRH holds the
 *                        other n - 1; no SRH at all for n = 1.
 * The inner packet stays byte for byte what the host sent: no L4 change, so no checksum work.
 *
 * Outer header choices (RFC 8986 5.1 leaves them to the implementation):
 *   Traffic Class  copied from the inner header (DSCP and ECN, RFC 2983 uniform / RFC 6040
 *                  normal mode), so queues along the path treat the packet as the host asked.
 *   Flow Label     copied from the inner header; when the host sent 0, the skb's flow hash
 *                  (RFC 6437 section 3: per-flow, stable), so ECMP on the outer header keeps
 *                  flows together and spreads different ones.
 *   Hop Limit      64, independent of the inner one (which routers do not decrement).
 *   Source         the policy's source (the host address), destination the first segment.
 */
#ifndef SRV6_LIB_ENCAP_H
#define SRV6_LIB_ENCAP_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "srv6_maps.h"
#include "eth.h"
#include "ipv6.h"
#include "l4.h"
#include "srh.h"
#include "policy_lookup.h"
#include "verdict.h"

#define ENCAP_HOP_LIMIT 64

/* BPF_F_ADJ_ROOM_ENCAP_L3_IPV6 marks the skb encapsulated (inner header offsets, inner protocol,
 * SKB_GSO_IPXIP6) so GSO batches still segment. encap_check_mtu adds BPF_F_ADJ_ROOM_FIXED_GSO
 * for GSO skbs whose segments fit as they are (see there). Only the bench object overrides this
 * (see bench_restore.h). */
#ifndef ENCAP_ADJUST_ROOM_FLAGS
#define ENCAP_ADJUST_ROOM_FLAGS BPF_F_ADJ_ROOM_ENCAP_L3_IPV6
#endif
#define ENCAP_PAYLOAD_LENGTH_MAX 0xffff

/* Everything the program inserts between the Ethernet header and the inner IPv6 header, built
 * on the stack and written with one bpf_skb_store_bytes. */
struct encap_outer_headers {
	struct ipv6_header ipv6;
	struct srh_header srh;
	__u8 segment_list[SRV6_MAX_SEGMENTS][SRV6_IPV6_ADDRESS_LEN];
};

/* Addresses in struct srv6_policy sit at offsets 4 + 16k of an 8-byte aligned map value:
 * telling clang they are 4-byte aligned lets it copy words instead of single bytes. */
static __always_inline void encap_copy_address(__u8 *to, const __u8 *from)
{
	__builtin_memcpy(__builtin_assume_aligned(to, 4), __builtin_assume_aligned(from, 4),
			 SRV6_IPV6_ADDRESS_LEN);
}

/* Segment List entries in the SRH: n for H.Encaps, n - 1 for H.Encaps.Red (0 = no SRH). */
static __always_inline __u32 encap_srh_segment_list_length(__u32 segment_count, __u32 encap_mode)
{
	return encap_mode == SRV6_ENCAP_H_ENCAPS_RED ? segment_count - 1 : segment_count;
}

/* Bytes added in front of the inner packet: 40, or 40 + 8 + 16 * entries. */
static __always_inline __u64 encap_header_length(__u32 srh_segment_list_length)
{
	if (srh_segment_list_length == 0)
		return IPV6_HEADER_LEN;
	return IPV6_HEADER_LEN + SRH_FIXED_LEN +
	       (__u64)srh_segment_list_length * SRV6_IPV6_ADDRESS_LEN;
}

/* Version 6, the inner Traffic Class and Flow Label (the flow hash when that is 0). */
static __always_inline __be32 encap_version_class_flow(struct __sk_buff *skb,
						       __be32 inner_version_class_flow)
{
	__u32 class_flow = bpf_ntohl(inner_version_class_flow) & ((1U << IPV6_VERSION_SHIFT) - 1);

	if (!(class_flow & IPV6_FLOW_LABEL_MASK))
		class_flow |= bpf_get_hash_recalc(skb) & IPV6_FLOW_LABEL_MASK;
	return bpf_htonl((IPV6_VERSION << IPV6_VERSION_SHIFT) | class_flow);
}

/*
 * Would the packet still fit the device once header_length bytes are added? Returns 0, or
 * SRV6_DROP_MTU_EXCEEDED: a packet that does not fit is dropped, never sent natively (that
 * would bypass the intent's path). This should not normally happen: the control plane lowers
 * the route MTU of steered prefixes by the encapsulation overhead, so the host sizes (or
 * fragments) its packets before they get here. The device MTU comes from bpf_check_mtu (Linux
 * >= 5.12). Reading it from the kernel's sk_buff instead (bpf_cast_to_kern_ctx) saves ~7 ns but
 * needs Linux >= 6.2, and Debian 12's own kernel is 6.1: not done (docs/datapath-program.md).
 *
 *   non-GSO    bpf_check_mtu: skb->len + header_length against the device MTU (+ its link
 *              header); a result of at most 14 + 1280 bytes fits any IPv6 link unasked.
 *   TCP GSO    always fits. One segment is IPv6 + extension headers + TCP header (options
 *              included) + gso_size. If that plus header_length fits the device MTU — the
 *              normal case, since the route MTU already made TCP's MSS smaller by the
 *              encapsulation — the program grows with BPF_F_ADJ_ROOM_FIXED_GSO (added to
 *              *adjust_flags) and gso_size stays: segments leave as large as the route MTU
 *              allows, like kernel seg6's. Otherwise (e.g. a connection opened before its route
 *              MTU was installed) bpf_skb_adjust_room lowers gso_size by header_length, so every
 *              segment keeps its size on the wire. The TCP header length is the parse's
 *              (parse.h), or loaded when the parse did not read it.
 *   UDP GSO    (UDP_SEGMENT) gso_size is the datagram size and must not change: the kernel
 *              only grows such an skb with BPF_F_ADJ_ROOM_FIXED_GSO (added to *adjust_flags),
 *              and every datagram then grows by header_length, so check one segment here.
 */
static __always_inline int encap_check_mtu(struct __sk_buff *skb, const struct ipv6_packet *packet,
					   __u64 header_length, __u64 *adjust_flags)
{
	__u32 mtu = 0; /* in: 0 = use skb->len; out: the device MTU */
	__u32 gso_size = skb->gso_size;
	__u32 transport_header_length;
	__u64 segment_length;
	long ret;

	if (!gso_size) {
		/* Every link that carries IPv6 has an MTU of at least 1280 (RFC 8200 section 5):
		 * smaller results (ACKs, small datagrams) fit without asking for the device MTU. */
		if ((__u64)skb->len + header_length <= ETH_HEADER_LEN + IPV6_MINIMUM_MTU)
			return 0;
		ret = bpf_check_mtu(skb, 0, &mtu, (__s32)header_length, 0);
		if (ret == BPF_MTU_CHK_RET_SUCCESS)
			return 0;
		return ret > 0 ? SRV6_DROP_MTU_EXCEEDED : SRV6_DROP_ENCAP_FAILED;
	}
	if (packet->next_header == IPV6_NEXT_HEADER_UDP) {
		transport_header_length = UDP_HEADER_LEN;
	} else if (packet->next_header == IPV6_NEXT_HEADER_TCP) {
		transport_header_length = packet->tcp_header_length;
		/* Unreadable TCP header: keep the default (gso_size shrinks), which always fits. */
		if (!transport_header_length &&
		    l4_load_tcp_header_length(skb, packet->upper_layer_offset,
					      &transport_header_length) < 0)
			return 0;
	} else {
		return 0;
	}

	/* With len_diff 0 a GSO skb always "passes"; only the MTU it reports is used. */
	if (bpf_check_mtu(skb, 0, &mtu, 0, 0) < 0)
		return SRV6_DROP_ENCAP_FAILED;
	segment_length = (__u64)packet->upper_layer_offset - ETH_HEADER_LEN +
			 transport_header_length + gso_size + header_length;

	if (packet->next_header == IPV6_NEXT_HEADER_TCP) {
		if (segment_length <= mtu)
			*adjust_flags |= BPF_F_ADJ_ROOM_FIXED_GSO;
		return 0;
	}
	*adjust_flags |= BPF_F_ADJ_ROOM_FIXED_GSO;
	return segment_length > mtu ? SRV6_DROP_MTU_EXCEEDED : 0;
}

/* What an encapsulation adds, decided before the packet grows. */
struct encap_plan {
	__u64 length;	    /* bytes inserted after the Ethernet header */
	__u64 adjust_flags; /* for bpf_skb_adjust_room */
	__be32 version_class_flow;
};

/*
 * Everything decided before the packet grows: the header length, the MTU check and the
 * bpf_skb_adjust_room flags, the outer Traffic Class and Flow Label.
 */
static __always_inline int encap_plan(struct __sk_buff *skb, const struct policy_decision *decision,
				      const struct ipv6_packet *packet, struct encap_plan *plan)
{
	__u32 segment_count = decision->segment_count;
	__u64 length;
	int ret;

	/* policy_lookup validated the decision; checked again because a hand-built decision
	 * (the bench object's) reaches here too and an index past the list must be impossible. */
	if (segment_count == 0 || segment_count > SRV6_MAX_SEGMENTS)
		return SRV6_DROP_ENCAP_FAILED;
	length = encap_header_length(encap_srh_segment_list_length(segment_count,
								   decision->encap_mode));
	plan->adjust_flags = ENCAP_ADJUST_ROOM_FLAGS;
	ret = encap_check_mtu(skb, packet, length, &plan->adjust_flags);
	if (ret < 0)
		return ret;
	plan->length = length;
	plan->version_class_flow = encap_version_class_flow(skb, packet->version_class_flow);
	return 0;
}

/* Room for the outer headers right after the Ethernet header. */
static __always_inline int encap_grow(struct __sk_buff *skb, const struct encap_plan *plan)
{
	if (bpf_skb_adjust_room(skb, (__s32)plan->length, BPF_ADJ_ROOM_MAC, plan->adjust_flags) < 0)
		return SRV6_DROP_ENCAP_FAILED;
	return 0;
}

/*
 * The outer IPv6 header and SRH of `segment_count` segments of `policy` (validated by the
 * caller) in front of an inner packet of original_length bytes (Ethernet header included).
 * Returns the bytes built, 40..sizeof(*headers), or 0 if that cannot be proven.
 */
static __always_inline __u64 encap_build(struct encap_outer_headers *headers,
					 const struct srv6_policy *policy, __u32 segment_count,
					 __u32 encap_mode, __be32 version_class_flow,
					 __u32 original_length)
{
	__u32 srh_segment_list_length, i;
	__u64 length, payload_length;

	if (segment_count == 0 || segment_count > SRV6_MAX_SEGMENTS)
		return 0;
	srh_segment_list_length = encap_srh_segment_list_length(segment_count, encap_mode);
	/* clang 14 can compile 8 + 16n as (n << 4) | 8, whose bounds the verifier loses, and then
	 * refuses the stack read of a store of `length` bytes (see FACTS). The 64-bit length
	 * behind a compiler barrier plus an explicit bound keep it provable whatever clang does to
	 * the arithmetic. */
	length = encap_header_length(srh_segment_list_length);
	barrier_var(length);
	if (length < IPV6_HEADER_LEN || length > sizeof(*headers))
		return 0;

	/* Payload Length counts everything after the outer header: the SRH and the inner packet.
	 * Only a GSO skb can exceed 16 bits; segmentation rewrites the field per segment. */
	payload_length = (__u64)original_length + length - ETH_HEADER_LEN - IPV6_HEADER_LEN;
	headers->ipv6.version_class_flow = version_class_flow;
	headers->ipv6.payload_length =
		payload_length > ENCAP_PAYLOAD_LENGTH_MAX ? 0 : bpf_htons((__u16)payload_length);
	headers->ipv6.next_header =
		srh_segment_list_length ? IPV6_NEXT_HEADER_ROUTING : IPV6_NEXT_HEADER_IPV6;
	headers->ipv6.hop_limit = ENCAP_HOP_LIMIT;
	encap_copy_address(headers->ipv6.source_address, policy->source);
	encap_copy_address(headers->ipv6.destination_address,
			   policy->segment_list[segment_count - 1]);

	if (srh_segment_list_length) {
		srh_build(&headers->srh, srh_segment_list_length, segment_count - 1);
		/* Both modes copy a prefix of the stored list, already in SRH order. Only the
		 * entries written are stored; the rest of the buffer stays uninitialised, which the
		 * verifier accepts from a loader with CAP_PERFMON (root). The verifier needs the
		 * constant bound on this loop. */
		for (i = 0; i < SRV6_MAX_SEGMENTS; i++) {
			if (i >= srh_segment_list_length)
				break;
			encap_copy_address(headers->segment_list[i], policy->segment_list[i]);
		}
	}
	return length;
}

/* Builds the headers of a grown packet and writes them with bpf_skb_store_bytes (what a
 * program without direct packet writes can do). *pushed = the bytes written. */
static __always_inline int encap_store(struct __sk_buff *skb, const struct policy_decision *decision,
				       const struct encap_plan *plan, __u32 original_length,
				       __u32 *pushed)
{
	struct encap_outer_headers headers;
	__u64 length;

	length = encap_build(&headers, decision->policy, decision->segment_count,
			     decision->encap_mode, plan->version_class_flow, original_length);
	if (length != plan->length || length < IPV6_HEADER_LEN || length > sizeof(headers))
		return SRV6_DROP_ENCAP_FAILED;
	if (bpf_skb_store_bytes(skb, ETH_HEADER_LEN, &headers, length, 0) < 0)
		return SRV6_DROP_ENCAP_FAILED;
	*pushed = length;
	return SRV6_ENCAPSULATED;
}

/*
 * The whole encapsulation in this program: plan, grow, build, store. original_length is
 * skb->len before. On success *pushed holds the number of bytes added after the Ethernet
 * header. srv6_egress writes through encap_writer.h instead and stores only when the writer
 * program is missing; the bench uses this as the helper-only path.
 */
static __always_inline int encap_push(struct __sk_buff *skb, const struct policy_decision *decision,
				      const struct ipv6_packet *packet, __u32 original_length,
				      __u32 *pushed)
{
	struct encap_plan plan;
	int ret;

	ret = encap_plan(skb, decision, packet, &plan);
	if (ret < 0)
		return ret;
	ret = encap_grow(skb, &plan);
	if (ret < 0)
		return ret;
	return encap_store(skb, decision, &plan, original_length, pushed);
}

#endif /* SRV6_LIB_ENCAP_H */
