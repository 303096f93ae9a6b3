/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Map keys and values of the SRv6 egress program: the one definition.
 *
 * libs/datapath/src/map-codec.ts mirrors every struct here byte for byte; the test
 * libs/datapath/test/map-layout.spec.ts reads the BTF of the compiled object and fails if the
 * two disagree. Change both together.
 *
 * Lookup, per packet (see docs/datapath.md for why):
 *   1. srv6_prefix_lens    array, one entry (key 0) -> struct srv6_prefix_length_table: the
 *      distinct prefix lengths srv6_prefixes holds, longest first (the active copy).
 *   2. srv6_prefixes       hash, exact match on (prefix length, destination masked to it) ->
 *      struct srv6_rule_set. The program tries the lengths of step 1 in order; the first hit is
 *      the longest matching prefix (the same answer an LPM trie gives). Its rule set already
 *      holds the rules of every covering shorter prefix (merged by the control plane), so one
 *      hit decides the prefix.
 *   3. inside the rule set: a binary search of the port intervals of the packet's protocol
 *      class; no interval -> the all-ports slot of that class.
 *   4. srv6_policies        array, slot -> struct srv6_policy (segment list, mode, source).
 *   5. srv6_counters        per-CPU array, slot -> packets/bytes.
 * Precedence (longest prefix, then specific port > range > all ports, then tcp/udp > any) is
 * resolved in user space when the rule sets are built; the kernel side only looks up.
 */
#ifndef SRV6_MAPS_H
#define SRV6_MAPS_H

#include <linux/types.h>

#define SRV6_MAX_SEGMENTS	  16	/* SIDs per segment list */
#define SRV6_MAX_PORT_INTERVALS	  16	/* per destination prefix and protocol class */
#define SRV6_MAX_PREFIX_LENGTHS	  32	/* distinct destination prefix lengths per host */
#define SRV6_DEFAULT_CAPACITY	  131072	/* policies (slots) and destination prefixes */
#define SRV6_FRAGMENT_CACHE_SIZE 4096	/* remembered first fragments */
#define SRV6_NO_POLICY		  0xffffffffU

#define SRV6_IPV6_ADDRESS_LEN 16

/* Protocol classes a rule can name. Any other next header (ICMPv6, ESP, ...) is class OTHER,
 * which only "protocol: any" rules without ports reach. */
enum srv6_protocol_class {
	SRV6_PROTOCOL_OTHER = 0,
	SRV6_PROTOCOL_TCP = 1,
	SRV6_PROTOCOL_UDP = 2,
	SRV6_PROTOCOL_CLASSES = 3,
};
#define SRV6_PORT_CLASSES 2 /* TCP and UDP have ports; index = class - 1 */

enum srv6_encap_mode {
	SRV6_ENCAP_H_ENCAPS = 0,     /* RFC 8986 5.1: outer IPv6 + SRH with every segment */
	SRV6_ENCAP_H_ENCAPS_RED = 1, /* RFC 8986 5.2: first segment only in the outer DA */
};

/* srv6_prefixes key (exact match). prefixlen counts bits of address (0..128); every address
 * bit past prefixlen is 0, or the key is never found. */
struct srv6_destination_key {
	__u32 prefixlen;
	__u8 address[SRV6_IPV6_ADDRESS_LEN];
};

/* The distinct prefix lengths srv6_prefixes holds an entry for, each once, longest first;
 * lengths[count..) are unused. */
struct srv6_prefix_lengths {
	__u8 count; /* 0..SRV6_MAX_PREFIX_LENGTHS */
	__u8 lengths[SRV6_MAX_PREFIX_LENGTHS];
};

/*
 * srv6_prefix_lens value (array, key 0): two copies of the list and which one is in use. An
 * array lookup is inlined by the verifier (no helper call, ~20 ns less per packet than a hash
 * lookup here), but user space rewrites an array value in place, byte by byte, not atomically.
 * So user space changes the list in two writes, each atomic for a reader that reads `active`
 * and then copies[active]:
 *   1. the new list into copies[!active]; `active` and copies[active] are rewritten with the
 *      bytes they already hold, so every byte a reader can read keeps its value throughout;
 *   2. after an RCU grace period (step 1 visible everywhere), `active` flipped: one byte.
 * It waits for another grace period before writing copies[!active] again, so no packet still
 * reads the copy it overwrites. It adds a length only after its prefixes are in srv6_prefixes
 * and removes one before deleting them.
 */
struct srv6_prefix_length_table {
	__u8 active; /* index of the copy in use: 0 or 1 (the program reads active & 1) */
	struct srv6_prefix_lengths copies[2];
};

/* A run of destination ports [first_port, last_port], host byte order, owned by one policy. */
struct srv6_port_interval {
	__u16 first_port;
	__u16 last_port;
	__u32 policy_slot;
};

/* srv6_prefixes value: every rule that can apply to packets whose longest matching prefix is
 * this one. Intervals of one class are sorted by first_port and do not overlap. */
struct srv6_rule_set {
	__u32 all_ports_slot[SRV6_PROTOCOL_CLASSES]; /* SRV6_NO_POLICY when none */
	__u8 interval_count[SRV6_PORT_CLASSES];	     /* tcp, udp */
	__u8 reserved[2];
	struct srv6_port_interval intervals[SRV6_PORT_CLASSES][SRV6_MAX_PORT_INTERVALS];
};

/* srv6_policies value. segment_list is stored as RFC 8754 puts it in the SRH: segment_list[0] is
 * the LAST segment of the path, segment_list[segment_count - 1] the first. Both encapsulations
 * then copy a prefix of it into the SRH. A slot with segment_count 0 or > 16 or an unknown
 * encap_mode is treated as no policy (packet left unchanged). The kernel rewrites an array value
 * in place, not atomically: change a live policy by writing a fresh slot and then pointing the
 * rule sets at it. */
struct srv6_policy {
	__u8 segment_count; /* 1..SRV6_MAX_SEGMENTS; 0 = empty slot, never encapsulate */
	__u8 encap_mode;    /* enum srv6_encap_mode */
	__u8 reserved[2];
	__u8 source[SRV6_IPV6_ADDRESS_LEN]; /* outer source address */
	__u8 segment_list[SRV6_MAX_SEGMENTS][SRV6_IPV6_ADDRESS_LEN];
};

/* srv6_counters value (per CPU), indexed by policy slot. bytes = length of the packet as the
 * host sent it, before encapsulation. */
struct srv6_counters {
	__u64 packets;
	__u64 bytes;
};

/* srv6_stats value: per-CPU, one entry (key 0). Why packets were not encapsulated. */
struct srv6_datapath_stats {
	__u64 seen;		/* every packet the program ran on */
	__u64 not_ipv6;		/* left unchanged */
	__u64 malformed;	/* truncated or unparsable IPv6: left unchanged */
	__u64 no_match;		/* IPv6, no policy: left unchanged */
	__u64 encapsulated;
	__u64 mtu_exceeded;	/* would not fit the device after encapsulation: dropped */
	__u64 encap_failed;	/* a helper failed: dropped (never sent on the wrong path) */
	__u64 headers_stored;	/* encapsulated, headers written by bpf_skb_store_bytes: the
				 * writer program (srv6_encap_write) was missing */
};

/* srv6_fragments key (LRU hash, value __u32 slot or SRV6_NO_POLICY): non-first fragments carry
 * no ports, so the first fragment's decision is remembered by (destination, identification) and
 * reused for the rest of the datagram. Written by the program only. */
struct srv6_fragment_key {
	__u8 destination[SRV6_IPV6_ADDRESS_LEN];
	__u32 identification; /* Fragment header Identification, host byte order */
};

#endif /* SRV6_MAPS_H */
