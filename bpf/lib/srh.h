/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The Segment Routing Header (RFC 8754), a Routing header of type 4.
 */
#ifndef SRV6_LIB_SRH_H
#define SRV6_LIB_SRH_H

#include <linux/types.h>

#include "srv6_maps.h"
#include "ipv6.h"

#define SRH_ROUTING_TYPE 4
#define SRH_FIXED_LEN 8 /* Next Header .. Tag, before Segment List[0] */

/*
 * RFC 8754 section 2:
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Header   |  Hdr Ext Len  | Routing Type  | Segments Left |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Last Entry   |     Flags     |              Tag              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * |            Segment List[0] (128-bit IPv6 address)             |
 * |                                                               |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * |                                                               |
 *                               ...
 * |                                                               |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * |            Segment List[n] (128-bit IPv6 address)             |
 * |                                                               |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * //                                                             //
 * //         Optional Type Length Value objects (variable)       //
 * //                                                             //
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Segment List[0] is the LAST segment of the path; Segments Left indexes the active one. This
 * program writes no TLVs.
 */
struct srh_header {
	__u8 next_header;
	__u8 hdr_ext_len;   /* 8-octet units after the first 8: 2 per segment without TLVs */
	__u8 routing_type;  /* SRH_ROUTING_TYPE */
	__u8 segments_left; /* index of the active segment */
	__u8 last_entry;    /* index of the last element of the Segment List */
	__u8 flags;
	__be16 tag;
	/* Segment List[0 .. Last Entry] follows */
};

/*
 * Fill the fixed part of an SRH carrying segment_list_length entries (1..SRV6_MAX_SEGMENTS)
 * in front of an IPv6 packet.
 */
static __always_inline void srh_build(struct srh_header *srh, __u32 segment_list_length,
				      __u32 segments_left)
{
	srh->next_header = IPV6_NEXT_HEADER_IPV6;
	srh->hdr_ext_len = segment_list_length * (SRV6_IPV6_ADDRESS_LEN / 8);
	srh->routing_type = SRH_ROUTING_TYPE;
	srh->segments_left = segments_left;
	srh->last_entry = segment_list_length - 1;
	srh->flags = 0;
	srh->tag = 0;
}

#endif /* SRV6_LIB_SRH_H */
