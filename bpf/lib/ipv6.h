/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * IPv6 header parsing and the extension-header walk (RFC 8200). The fixed header comes from
 * the caller (parse.h: directly from the skb's linear part when it is there), extension
 * headers are read with bpf_skb_load_bytes, which fails cleanly on a truncated packet and
 * works when the headers are not in the linear part of the skb.
 */
#ifndef SRV6_LIB_IPV6_H
#define SRV6_LIB_IPV6_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "srv6_maps.h"
#include "eth.h"
#include "verdict.h"

#define IPV6_VERSION 6
#define IPV6_MINIMUM_MTU 1280 /* RFC 8200 section 5: every link carrying IPv6 */
#define IPV6_HEADER_LEN 40
#define IPV6_TRAFFIC_CLASS_SHIFT 20
#define IPV6_FLOW_LABEL_MASK 0x000fffffU
#define IPV6_VERSION_SHIFT 28

/* Next Header values (IANA "Assigned Internet Protocol Numbers"). */
#define IPV6_NEXT_HEADER_HOP_BY_HOP 0
#define IPV6_NEXT_HEADER_TCP 6
#define IPV6_NEXT_HEADER_UDP 17
#define IPV6_NEXT_HEADER_IPV6 41 /* IPv6 in IPv6: what follows an SRv6 encapsulation */
#define IPV6_NEXT_HEADER_ROUTING 43
#define IPV6_NEXT_HEADER_FRAGMENT 44
#define IPV6_NEXT_HEADER_DESTINATION_OPTIONS 60

/* Extension headers the walk steps over. More than this and the packet is class OTHER (no
 * ports): this host's own stack never sends that many before TCP or UDP. */
#define IPV6_MAX_EXTENSION_HEADERS 4

/*
 * RFC 8200 section 3:
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                         Source Address                        +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                      Destination Address                      +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ipv6_header {
	__be32 version_class_flow; /* Version (4 bits), Traffic Class (8), Flow Label (20) */
	__be16 payload_length;
	__u8 next_header;
	__u8 hop_limit;
	__u8 source_address[SRV6_IPV6_ADDRESS_LEN];
	__u8 destination_address[SRV6_IPV6_ADDRESS_LEN];
};

/*
 * RFC 8200 sections 4.3, 4.4, 4.6: the first two octets every Hop-by-Hop Options, Routing and
 * Destination Options header shares. Hdr Ext Len counts 8-octet units after the first 8.
 */
struct ipv6_extension_header {
	__u8 next_header;
	__u8 hdr_ext_len;
};

/*
 * RFC 8200 section 4.5:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Identification                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
struct ipv6_fragment_header {
	__u8 next_header;
	__u8 reserved;
	__be16 offset_flags; /* Fragment Offset (13 bits, 8-octet units), Res (2), M (1) */
	__be32 identification;
};

#define IPV6_FRAGMENT_OFFSET_MASK 0xfff8U /* of offset_flags, host order; 0 = first fragment */
#define IPV6_FRAGMENT_MORE_FRAGMENTS 0x0001U

/* What the rest of the program needs to know about a packet. */
struct ipv6_packet {
	__be32 version_class_flow;	 /* first word of the inner header, as sent */
	__u32 upper_layer_offset;	 /* from the start of the frame */
	__u32 fragment_identification; /* host byte order; valid when is_fragment */
	__u16 fragment_offset;		 /* 8-octet units; 0 = first (or atomic) fragment */
	__u8 next_header;		 /* upper-layer protocol, or where the walk stopped */
	__u8 is_fragment;		 /* a Fragment header was seen */
	__u8 more_fragments;		 /* its M flag */
	/* Filled by packet_parse (parse.h) when TCP or UDP directly follows the fixed header and
	 * its start was in the same direct read: */
	__u8 destination_port_read;	 /* 1: destination_port is valid; 0: load it */
	__u8 tcp_header_length;	 /* options included; 0 = not read, load it */
	__u16 destination_port;	 /* host byte order */
	__u8 destination_address[SRV6_IPV6_ADDRESS_LEN];
};

static __always_inline int ipv6_is_walkable_extension(__u8 next_header)
{
	return next_header == IPV6_NEXT_HEADER_HOP_BY_HOP ||
	       next_header == IPV6_NEXT_HEADER_ROUTING ||
	       next_header == IPV6_NEXT_HEADER_DESTINATION_OPTIONS;
}

/*
 * Parse the IPv6 header (`header`, read from ETH_HEADER_LEN by the caller) and walk its
 * extension headers. Precondition: the skb is IPv6 (eth_is_ipv6). Returns 0 or
 * SRV6_PASS_MALFORMED. Stops at the first header that is not Hop-by-Hop, Routing, Destination
 * Options or Fragment (that is the upper layer: TCP, UDP, ICMPv6, ESP, AH, No Next Header,
 * ...), after a non-first fragment's Fragment header (what follows is payload, not a header),
 * or after IPV6_MAX_EXTENSION_HEADERS headers.
 */
static __always_inline int ipv6_parse(struct __sk_buff *skb, const struct ipv6_header *header,
				      struct ipv6_packet *packet)
{
	__u32 offset = ETH_HEADER_LEN + IPV6_HEADER_LEN;
	__u8 next_header;
	int i;

	if (bpf_ntohl(header->version_class_flow) >> IPV6_VERSION_SHIFT != IPV6_VERSION)
		return SRV6_PASS_MALFORMED;

	packet->version_class_flow = header->version_class_flow;
	__builtin_memcpy(packet->destination_address, header->destination_address,
			 SRV6_IPV6_ADDRESS_LEN);
	packet->is_fragment = 0;
	packet->more_fragments = 0;
	packet->fragment_offset = 0;
	packet->fragment_identification = 0;
	next_header = header->next_header;

	/* The verifier needs a constant bound on this loop. */
	for (i = 0; i < IPV6_MAX_EXTENSION_HEADERS; i++) {
		if (ipv6_is_walkable_extension(next_header)) {
			struct ipv6_extension_header extension;

			if (bpf_skb_load_bytes(skb, offset, &extension, sizeof(extension)) < 0)
				return SRV6_PASS_MALFORMED;
			next_header = extension.next_header;
			offset += ((__u32)extension.hdr_ext_len + 1) * 8;
		} else if (next_header == IPV6_NEXT_HEADER_FRAGMENT) {
			struct ipv6_fragment_header fragment;
			__u16 offset_flags;

			if (bpf_skb_load_bytes(skb, offset, &fragment, sizeof(fragment)) < 0)
				return SRV6_PASS_MALFORMED;
			offset_flags = bpf_ntohs(fragment.offset_flags);
			packet->is_fragment = 1;
			packet->more_fragments = offset_flags & IPV6_FRAGMENT_MORE_FRAGMENTS;
			packet->fragment_offset = (offset_flags & IPV6_FRAGMENT_OFFSET_MASK) >> 3;
			packet->fragment_identification = bpf_ntohl(fragment.identification);
			next_header = fragment.next_header;
			offset += sizeof(fragment);
			if (packet->fragment_offset != 0)
				break;
		} else {
			break;
		}
	}

	packet->next_header = next_header;
	packet->upper_layer_offset = offset;
	return 0;
}

#endif /* SRV6_LIB_IPV6_H */
