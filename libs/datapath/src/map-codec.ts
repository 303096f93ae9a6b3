/**
 * Byte codecs of the BPF map keys and values: the TypeScript mirror of
 * bpf/include/srv6_maps.h (little-endian host, as the kernel stores them). STRUCT_LAYOUT lists
 * every member offset; test/map-layout.spec.ts compares it with the BTF of the compiled object.
 */
import { IPV6_ADDRESS_LENGTH, Ipv6Prefix, maskAddress } from './ipv6-address.js';
import {
  MAX_PORT_INTERVALS,
  MAX_PREFIX_LENGTHS,
  MAX_SEGMENTS,
  NO_POLICY,
} from './datapath-limits.js';

export const PROTOCOL_CLASS = { other: 0, tcp: 1, udp: 2 } as const;
export type ProtocolClass = keyof typeof PROTOCOL_CLASS;
export const PORT_CLASSES = ['tcp', 'udp'] as const;
export const ENCAP_MODE = { srh: 0, reduced: 1 } as const;

export const STRUCT_LAYOUT = {
  srv6_destination_key: { size: 20, members: { prefixlen: 0, address: 4 } },
  srv6_prefix_lengths: { size: 1 + MAX_PREFIX_LENGTHS, members: { count: 0, lengths: 1 } },
  srv6_prefix_length_table: {
    size: 1 + 2 * (1 + MAX_PREFIX_LENGTHS),
    members: { active: 0, copies: 1 },
  },
  srv6_port_interval: { size: 8, members: { first_port: 0, last_port: 2, policy_slot: 4 } },
  srv6_rule_set: {
    size: 16 + 2 * MAX_PORT_INTERVALS * 8,
    members: { all_ports_slot: 0, interval_count: 12, reserved: 14, intervals: 16 },
  },
  srv6_policy: {
    size: 20 + MAX_SEGMENTS * IPV6_ADDRESS_LENGTH,
    members: { segment_count: 0, encap_mode: 1, reserved: 2, source: 4, segment_list: 20 },
  },
  srv6_counters: { size: 16, members: { packets: 0, bytes: 8 } },
  srv6_datapath_stats: {
    size: 64,
    members: {
      seen: 0,
      not_ipv6: 8,
      malformed: 16,
      no_match: 24,
      encapsulated: 32,
      mtu_exceeded: 40,
      encap_failed: 48,
      headers_stored: 56,
    },
  },
  srv6_fragment_key: { size: 20, members: { destination: 0, identification: 16 } },
} as const;

export interface PortInterval {
  readonly first: number;
  readonly last: number;
  readonly slot: number;
}

/** Value of srv6_prefixes: what packets whose longest matching prefix is this one may hit. */
export interface RuleSet {
  /** Slot per protocol class for packets no port interval claims; NO_POLICY when none. */
  readonly allPortsSlot: Readonly<Record<ProtocolClass, number>>;
  /** Sorted, disjoint, at most MAX_PORT_INTERVALS per class. */
  readonly intervals: Readonly<Record<(typeof PORT_CLASSES)[number], readonly PortInterval[]>>;
}

export interface PolicyValue {
  /** Path order (first segment visited first); stored reversed, as in the SRH. */
  readonly segments: readonly Uint8Array[];
  readonly mode: keyof typeof ENCAP_MODE;
  readonly source: Uint8Array;
}

export interface Counters {
  readonly packets: bigint;
  readonly bytes: bigint;
}

export type DatapathStats = Readonly<
  Record<keyof (typeof STRUCT_LAYOUT)['srv6_datapath_stats']['members'], bigint>
>;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function expectSize(bytes: Uint8Array, struct: keyof typeof STRUCT_LAYOUT): void {
  const size = STRUCT_LAYOUT[struct].size;
  if (bytes.byteLength !== size) {
    throw new Error(`${struct}: expected ${size} bytes, got ${bytes.byteLength}`);
  }
}

/**
 * srv6_prefixes is an exact-match hash: the key carries the address masked to its length (the
 * program masks the destination the same way), so host bits are cleared here too.
 */
export function encodeDestinationKey(prefix: Ipv6Prefix): Uint8Array {
  const bytes = new Uint8Array(STRUCT_LAYOUT.srv6_destination_key.size);
  view(bytes).setUint32(0, prefix.length, true);
  bytes.set(maskAddress(prefix.address, prefix.length), 4);
  return bytes;
}

/** The one key of srv6_prefix_lens. */
export const PREFIX_LENGTHS_KEY: Uint8Array = new Uint8Array(4);

/**
 * struct srv6_prefix_lengths: the distinct lengths, longest first (the order the program tries
 * them in). Throws past MAX_PREFIX_LENGTHS distinct lengths or for a length outside 0..128.
 */
export function encodePrefixLengths(lengths: Iterable<number>): Uint8Array {
  const distinct = [...new Set(lengths)].sort((a, b) => b - a);
  for (const length of distinct) {
    if (!Number.isInteger(length) || length < 0 || length > 128) {
      throw new Error(`prefix length ${length}: must be 0..128`);
    }
  }
  if (distinct.length > MAX_PREFIX_LENGTHS) {
    throw new Error(
      `${distinct.length} distinct prefix lengths, the datapath looks up at most ${MAX_PREFIX_LENGTHS}`,
    );
  }
  const bytes = new Uint8Array(STRUCT_LAYOUT.srv6_prefix_lengths.size);
  bytes[0] = distinct.length;
  bytes.set(distinct, 1);
  return bytes;
}

export function decodePrefixLengths(bytes: Uint8Array): number[] {
  expectSize(bytes, 'srv6_prefix_lengths');
  return [...bytes.subarray(1, 1 + Math.min(bytes[0]!, MAX_PREFIX_LENGTHS))];
}

/*
 * srv6_prefix_lens holds struct srv6_prefix_length_table: two copies of the list and the index
 * of the active one. The program reads `active`, then that copy. A change is two writes (see
 * bpf/include/srv6_maps.h): stagePrefixLengths (new list into the inactive copy, every byte a
 * reader can see unchanged), then flipPrefixLengths (one byte).
 */
const LENGTHS_SIZE = STRUCT_LAYOUT.srv6_prefix_lengths.size;

function prefixLengthCopy(table: Uint8Array, index: number): Uint8Array {
  expectSize(table, 'srv6_prefix_length_table');
  const start = STRUCT_LAYOUT.srv6_prefix_length_table.members.copies + index * LENGTHS_SIZE;
  return table.subarray(start, start + LENGTHS_SIZE);
}

/** Index (0 or 1) of the copy the program uses, as the program reads it (active & 1). */
export function activePrefixLengthCopy(table: Uint8Array): 0 | 1 {
  expectSize(table, 'srv6_prefix_length_table');
  return (table[0]! & 1) as 0 | 1;
}

/** The lengths the program tries, from a whole srv6_prefix_lens value. */
export function decodePrefixLengthTable(table: Uint8Array): number[] {
  return decodePrefixLengths(prefixLengthCopy(table, activePrefixLengthCopy(table)));
}

/** A copy of `table` with `lengths` (encodePrefixLengths) in its inactive copy. */
export function stagePrefixLengths(table: Uint8Array, lengths: Uint8Array): Uint8Array {
  expectSize(lengths, 'srv6_prefix_lengths');
  const staged = new Uint8Array(table);
  prefixLengthCopy(staged, 1 - activePrefixLengthCopy(table)).set(lengths);
  return staged;
}

/** A copy of `table` with the other copy active. */
export function flipPrefixLengths(table: Uint8Array): Uint8Array {
  const flipped = new Uint8Array(table);
  flipped[0] = 1 - activePrefixLengthCopy(table);
  return flipped;
}

export function decodeDestinationKey(bytes: Uint8Array): Ipv6Prefix {
  expectSize(bytes, 'srv6_destination_key');
  return { length: view(bytes).getUint32(0, true), address: bytes.slice(4, 20) };
}

export function encodeRuleSet(ruleSet: RuleSet): Uint8Array {
  const bytes = new Uint8Array(STRUCT_LAYOUT.srv6_rule_set.size);
  const data = view(bytes);
  for (const [name, index] of Object.entries(PROTOCOL_CLASS)) {
    data.setUint32(index * 4, ruleSet.allPortsSlot[name as ProtocolClass], true);
  }
  PORT_CLASSES.forEach((portClass, classIndex) => {
    const intervals = ruleSet.intervals[portClass];
    if (intervals.length > MAX_PORT_INTERVALS) {
      throw new Error(
        `${portClass}: ${intervals.length} port intervals, the datapath holds ${MAX_PORT_INTERVALS}`,
      );
    }
    bytes[12 + classIndex] = intervals.length;
    intervals.forEach((interval, i) => {
      const offset = 16 + (classIndex * MAX_PORT_INTERVALS + i) * 8;
      data.setUint16(offset, interval.first, true);
      data.setUint16(offset + 2, interval.last, true);
      data.setUint32(offset + 4, interval.slot, true);
    });
  });
  return bytes;
}

export function decodeRuleSet(bytes: Uint8Array): RuleSet {
  expectSize(bytes, 'srv6_rule_set');
  const data = view(bytes);
  const slot = (index: number): number => data.getUint32(index * 4, true);
  const intervals = PORT_CLASSES.map((_, classIndex) =>
    Array.from({ length: Math.min(bytes[12 + classIndex]!, MAX_PORT_INTERVALS) }, (__, i) => {
      const offset = 16 + (classIndex * MAX_PORT_INTERVALS + i) * 8;
      return {
        first: data.getUint16(offset, true),
        last: data.getUint16(offset + 2, true),
        slot: data.getUint32(offset + 4, true),
      };
    }),
  );
  return {
    allPortsSlot: { other: slot(0), tcp: slot(1), udp: slot(2) },
    intervals: { tcp: intervals[0]!, udp: intervals[1]! },
  };
}

export function encodePolicy(policy: PolicyValue): Uint8Array {
  const count = policy.segments.length;
  if (count < 1 || count > MAX_SEGMENTS) {
    throw new Error(`segments: ${count} SIDs, the datapath holds 1..${MAX_SEGMENTS}`);
  }
  const bytes = new Uint8Array(STRUCT_LAYOUT.srv6_policy.size);
  bytes[0] = count;
  bytes[1] = ENCAP_MODE[policy.mode];
  bytes.set(policy.source, 4);
  // RFC 8754 order: Segment List[0] is the last segment of the path.
  policy.segments.forEach((segment, i) => bytes.set(segment, 20 + (count - 1 - i) * 16));
  return bytes;
}

export function decodePolicy(bytes: Uint8Array): PolicyValue | undefined {
  expectSize(bytes, 'srv6_policy');
  const count = bytes[0]!;
  if (count === 0 || count > MAX_SEGMENTS) return undefined;
  const segments = Array.from({ length: count }, (_, i) =>
    bytes.slice(20 + (count - 1 - i) * 16, 20 + (count - i) * 16),
  );
  return {
    segments,
    mode: bytes[1] === ENCAP_MODE.reduced ? 'reduced' : 'srh',
    source: bytes.slice(4, 20),
  };
}

export function encodeSlot(slot: number): Uint8Array {
  const bytes = new Uint8Array(4);
  view(bytes).setUint32(0, slot, true);
  return bytes;
}

/** Sums one per-CPU srv6_counters value (one buffer per possible CPU). */
export function sumCounters(perCpu: readonly Uint8Array[]): Counters {
  let packets = 0n;
  let bytes = 0n;
  for (const value of perCpu) {
    const data = view(value);
    packets += data.getBigUint64(0, true);
    bytes += data.getBigUint64(8, true);
  }
  return { packets, bytes };
}

export function sumStats(perCpu: readonly Uint8Array[]): DatapathStats {
  const members = STRUCT_LAYOUT.srv6_datapath_stats.members;
  const totals = Object.fromEntries(Object.keys(members).map((name) => [name, 0n])) as Record<
    keyof typeof members,
    bigint
  >;
  for (const value of perCpu) {
    const data = view(value);
    for (const [name, offset] of Object.entries(members)) {
      totals[name as keyof typeof members] += data.getBigUint64(offset, true);
    }
  }
  return totals;
}

export { NO_POLICY };
