/** IPv6 addresses and prefixes as 16-byte arrays (network order), parsed strictly. */

export const IPV6_ADDRESS_LENGTH = 16;

export interface Ipv6Prefix {
  /** The address with every bit past `length` cleared. */
  readonly address: Uint8Array;
  /** Prefix length in bits, 0..128. */
  readonly length: number;
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const IPV4_TAIL = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseGroups(part: string, text: string): number[] {
  if (part === '') return [];
  const groups: number[] = [];
  const pieces = part.split(':');
  pieces.forEach((piece, index) => {
    const ipv4 = index === pieces.length - 1 ? IPV4_TAIL.exec(piece) : null;
    if (ipv4) {
      const octets = ipv4.slice(1).map(Number);
      if (octets.some((octet) => octet > 255)) throw new Error(`invalid IPv6 address '${text}'`);
      groups.push((octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!);
      return;
    }
    if (!HEX_GROUP.test(piece)) throw new Error(`invalid IPv6 address '${text}'`);
    groups.push(parseInt(piece, 16));
  });
  return groups;
}

/**
 * Parsed addresses by text. The agent parses the same few SIDs and sources for every policy on
 * every reconcile (thousands of policies, a handful of distinct SIDs); a hit copies 16 bytes.
 * Bounded: full, it starts over.
 */
const parsed = new Map<string, Uint8Array>();
const PARSED_MAX = 65_536;

/** Parses an IPv6 address (`2001:db8::1`, `::ffff:192.0.2.1`); throws naming the input. */
export function parseIpv6Address(text: string): Uint8Array {
  const known = parsed.get(text);
  if (known) return known.slice();
  const bytes = parseIpv6AddressText(text);
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(text, bytes.slice());
  return bytes;
}

function parseIpv6AddressText(text: string): Uint8Array {
  const halves = text.split('::');
  if (halves.length > 2) throw new Error(`invalid IPv6 address '${text}': more than one '::'`);
  const head = parseGroups(halves[0]!, text);
  const tail = halves.length === 2 ? parseGroups(halves[1]!, text) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) {
    throw new Error(`invalid IPv6 address '${text}': needs 8 groups of 16 bits`);
  }
  const groups = [
    ...head,
    ...new Array<number>(halves.length === 2 ? missing : 0).fill(0),
    ...tail,
  ];
  const bytes = new Uint8Array(IPV6_ADDRESS_LENGTH);
  groups.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** RFC 5952 text form: lower case, longest run (≥ 2) of zero groups as `::`. */
export function formatIpv6Address(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < IPV6_ADDRESS_LENGTH; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8;) {
    if (groups[start] !== 0) {
      start++;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLength) [bestStart, bestLength] = [start, end - start];
    start = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Clears every bit of `address` past `length` (returns a copy). */
export function maskAddress(address: Uint8Array, length: number): Uint8Array {
  const masked = new Uint8Array(address);
  for (let bit = length; bit < 128; bit++) masked[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return masked;
}

/** Parses `2001:db8::/32` (an address alone is a /128); host bits are cleared. */
export function parseIpv6Prefix(text: string): Ipv6Prefix {
  const [addressText, lengthText, extra] = text.split('/');
  if (extra !== undefined) throw new Error(`invalid IPv6 prefix '${text}'`);
  const length = lengthText === undefined ? 128 : Number(lengthText);
  if (!/^\d{1,3}$/.test(lengthText ?? '128') || length > 128) {
    throw new Error(`invalid IPv6 prefix '${text}': length must be 0..128`);
  }
  return { address: maskAddress(parseIpv6Address(addressText!), length), length };
}

export function formatIpv6Prefix(prefix: Ipv6Prefix): string {
  return `${formatIpv6Address(prefix.address)}/${prefix.length}`;
}

/** True when every address of `inner` is inside `outer`. */
export function prefixCovers(outer: Ipv6Prefix, inner: Ipv6Prefix): boolean {
  if (outer.length > inner.length) return false;
  const masked = maskAddress(inner.address, outer.length);
  return masked.every((byte, index) => byte === outer.address[index]);
}
