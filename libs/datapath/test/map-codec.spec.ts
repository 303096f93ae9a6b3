import {
  STRUCT_LAYOUT,
  decodePolicy,
  decodeRuleSet,
  decodeDestinationKey,
  encodeDestinationKey,
  encodePolicy,
  encodeRuleSet,
  encodePrefixLengths,
  decodePrefixLengths,
  decodePrefixLengthTable,
  stagePrefixLengths,
  flipPrefixLengths,
  activePrefixLengthCopy,
  sumCounters,
  sumStats,
  RuleSet,
} from '../src/map-codec.js';
import { MAX_PREFIX_LENGTHS, NO_POLICY } from '../src/datapath-limits.js';
import { parseIpv6Address, parseIpv6Prefix } from '../src/ipv6-address.js';

const sid = (n: number): Uint8Array => parseIpv6Address(`fc00:0:${n.toString(16)}::1`);

describe('map codec', () => {
  it('destination key: little-endian prefixlen then the address', () => {
    const key = encodeDestinationKey(parseIpv6Prefix('2001:db8:b::/64'));
    expect(Buffer.from(key).toString('hex')).toBe('40000000' + '20010db8000b00000000000000000000');
    expect(decodeDestinationKey(key).length).toBe(64);
  });

  it('policy: segments stored in SRH order (first segment last) with count, mode, source', () => {
    const segments = [sid(1), sid(2), sid(3)];
    const bytes = encodePolicy({ segments, mode: 'reduced', source: sid(0xa) });
    expect(bytes.length).toBe(STRUCT_LAYOUT.srv6_policy.size);
    expect(bytes[0]).toBe(3);
    expect(bytes[1]).toBe(1);
    expect(bytes.slice(4, 20)).toEqual(sid(0xa));
    expect(bytes.slice(20, 36)).toEqual(sid(3)); // Segment List[0] = last segment
    expect(bytes.slice(52, 68)).toEqual(sid(1)); // Segment List[n-1] = first segment
    expect(bytes.slice(68).every((byte) => byte === 0)).toBe(true);
    const decoded = decodePolicy(bytes)!;
    expect(decoded.segments).toEqual(segments);
    expect(decoded.mode).toBe('reduced');
  });

  it.each([0, 17])('policy with %i segments is refused with the limit', (count) => {
    const segments = Array.from({ length: count }, (_, i) => sid(i + 1));
    expect(() => encodePolicy({ segments, mode: 'srh', source: sid(0) })).toThrow(
      `${count} SIDs, the datapath holds 1..16`,
    );
  });

  it('rule set round-trips and places intervals per class', () => {
    const ruleSet: RuleSet = {
      allPortsSlot: { other: NO_POLICY, tcp: 7, udp: NO_POLICY },
      intervals: {
        tcp: [{ first: 5201, last: 5201, slot: 3 }],
        udp: [{ first: 1, last: 9, slot: 4 }],
      },
    };
    const bytes = encodeRuleSet(ruleSet);
    expect(bytes.length).toBe(272);
    expect(Buffer.from(bytes.slice(0, 16)).toString('hex')).toBe(
      'ffffffff' + '07000000' + 'ffffffff' + '0101' + '0000',
    );
    // udp intervals start after 16 tcp slots
    expect(Buffer.from(bytes.slice(16 + 16 * 8, 16 + 17 * 8)).toString('hex')).toBe(
      '0100090004000000',
    );
    expect(decodeRuleSet(bytes)).toEqual(ruleSet);
  });

  it('rule set with too many intervals is refused', () => {
    const tcp = Array.from({ length: 17 }, (_, i) => ({ first: i, last: i, slot: 1 }));
    expect(() =>
      encodeRuleSet({ allPortsSlot: { other: 0, tcp: 0, udp: 0 }, intervals: { tcp, udp: [] } }),
    ).toThrow('17 port intervals, the datapath holds 16');
  });

  it('prefix lengths: count, then the distinct lengths longest first', () => {
    const bytes = encodePrefixLengths([0, 128, 64, 64]);
    expect(bytes.length).toBe(STRUCT_LAYOUT.srv6_prefix_lengths.size);
    expect([...bytes.subarray(0, 5)]).toEqual([3, 128, 64, 0, 0]);
    expect(decodePrefixLengths(bytes)).toEqual([128, 64, 0]);
    expect(decodePrefixLengths(encodePrefixLengths([]))).toEqual([]);
  });

  it('prefix length table: the active copy is what counts; staging and flipping', () => {
    const table = new Uint8Array(STRUCT_LAYOUT.srv6_prefix_length_table.size);
    expect(STRUCT_LAYOUT.srv6_prefix_length_table.size).toBe(67);
    expect(decodePrefixLengthTable(table)).toEqual([]);
    const staged = stagePrefixLengths(table, encodePrefixLengths([48]));
    expect(decodePrefixLengthTable(staged)).toEqual([]); // still copy 0
    expect(table.every((byte) => byte === 0)).toBe(true); // inputs are not modified
    const flipped = flipPrefixLengths(staged);
    expect(activePrefixLengthCopy(flipped)).toBe(1);
    expect(decodePrefixLengthTable(flipped)).toEqual([48]);
    flipped[0] = 3; // the program reads active & 1
    expect(decodePrefixLengthTable(flipped)).toEqual([48]);
    expect(() => stagePrefixLengths(table, new Uint8Array(3))).toThrow(
      'srv6_prefix_lengths: expected 33 bytes, got 3',
    );
  });

  it('prefix lengths past the limit or outside 0..128 are refused', () => {
    const lengths = Array.from({ length: MAX_PREFIX_LENGTHS + 1 }, (_, i) => 96 + i);
    expect(() => encodePrefixLengths(lengths)).toThrow(
      '33 distinct prefix lengths, the datapath looks up at most 32',
    );
    expect(encodePrefixLengths(lengths.slice(1))[0]).toBe(32);
    expect(() => encodePrefixLengths([129])).toThrow('prefix length 129: must be 0..128');
  });

  it('sums per-CPU counters and stats', () => {
    const cpu = (packets: number, bytes: number): Uint8Array => {
      const value = new Uint8Array(16);
      const view = new DataView(value.buffer);
      view.setBigUint64(0, BigInt(packets), true);
      view.setBigUint64(8, BigInt(bytes), true);
      return value;
    };
    expect(sumCounters([cpu(1, 100), cpu(2, 50)])).toEqual({ packets: 3n, bytes: 150n });
    const stats = new Uint8Array(64);
    new DataView(stats.buffer).setBigUint64(40, 5n, true);
    new DataView(stats.buffer).setBigUint64(56, 2n, true);
    expect(sumStats([stats, stats]).mtu_exceeded).toBe(10n);
    expect(sumStats([stats, stats]).headers_stored).toBe(4n);
  });

  it('refuses a buffer of the wrong size naming the struct', () => {
    expect(() => decodeRuleSet(new Uint8Array(10))).toThrow(
      'srv6_rule_set: expected 272 bytes, got 10',
    );
  });
});
