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
import { formatIpv6Prefix, parseIpv6Prefix, prefixCovers } from './ipv6-address.js';

/** IPv6 minimum link MTU (RFC 8200): no route may be set below it. */
export const IPV6_MINIMUM_MTU = 1280;

export interface RouteMtu {
  /** Steered prefix, text form. */
  readonly destination: string;
  readonly mtu: number;
}

/**
 * For every steered prefix: uplink MTU minus the largest overhead of any policy whose prefix
 * covers it (a packet to the prefix may hit any of them, depending on its ports).
 */
export function routeMtus(policies: readonly DatapathPolicy[], uplinkMtu: number): RouteMtu[] {
  const parsed = policies.map((policy) => ({
    prefix: parseIpv6Prefix(policy.destination),
    overhead: encapOverhead(policy.segments.length, policy.encapsulation),
  }));
  const result = new Map<string, RouteMtu>();
  for (const { prefix } of parsed) {
    const destination = formatIpv6Prefix(prefix);
    if (result.has(destination)) continue;
    const overhead = Math.max(
      ...parsed
        .filter((other) => prefixCovers(other.prefix, prefix))
        .map((other) => other.overhead),
    );
    const mtu = uplinkMtu - overhead;
    if (mtu < IPV6_MINIMUM_MTU) {
      throw new Error(
        `destination ${destination}: uplink MTU ${uplinkMtu} minus ${overhead} bytes of ` +
          `encapsulation is below IPv6's minimum ${IPV6_MINIMUM_MTU}; use fewer segments, ` +
          `encapsulation: reduced, or a larger uplink MTU`,
      );
    }
    result.set(destination, { destination, mtu });
  }
  return [...result.values()];
}
