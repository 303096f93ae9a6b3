/**
 * The map contract, checked from both ends: the compiled object's BTF (bpftool btf dump … format
 * raw -j) against the TypeScript mirror (STRUCT_LAYOUT, the codecs, datapath-limits.ts), and the
 * #defines and enums of bpf/include/srv6_maps.h against the TypeScript constants. Changing one
 * side only (a member moved, a constant raised, a map's key or value swapped) fails here.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_CAPACITY,
  FRAGMENT_CACHE_SIZE,
  MAX_PORT_INTERVALS,
  MAX_PREFIX_LENGTHS,
  MAX_SEGMENTS,
  NO_POLICY,
} from '../src/datapath-limits.js';
import { IPV6_ADDRESS_LENGTH, parseIpv6Address, parseIpv6Prefix } from '../src/ipv6-address.js';
import {
  decodePrefixLengths,
  decodePrefixLengthTable,
  encodeDestinationKey,
  encodePolicy,
  encodePrefixLengths,
  encodeRuleSet,
  ENCAP_MODE,
  flipPrefixLengths,
  stagePrefixLengths,
  PORT_CLASSES,
  PROTOCOL_CLASS,
  STRUCT_LAYOUT,
  sumCounters,
  sumStats,
} from '../src/map-codec.js';
import { BPF_DIRECTORY, buildProgram } from './support/srv6-program.js';

interface BtfMember {
  name: string;
  type_id: number;
  bits_offset: number;
  bitfield_size?: number;
}
interface BtfType {
  id: number;
  kind: string;
  name: string;
  size?: number;
  type_id?: number;
  nr_elems?: number;
  members?: BtfMember[];
  vars?: Array<{ type_id: number }>;
}

/** The object's BTF, with lookups that see through typedefs and qualifiers. */
class Btf {
  private readonly byId = new Map<number, BtfType>();

  constructor(readonly types: readonly BtfType[]) {
    for (const type of types) this.byId.set(type.id, type);
  }

  type(id: number): BtfType {
    const type = this.byId.get(id);
    if (!type) throw new Error(`BTF type ${id} missing`);
    return type;
  }

  resolve(id: number): BtfType {
    let type = this.type(id);
    while (['TYPEDEF', 'CONST', 'VOLATILE', 'RESTRICT', 'TYPE_TAG'].includes(type.kind)) {
      type = this.type(type.type_id!);
    }
    return type;
  }

  struct(name: string): BtfType {
    const found = this.types.filter((type) => type.kind === 'STRUCT' && type.name === name);
    if (found.length !== 1) throw new Error(`BTF: ${found.length} structs named ${name}`);
    return found[0]!;
  }

  sizeOf(id: number): number {
    const type = this.resolve(id);
    if (type.kind === 'ARRAY') return type.nr_elems! * this.sizeOf(type.type_id!);
    if (type.size === undefined) throw new Error(`BTF: no size for ${type.kind} ${type.name}`);
    return type.size;
  }

  /** Array dimensions of a member type, outermost first: u8[16][16] → [16, 16]. */
  dimensions(id: number): number[] {
    const type = this.resolve(id);
    return type.kind === 'ARRAY' ? [type.nr_elems!, ...this.dimensions(type.type_id!)] : [];
  }

  /** Element type (after all array dimensions) of a member type. */
  element(id: number): BtfType {
    const type = this.resolve(id);
    return type.kind === 'ARRAY' ? this.element(type.type_id!) : type;
  }
}

/** `#define NAME value` lines of a header; numbers parsed (hex, U suffix), others as text. */
function parseDefines(source: string): Map<string, number | string> {
  const defines = new Map<string, number | string>();
  for (const match of source.matchAll(/^#define\s+(\w+)\s+([^\s/]+)/gm)) {
    const text = match[2]!.replace(/[uUlL]+$/, '');
    const value = /^(0x[0-9a-f]+|\d+)$/i.test(text) ? Number(text) : text;
    defines.set(match[1]!, value);
  }
  return defines;
}

/** `enum name { A = 0, B = 1 }` of a header, as { A: 0, B: 1 }. */
function parseEnum(source: string, name: string): Record<string, number> {
  const body = new RegExp(`enum\\s+${name}\\s*\\{([^}]*)\\}`).exec(source)?.[1];
  if (body === undefined) throw new Error(`enum ${name} not found`);
  const values: Record<string, number> = {};
  for (const match of body.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/(\w+)\s*=\s*(\d+)/g)) {
    values[match[1]!] = Number(match[2]);
  }
  return values;
}

/** enum bpf_map_type values (linux/bpf.h) the object uses. */
const MAP_TYPES: Record<number, string> = {
  1: 'hash',
  2: 'array',
  3: 'prog_array',
  6: 'percpu_array',
  9: 'lru_hash',
  11: 'lpm_trie',
};
const BPF_F_NO_PREALLOC = 1;

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

describe('map layout: BTF of the compiled object vs the TypeScript mirror', () => {
  let btf: Btf;
  let header: string;
  let defines: Map<string, number | string>;
  /** Byte offset of a member, from BTF. */
  let offsetOf: (struct: string, member: string) => number;

  beforeAll(() => {
    const objectPath = buildProgram();
    const json = execFileSync(
      'bpftool',
      ['btf', 'dump', 'file', objectPath, 'format', 'raw', '-j'],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    btf = new Btf((JSON.parse(json) as { types: BtfType[] }).types);
    header = readFileSync(join(BPF_DIRECTORY, 'include/srv6_maps.h'), 'utf8');
    defines = parseDefines(header);
    offsetOf = (struct, member) => {
      const found = btf.struct(struct).members!.find((m) => m.name === member);
      if (!found) throw new Error(`BTF: ${struct} has no member ${member}`);
      return found.bits_offset / 8;
    };
  });

  describe.each(Object.keys(STRUCT_LAYOUT) as Array<keyof typeof STRUCT_LAYOUT>)(
    'struct %s',
    (name) => {
      it('has the size and exactly the members, at the offsets, STRUCT_LAYOUT says', () => {
        const struct = btf.struct(name);
        const layout = STRUCT_LAYOUT[name];
        expect(struct.size).toBe(layout.size);
        const members = Object.fromEntries(
          struct.members!.map((member) => {
            expect(member.bits_offset % 8).toBe(0); // no bitfields in the contract
            expect(member.bitfield_size ?? 0).toBe(0);
            return [member.name, member.bits_offset / 8];
          }),
        );
        expect(members).toEqual(layout.members);
      });

      it('has members that tile it without overlap (sizes from BTF)', () => {
        const struct = btf.struct(name);
        const spans = struct
          .members!.map((m) => ({
            name: m.name,
            start: m.bits_offset / 8,
            end: m.bits_offset / 8 + btf.sizeOf(m.type_id),
          }))
          .sort((a, b) => a.start - b.start);
        spans.forEach((span, i) => {
          if (i > 0) expect(span.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
          expect(span.end).toBeLessThanOrEqual(struct.size!);
        });
      });
    },
  );

  it('array members have the dimensions of the TypeScript limits', () => {
    const dimensions = (struct: string, member: string) =>
      btf.dimensions(btf.struct(struct).members!.find((m) => m.name === member)!.type_id);
    expect(dimensions('srv6_destination_key', 'address')).toEqual([IPV6_ADDRESS_LENGTH]);
    expect(dimensions('srv6_prefix_lengths', 'lengths')).toEqual([MAX_PREFIX_LENGTHS]);
    expect(dimensions('srv6_prefix_lengths', 'count')).toEqual([]);
    expect(dimensions('srv6_prefix_length_table', 'copies')).toEqual([2]);
    expect(
      btf.element(
        btf.struct('srv6_prefix_length_table').members!.find((m) => m.name === 'copies')!.type_id,
      ).name,
    ).toBe('srv6_prefix_lengths');
    expect(dimensions('srv6_rule_set', 'all_ports_slot')).toEqual([
      Object.keys(PROTOCOL_CLASS).length,
    ]);
    expect(dimensions('srv6_rule_set', 'interval_count')).toEqual([PORT_CLASSES.length]);
    expect(dimensions('srv6_rule_set', 'intervals')).toEqual([
      PORT_CLASSES.length,
      MAX_PORT_INTERVALS,
    ]);
    expect(dimensions('srv6_policy', 'source')).toEqual([IPV6_ADDRESS_LENGTH]);
    expect(dimensions('srv6_policy', 'segment_list')).toEqual([MAX_SEGMENTS, IPV6_ADDRESS_LENGTH]);
    expect(dimensions('srv6_fragment_key', 'destination')).toEqual([IPV6_ADDRESS_LENGTH]);
    const intervalElement = btf.element(
      btf.struct('srv6_rule_set').members!.find((m) => m.name === 'intervals')!.type_id,
    );
    expect(intervalElement.name).toBe('srv6_port_interval');
  });

  it('every map has the key, value and max_entries the TypeScript side assumes', () => {
    const maps = btf.types.find((type) => type.kind === 'DATASEC' && type.name === '.maps')!;
    const described = Object.fromEntries(
      maps.vars!.map(({ type_id }) => {
        const variable = btf.type(type_id);
        const definition = btf.resolve(variable.type_id!);
        const field = (name: string) => {
          const member = definition.members!.find((m) => m.name === name);
          return member && btf.type(member.type_id); // a pointer (__type / __uint)
        };
        const pointee = (name: string) => btf.resolve(field(name)!.type_id!);
        const keyOrValue = (name: string) => {
          const type = pointee(name);
          return type.kind === 'STRUCT' ? type.name : `${btf.sizeOf(type.id)} bytes`;
        };
        return [
          variable.name,
          {
            type: MAP_TYPES[pointee('type').nr_elems!] ?? pointee('type').nr_elems,
            key: keyOrValue('key'),
            // A program array lists its programs (`values`) instead of a value type.
            value: field('value') ? keyOrValue('value') : 'programs',
            maxEntries: pointee('max_entries').nr_elems,
            flags: field('map_flags') ? pointee('map_flags').nr_elems : 0,
          },
        ];
      }),
    );
    expect(described).toEqual({
      // Exact match (the program tries each length in use); NO_PREALLOC: an update links a new
      // element instead of rewriting the value in place.
      srv6_prefixes: {
        type: 'hash',
        key: 'srv6_destination_key',
        value: 'srv6_rule_set',
        maxEntries: DEFAULT_CAPACITY,
        flags: BPF_F_NO_PREALLOC,
      },
      // An array (inlined lookup); changed by staging the inactive copy, then a one-byte flip.
      srv6_prefix_lens: {
        type: 'array',
        key: '4 bytes',
        value: 'srv6_prefix_length_table',
        maxEntries: 1,
        flags: 0,
      },
      srv6_policies: {
        type: 'array',
        key: '4 bytes',
        value: 'srv6_policy',
        maxEntries: DEFAULT_CAPACITY,
        flags: 0,
      },
      srv6_counters: {
        type: 'percpu_array',
        key: '4 bytes',
        value: 'srv6_counters',
        maxEntries: DEFAULT_CAPACITY,
        flags: 0,
      },
      srv6_stats: {
        type: 'percpu_array',
        key: '4 bytes',
        value: 'srv6_datapath_stats',
        maxEntries: 1,
        flags: 0,
      },
      srv6_fragments: {
        type: 'lru_hash',
        key: 'srv6_fragment_key',
        value: '4 bytes',
        maxEntries: FRAGMENT_CACHE_SIZE,
        flags: 0,
      },
      // srv6_encap_write, which srv6_egress tail-calls (bpf/lib/encap_writer.h).
      srv6_encap_writers: {
        type: 'prog_array',
        key: '4 bytes',
        value: 'programs',
        maxEntries: 1,
        flags: 0,
      },
    });
  });

  it('the header #defines equal the TypeScript constants', () => {
    expect({
      SRV6_MAX_SEGMENTS: defines.get('SRV6_MAX_SEGMENTS'),
      SRV6_MAX_PORT_INTERVALS: defines.get('SRV6_MAX_PORT_INTERVALS'),
      SRV6_MAX_PREFIX_LENGTHS: defines.get('SRV6_MAX_PREFIX_LENGTHS'),
      SRV6_DEFAULT_CAPACITY: defines.get('SRV6_DEFAULT_CAPACITY'),
      SRV6_FRAGMENT_CACHE_SIZE: defines.get('SRV6_FRAGMENT_CACHE_SIZE'),
      SRV6_NO_POLICY: defines.get('SRV6_NO_POLICY'),
      SRV6_IPV6_ADDRESS_LEN: defines.get('SRV6_IPV6_ADDRESS_LEN'),
      SRV6_PORT_CLASSES: defines.get('SRV6_PORT_CLASSES'),
    }).toEqual({
      SRV6_MAX_SEGMENTS: MAX_SEGMENTS,
      SRV6_MAX_PORT_INTERVALS: MAX_PORT_INTERVALS,
      SRV6_MAX_PREFIX_LENGTHS: MAX_PREFIX_LENGTHS,
      SRV6_DEFAULT_CAPACITY: DEFAULT_CAPACITY,
      SRV6_FRAGMENT_CACHE_SIZE: FRAGMENT_CACHE_SIZE,
      SRV6_NO_POLICY: NO_POLICY,
      SRV6_IPV6_ADDRESS_LEN: IPV6_ADDRESS_LENGTH,
      SRV6_PORT_CLASSES: PORT_CLASSES.length,
    });
  });

  it('the header enums equal PROTOCOL_CLASS and ENCAP_MODE', () => {
    expect(parseEnum(header, 'srv6_protocol_class')).toEqual({
      SRV6_PROTOCOL_OTHER: PROTOCOL_CLASS.other,
      SRV6_PROTOCOL_TCP: PROTOCOL_CLASS.tcp,
      SRV6_PROTOCOL_UDP: PROTOCOL_CLASS.udp,
      SRV6_PROTOCOL_CLASSES: Object.keys(PROTOCOL_CLASS).length,
    });
    expect(parseEnum(header, 'srv6_encap_mode')).toEqual({
      SRV6_ENCAP_H_ENCAPS: ENCAP_MODE.srh,
      SRV6_ENCAP_H_ENCAPS_RED: ENCAP_MODE.reduced,
    });
    // PORT_CLASSES index = class − 1, as the header's intervals[class − 1] assumes.
    PORT_CLASSES.forEach((portClass, index) => expect(PROTOCOL_CLASS[portClass]).toBe(index + 1));
  });

  /*
   * The codecs write with their own literal offsets, not STRUCT_LAYOUT: check the bytes they
   * produce land where BTF says each member is.
   */
  describe('the codecs put every field where BTF says', () => {
    it('srv6_destination_key', () => {
      const bytes = encodeDestinationKey(parseIpv6Prefix('2001:db8:b::/64'));
      expect(bytes).toHaveLength(btf.struct('srv6_destination_key').size!);
      expect(view(bytes).getUint32(offsetOf('srv6_destination_key', 'prefixlen'), true)).toBe(64);
      const address = offsetOf('srv6_destination_key', 'address');
      expect(bytes.subarray(address, address + 16)).toEqual(parseIpv6Address('2001:db8:b::'));
    });

    it('srv6_destination_key clears the host bits (exact-match key)', () => {
      const bytes = encodeDestinationKey({
        address: parseIpv6Address('2001:db8:b::1'),
        length: 64,
      });
      const address = offsetOf('srv6_destination_key', 'address');
      expect(bytes.subarray(address, address + 16)).toEqual(parseIpv6Address('2001:db8:b::'));
    });

    it('srv6_prefix_lengths (distinct, longest first)', () => {
      const bytes = encodePrefixLengths([64, 0, 128, 48, 64]);
      expect(bytes).toHaveLength(btf.struct('srv6_prefix_lengths').size!);
      expect(bytes[offsetOf('srv6_prefix_lengths', 'count')]).toBe(4);
      const lengths = offsetOf('srv6_prefix_lengths', 'lengths');
      expect([...bytes.subarray(lengths, lengths + 4)]).toEqual([128, 64, 48, 0]);
      expect(bytes.subarray(lengths + 4).every((byte) => byte === 0)).toBe(true);
      expect(decodePrefixLengths(bytes)).toEqual([128, 64, 48, 0]);
    });

    it('srv6_prefix_length_table: staging fills the inactive copy, the flip one byte', () => {
      const size = btf.struct('srv6_prefix_length_table').size!;
      const copySize = btf.struct('srv6_prefix_lengths').size!;
      const copy = (table: Uint8Array, index: number) => {
        const start = offsetOf('srv6_prefix_length_table', 'copies') + index * copySize;
        return table.subarray(start, start + copySize);
      };
      const empty = new Uint8Array(size);
      const staged = stagePrefixLengths(empty, encodePrefixLengths([64]));
      expect(staged[offsetOf('srv6_prefix_length_table', 'active')]).toBe(0);
      expect(copy(staged, 0)).toEqual(copy(empty, 0));
      expect(decodePrefixLengths(copy(staged, 1))).toEqual([64]);
      const flipped = flipPrefixLengths(staged);
      expect(flipped[offsetOf('srv6_prefix_length_table', 'active')]).toBe(1);
      expect(decodePrefixLengthTable(flipped)).toEqual([64]);
      const next = stagePrefixLengths(flipped, encodePrefixLengths([128, 64]));
      expect(copy(next, 1)).toEqual(copy(flipped, 1));
      expect(decodePrefixLengths(copy(next, 0))).toEqual([128, 64]);
    });

    it('srv6_rule_set and srv6_port_interval', () => {
      const bytes = encodeRuleSet({
        allPortsSlot: { other: 11, tcp: 22, udp: 33 },
        intervals: {
          tcp: [
            { first: 80, last: 80, slot: 1 },
            { first: 5000, last: 5100, slot: 2 },
          ],
          udp: [{ first: 53, last: 53, slot: 3 }],
        },
      });
      expect(bytes).toHaveLength(btf.struct('srv6_rule_set').size!);
      const data = view(bytes);
      const slots = offsetOf('srv6_rule_set', 'all_ports_slot');
      expect([0, 1, 2].map((i) => data.getUint32(slots + 4 * i, true))).toEqual([11, 22, 33]);
      const counts = offsetOf('srv6_rule_set', 'interval_count');
      expect([bytes[counts], bytes[counts + 1]]).toEqual([2, 1]);
      const intervalSize = btf.struct('srv6_port_interval').size!;
      const interval = (portClass: number, index: number) => {
        const base =
          offsetOf('srv6_rule_set', 'intervals') +
          (portClass * MAX_PORT_INTERVALS + index) * intervalSize;
        return {
          first: data.getUint16(base + offsetOf('srv6_port_interval', 'first_port'), true),
          last: data.getUint16(base + offsetOf('srv6_port_interval', 'last_port'), true),
          slot: data.getUint32(base + offsetOf('srv6_port_interval', 'policy_slot'), true),
        };
      };
      expect([interval(0, 0), interval(0, 1), interval(1, 0)]).toEqual([
        { first: 80, last: 80, slot: 1 },
        { first: 5000, last: 5100, slot: 2 },
        { first: 53, last: 53, slot: 3 },
      ]);
    });

    it('srv6_policy (segment list in SRH order)', () => {
      const segments = ['fc00:0:1::1', 'fc00:0:2::1', 'fc00:0:3::d6'].map(parseIpv6Address);
      const source = parseIpv6Address('2001:db8:a::10');
      const bytes = encodePolicy({ segments, mode: 'reduced', source });
      expect(bytes).toHaveLength(btf.struct('srv6_policy').size!);
      expect(bytes[offsetOf('srv6_policy', 'segment_count')]).toBe(3);
      expect(bytes[offsetOf('srv6_policy', 'encap_mode')]).toBe(ENCAP_MODE.reduced);
      const sourceAt = offsetOf('srv6_policy', 'source');
      expect(bytes.subarray(sourceAt, sourceAt + 16)).toEqual(source);
      const list = offsetOf('srv6_policy', 'segment_list');
      const entry = (i: number) => bytes.subarray(list + 16 * i, list + 16 * (i + 1));
      expect([entry(0), entry(1), entry(2)]).toEqual([segments[2], segments[1], segments[0]]);
    });

    it('srv6_counters and srv6_datapath_stats are read at the BTF offsets', () => {
      const counters = new Uint8Array(btf.struct('srv6_counters').size!);
      view(counters).setBigUint64(offsetOf('srv6_counters', 'packets'), 3n, true);
      view(counters).setBigUint64(offsetOf('srv6_counters', 'bytes'), 700n, true);
      expect(sumCounters([counters, counters])).toEqual({ packets: 6n, bytes: 1400n });

      const struct = btf.struct('srv6_datapath_stats');
      const stats = new Uint8Array(struct.size!);
      struct.members!.forEach((member, index) =>
        view(stats).setBigUint64(member.bits_offset / 8, BigInt(index + 1), true),
      );
      expect(sumStats([stats])).toEqual(
        Object.fromEntries(
          struct.members!.map((member, index) => [member.name, BigInt(index + 1)]),
        ),
      );
    });
  });
});
