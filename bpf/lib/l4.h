/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Upper layer: the protocol class a rule can name, the destination port of TCP and UDP, and
 * the TCP header length. parse.h takes the port and the length from its direct read when TCP
 * or UDP follows the fixed IPv6 header; the loads here are for the other packets.
 */
#ifndef SRV6_LIB_L4_H
#define SRV6_LIB_L4_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "srv6_maps.h"
#include "ipv6.h"
#include "verdict.h"

/*
 * RFC 9293 section 3.1 (TCP) and RFC 768 (UDP) start alike:
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
#define UDP_HEADER_LEN 8

/* RFC 9293 section 3.1: Data Offset, the TCP header length in 32-bit words, is the high nibble
 * of byte 12. */
#define TCP_DATA_OFFSET_BYTE 12

struct l4_ports {
	__be16 source_port;
	__be16 destination_port;
};

/* The first 13 bytes of the upper layer: the ports of TCP and UDP, and TCP's Data Offset (for
 * UDP, bytes 8.. are payload and tcp_data_offset means nothing). */
struct l4_start {
	struct l4_ports ports;
	__u8 tcp_sequence_and_acknowledgment[8];
	__u8 tcp_data_offset; /* Data Offset in the high nibble */
};
#define L4_START_LEN (TCP_DATA_OFFSET_BYTE + 1)
_Static_assert(__builtin_offsetof(struct l4_start, tcp_data_offset) == TCP_DATA_OFFSET_BYTE,
	       "struct l4_start follows the TCP header");

/* TCP header length in bytes (options included) from byte 12 of the header. */
static __always_inline __u32 l4_tcp_header_length(__u8 data_offset_byte)
{
	return (__u32)(data_offset_byte >> 4) * 4;
}

/* TCP header length in bytes (options included); SRV6_PASS_MALFORMED when the packet ends
 * before byte 12 of the header. */
static __always_inline int l4_load_tcp_header_length(struct __sk_buff *skb, __u32 offset,
						     __u32 *length)
{
	__u8 data_offset;

	if (bpf_skb_load_bytes(skb, offset + TCP_DATA_OFFSET_BYTE, &data_offset, 1) < 0)
		return SRV6_PASS_MALFORMED;
	*length = l4_tcp_header_length(data_offset);
	return 0;
}

/* TCP and UDP have ports; everything else (ICMPv6, ESP, AH, No Next Header, an extension header
 * the walk gave up on) is OTHER. */
static __always_inline __u32 l4_protocol_class(__u8 next_header)
{
	if (next_header == IPV6_NEXT_HEADER_TCP)
		return SRV6_PROTOCOL_TCP;
	if (next_header == IPV6_NEXT_HEADER_UDP)
		return SRV6_PROTOCOL_UDP;
	return SRV6_PROTOCOL_OTHER;
}

/* Destination port in host byte order. SRV6_PASS_MALFORMED when the packet ends before it. */
static __always_inline int l4_load_destination_port(struct __sk_buff *skb, __u32 offset,
						    __u16 *port)
{
	struct l4_ports ports;

	if (bpf_skb_load_bytes(skb, offset, &ports, sizeof(ports)) < 0)
		return SRV6_PASS_MALFORMED;
	*port = bpf_ntohs(ports.destination_port);
	return 0;
}

#endif /* SRV6_LIB_L4_H */
