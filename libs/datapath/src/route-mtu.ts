/**
 * MTU handling for steered destinations (see docs/datapath.md, "MTU"). Encapsulation adds
 * 40 + 8 + 16n bytes after the host has sized its packets; a non-GSO packet that then exceeds the
 * uplink MTU would be dropped silently. The fix is a route per steered prefix whose MTU leaves
 * room for the largest encapsulation that can apply to it: TCP then picks a smaller MSS, UDP and
 * ICMPv6 are fragmented by the host before the program sees them, and `send()` with DONTFRAG
 * gets EMSGSIZE instead of a black hole.
 */
import { DatapathPolicy } from './policy.js';
import { encapOverhead } from './datapath-limits.js';
import { formatIpv6Prefix, maskAddress, parseIpv6Prefix, type Ipv6Prefix } from './ipv6-address.js';

/** IPv6 minimum link MTU (RFC 8200): no route may be set below it. */
export const IPV6_MINIMUM_MTU = 1280;

export interface RouteMtu {
  /** Steered prefix, text form. */
  readonly destination: string;
  readonly mtu: number;
}

/** A map key for a prefix (its address already masked to its length). */
const prefixKey = (address: Uint8Array, length: number): string =>
  `${Buffer.from(address.buffer, address.byteOffset, address.byteLength).toString('hex')}/${length}`;

/**
 * For every steered prefix: uplink MTU minus the largest overhead of any policy whose prefix
 * covers it (a packet to the prefix may hit any of them, depending on its ports).
 */
export function routeMtus(policies: readonly DatapathPolicy[], uplinkMtu: number): RouteMtu[] {
  // The largest overhead per distinct prefix; a prefix's covering prefixes are found by
  // masking it to each prefix length in use: O(n × lengths) instead of comparing all pairs.
  const largest = new Map<string, number>();
  const prefixes = new Map<string, Ipv6Prefix>();
  for (const policy of policies) {
    const prefix = parseIpv6Prefix(policy.destination);
    const key = prefixKey(maskAddress(prefix.address, prefix.length), prefix.length);
    const overhead = encapOverhead(policy.segments.length, policy.encapsulation);
    largest.set(key, Math.max(largest.get(key) ?? 0, overhead));
    prefixes.set(key, prefix);
  }
  const lengths = [...new Set([...prefixes.values()].map((prefix) => prefix.length))];
  const result: RouteMtu[] = [];
  for (const prefix of prefixes.values()) {
    const destination = formatIpv6Prefix(prefix);
    let overhead = 0;
    for (const length of lengths) {
      if (length > prefix.length) continue;
      const covering = prefixKey(maskAddress(prefix.address, length), length);
      overhead = Math.max(overhead, largest.get(covering) ?? 0);
    }
    const mtu = uplinkMtu - overhead;
    if (mtu < IPV6_MINIMUM_MTU) {
      throw new Error(
        `destination ${destination}: uplink MTU ${uplinkMtu} minus ${overhead} bytes of ` +
          `encapsulation is below IPv6's minimum ${IPV6_MINIMUM_MTU}; use fewer segments, ` +
          `encapsulation: reduced, or a larger uplink MTU`,
      );
    }
    result.push({ destination, mtu });
  }
  return result;
}
