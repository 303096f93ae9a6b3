/**
 * How many srv6_prefixes lookups the program makes for a destination, computed from the
 * programmed policies: it tries the distinct prefix lengths longest first (the list in
 * srv6_prefix_lens, an array read without a helper call) and stops at the first hit. The bench
 * tables are all /64, so every packet costs one hash lookup, whatever the table size.
 */
import {
  type DatapathPolicy,
  formatIpv6Prefix,
  maskAddress,
  parseIpv6Address,
  parseIpv6Prefix,
} from '@srv6/datapath';

export interface PrefixLookups {
  /** srv6_prefixes lookups, the hit included. */
  readonly lookups: number;
  readonly matched: boolean;
}

export function prefixLookups(
  policies: readonly DatapathPolicy[],
  destination: string,
): PrefixLookups {
  const parsed = policies.map((policy) => parseIpv6Prefix(policy.destination));
  const prefixes = new Set(parsed.map(formatIpv6Prefix));
  const lengths = [...new Set(parsed.map((prefix) => prefix.length))].sort((a, b) => b - a);
  const address = parseIpv6Address(destination);
  for (const [index, length] of lengths.entries()) {
    if (prefixes.has(formatIpv6Prefix({ address: maskAddress(address, length), length }))) {
      return { lookups: index + 1, matched: true };
    }
  }
  return { lookups: lengths.length, matched: false };
}
