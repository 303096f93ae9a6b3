/**
 * What the datapath is loaded with: N policies on distinct /64 prefixes, each with one TCP port
 * rule, and the packet the test run sends. Prefix i is 2001:db8:W::/64 with W = mix(i), a
 * bijection on 32 bits, so the prefixes are distinct and spread over the address space like
 * real destinations rather than clustered (hash buckets, and before that the LPM trie's depth).
 */
import type { DatapathPolicy } from '@srv6/datapath';

/** The SID list every policy uses: End at r3, End.DT6 at r4 (as in the diamond lab). */
export const SEGMENTS = ['fc00:0:3::1', 'fc00:0:4::d6'] as const;
export const SOURCE = '2001:db8:a::10';
export const PACKET_PORT = 5201;

/** A bijection on 32-bit integers (xorshift-multiply, odd multipliers). */
function mix(index: number): number {
  let x = index >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** The 32 bits after 2001:db8 that tell prefix i apart. */
export function prefixWord(index: number): number {
  return mix(index);
}

function groups(word: number): string {
  return `${(word >>> 16).toString(16)}:${(word & 0xffff).toString(16)}`;
}

export function prefixOf(index: number): string {
  return `2001:db8:${groups(prefixWord(index))}::/64`;
}

/** Index 0 is the policy the measured packet matches; 1..count-1 are the other policies. */
export function benchPolicy(index: number): DatapathPolicy {
  return {
    id: `bench-${index}`,
    destination: prefixOf(index),
    protocol: 'tcp',
    ports: [index === 0 ? { first: PACKET_PORT, last: PACKET_PORT } : portOf(index)],
    segments: [...SEGMENTS],
    encapsulation: 'srh',
    source: SOURCE,
  };
}

function portOf(index: number): { first: number; last: number } {
  const port = 1024 + (index % 60000);
  return { first: port, last: port };
}

export function benchPolicies(count: number): DatapathPolicy[] {
  return Array.from({ length: count }, (_, index) => benchPolicy(index));
}

/** Destination of the measured packet: inside prefix 0. */
export const MATCHING_DESTINATION = `2001:db8:${groups(prefixWord(0))}::10`;

/** In 2001:db8::/32 like every prefix, but in none (mix is a bijection, 0xffffffff is unused). */
export const MISSING_WORD = prefixWord(0xffffffff);
export const MISSING_DESTINATION = `2001:db8:${groups(MISSING_WORD)}::10`;
