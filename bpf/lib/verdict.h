/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Results of the program's stages. Every stage returns one of these (0 or a named negative
 * code); srv6_egress turns the final one into a tc verdict once, at its single exit, and
 * stats.h counts it there.
 */
#ifndef SRV6_LIB_VERDICT_H
#define SRV6_LIB_VERDICT_H

#include <linux/pkt_cls.h>

enum verdict_result {
	SRV6_ENCAPSULATED = 0,
	SRV6_PASS_NOT_IPV6 = -1,     /* skb->protocol is not IPv6: leave it alone */
	SRV6_PASS_MALFORMED = -2,    /* truncated header: leave it alone, the stack will judge */
	SRV6_PASS_NO_MATCH = -3,     /* no prefix, no slot or an empty policy: leave it alone */
	SRV6_DROP_MTU_EXCEEDED = -4, /* would not fit the device once encapsulated */
	SRV6_DROP_ENCAP_FAILED = -5, /* a helper failed half-way: never send it unencapsulated */
};

static __always_inline int verdict_of(int result)
{
	/* A packet that should take an intent's path and cannot is dropped: sending it natively
	 * would bypass the path (and its constraints) silently. */
	if (result == SRV6_DROP_MTU_EXCEEDED || result == SRV6_DROP_ENCAP_FAILED)
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

#endif /* SRV6_LIB_VERDICT_H */
