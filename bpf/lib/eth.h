/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Link layer. The program is attached at tc egress of an Ethernet device (veth, physical NIC):
 * the frame starts with a 14-byte Ethernet header and the IPv6 header follows it. Devices
 * without a link-layer header (tun, wireguard) are not supported.
 */
#ifndef SRV6_LIB_ETH_H
#define SRV6_LIB_ETH_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_endian.h>

#define ETH_HEADER_LEN ETH_HLEN /* destination, source, EtherType */

/* skb->protocol is the EtherType the stack chose (VLAN tags offloaded, so an accelerated VLAN
 * frame still says IPv6; a non-offloaded 802.1Q frame does not and is left alone). */
static __always_inline int eth_is_ipv6(const struct __sk_buff *skb)
{
	return skb->protocol == bpf_htons(ETH_P_IPV6);
}

#endif /* SRV6_LIB_ETH_H */
