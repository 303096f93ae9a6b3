import { DatapathProgrammer, DatapathMaps } from '../src/datapath-programmer.js';
import { MemoryMap } from '../src/kernel-map.js';
import { DatapathPolicy } from '../src/policy.js';
import {
  decodeDestinationKey,
  decodePolicy,
  activePrefixLengthCopy,
  decodePrefixLengthTable,
  decodeRuleSet,
  encodeSlot,
  flipPrefixLengths,
  PREFIX_LENGTHS_KEY,
  STRUCT_LAYOUT,
} from '../src/map-codec.js';
import { formatIpv6Address, formatIpv6Prefix } from '../src/ipv6-address.js';
import { MAX_PREFIX_LENGTHS } from '../src/datapath-limits.js';

function memoryMaps(
  capacity = 8,
): DatapathMaps & Record<'prefixes' | 'policies' | 'counters', MemoryMap> {
  return {
    prefixes: new MemoryMap('srv6_prefixes'),
    policies: new MemoryMap('srv6_policies', 1, new Uint8Array(STRUCT_LAYOUT.srv6_policy.size)),
    counters: new MemoryMap('srv6_counters', 2, new Uint8Array(16)),
    stats: new MemoryMap('srv6_stats', 2, new Uint8Array(56)),
    capacity,
  };
}

function policy(
  id: string,
  destination: string,
  segments: string[],
  port?: number,
): DatapathPolicy {
  return {
    id,
    destination,
    protocol: port ? 'tcp' : 'any',
    ports: port ? [{ first: port, last: port }] : [],
    segments,
    encapsulation: 'srh',
    source: '2001:db8:a::10',
  };
}

/**
 * Maps that write every change into one journal, in order, readable: `policy 3`, `clear 3`,
 * `+ 2001:db8:b::/64`, `- 2001:db8:b::/64`, `stage 128 64` (a list written into the inactive
 * copy of srv6_prefix_lens), `lengths 128 64` (the flip that makes it the one tried), `wait`.
 */
function journaledMaps(capacity = 64): { maps: DatapathMaps; journal: string[] } {
  const journal: string[] = [];
  const slotOf = (key: Uint8Array) => new DataView(key.buffer, key.byteOffset).getUint32(0, true);
  const prefixOf = (key: Uint8Array) => formatIpv6Prefix(decodeDestinationKey(key));
  const list = (table: Uint8Array) => decodePrefixLengthTable(table).join(' ');
  type Describe = (key: Uint8Array, value: Uint8Array, before: Uint8Array) => string;
  class Journaled extends MemoryMap {
    constructor(
      name: string,
      private readonly describe: Describe,
      defaultValue: Uint8Array,
    ) {
      super(name, 1, defaultValue);
    }
    override update(key: Uint8Array, value: Uint8Array): void {
      journal.push(this.describe(key, value, this.lookup(key)!).trim());
      super.update(key, value);
    }
    override delete(key: Uint8Array): boolean {
      journal.push(`- ${prefixOf(key)}`);
      return super.delete(key);
    }
  }
  const lengths: Describe = (_, value, before) => {
    if (activePrefixLengthCopy(value) !== activePrefixLengthCopy(before)) {
      expect(value.subarray(1)).toEqual(before.subarray(1)); // the flip changes one byte
      return `lengths ${list(value)}`;
    }
    // Staging leaves every byte the program can read as it was.
    expect([value[0], list(value)]).toEqual([before[0], list(before)]);
    return `stage ${list(flipPrefixLengths(value))}`;
  };
  return {
    journal,
    maps: {
      prefixes: new Journaled(
        'srv6_prefixes',
        (key) => `+ ${prefixOf(key)}`,
        new Uint8Array(STRUCT_LAYOUT.srv6_rule_set.size),
      ),
      prefixLengths: new Journaled(
        'srv6_prefix_lens',
        lengths,
        new Uint8Array(STRUCT_LAYOUT.srv6_prefix_length_table.size),
      ),
      policies: new Journaled(
        'srv6_policies',
        (key, value) => `${value[0] === 0 ? 'clear' : 'policy'} ${slotOf(key)}`,
        new Uint8Array(STRUCT_LAYOUT.srv6_policy.size),
      ),
      counters: new MemoryMap('srv6_counters', 2, new Uint8Array(16)),
      stats: new MemoryMap('srv6_stats', 2, new Uint8Array(56)),
      capacity,
      waitForReaders: () => journal.push('wait'),
    },
  };
}

const viaR3 = policy('iperf', '2001:db8:b::/64', ['fc00:0:3::1', 'fc00:0:4::d6'], 5201);
const viaR2 = policy('web', '2001:db8:c::/64', ['fc00:0:2::1', 'fc00:0:4::d6']);

describe('DatapathProgrammer', () => {
  it('writes policies and rule sets, then nothing when nothing changed', () => {
    const maps = memoryMaps();
    const programmer = new DatapathProgrammer(maps);
    const first = programmer.apply([viaR3, viaR2]);
    expect(first).toMatchObject({ policiesWritten: 2, prefixesWritten: 2, prefixesDeleted: 0 });
    const slot = first.programmed.get('iperf')!;
    const stored = decodePolicy(maps.policies.lookup(encodeSlot(slot))!)!;
    expect(stored.segments.map(formatIpv6Address)).toEqual(viaR3.segments);
    const again = programmer.apply([viaR3, viaR2]);
    expect(again).toMatchObject({
      policiesWritten: 0,
      prefixesWritten: 0,
      prefixesDeleted: 0,
      slotsCleared: 0,
    });
  });

  it('a changed segment list moves to a new slot: written, pointed at, readers waited for, old slot cleared', () => {
    const { maps, journal } = journaledMaps();
    const programmer = new DatapathProgrammer(maps);
    const before = programmer.apply([viaR3, viaR2]);
    const oldSlot = before.programmed.get('iperf')!;
    journal.length = 0;
    const changed = { ...viaR3, segments: ['fc00:0:2::1', 'fc00:0:5::1', 'fc00:0:4::d6'] };
    const after = programmer.apply([changed, viaR2]);
    const newSlot = after.programmed.get('iperf')!;
    expect(newSlot).not.toBe(oldSlot);
    expect(after.programmed.get('web')).toBe(before.programmed.get('web'));
    // never an in-place rewrite a packet could read half done
    expect(journal).toEqual([`policy ${newSlot}`, '+ 2001:db8:b::/64', 'wait', `clear ${oldSlot}`]);
    expect(after).toMatchObject({ policiesWritten: 1, prefixesWritten: 1, slotsCleared: 1 });
  });

  it("a moved policy's counters carry on from its old slot", () => {
    const maps = memoryMaps();
    const programmer = new DatapathProgrammer(maps);
    const oldSlot = programmer.apply([viaR3]).programmed.get('iperf')!;
    const perCpu = (packets: number, bytes: number): Uint8Array => {
      const value = new Uint8Array(16);
      const view = new DataView(value.buffer);
      view.setBigUint64(0, BigInt(packets), true);
      view.setBigUint64(8, BigInt(bytes), true);
      return value;
    };
    maps.counters.updatePerCpu(encodeSlot(oldSlot), [perCpu(3, 300), perCpu(4, 400)]);
    const moved = programmer.apply([{ ...viaR3, segments: ['fc00:0:2::1', 'fc00:0:4::d6'] }]);
    const newSlot = moved.programmed.get('iperf')!;
    expect(newSlot).not.toBe(oldSlot);
    expect(programmer.counters().get('iperf')).toEqual({ packets: 7n, bytes: 700n });
    maps.counters.updatePerCpu(encodeSlot(newSlot), [perCpu(1, 10), perCpu(0, 0)]);
    expect(programmer.counters().get('iperf')).toEqual({ packets: 8n, bytes: 710n });
    programmer.apply([]); // gone: its carried counts go too
    programmer.apply([viaR3]);
    expect(programmer.counters().get('iperf')).toEqual({ packets: 0n, bytes: 0n });
  });

  it('with no free slot a changed policy is rewritten in place (the documented fallback)', () => {
    const maps = memoryMaps(1);
    const programmer = new DatapathProgrammer(maps);
    const before = programmer.apply([viaR3]);
    maps.policies.writes.length = 0;
    const after = programmer.apply([{ ...viaR3, segments: ['fc00:0:2::1', 'fc00:0:4::d6'] }]);
    expect(after.rejected).toEqual([]);
    expect(after.programmed.get('iperf')).toBe(before.programmed.get('iperf'));
    expect(maps.policies.writes).toHaveLength(1);
  });

  it('a removed policy: its prefix is deleted before its slot is cleared, slot not reused at once', () => {
    const maps = memoryMaps();
    const programmer = new DatapathProgrammer(maps);
    const before = programmer.apply([viaR3, viaR2]);
    maps.policies.writes.length = 0;
    const newcomer = policy('dns', '2001:db8:d::/64', ['fc00:0:2::1']);
    const after = programmer.apply([viaR2, newcomer]);
    expect(after).toMatchObject({ prefixesDeleted: 1, slotsCleared: 1 });
    expect(after.programmed.get('dns')).not.toBe(before.programmed.get('iperf'));
    expect(maps.prefixes.entries()).toHaveLength(2);
    // the freed slot was written last (cleared), after the new policy
    expect(maps.policies.writes.at(-1)).toBe(
      Buffer.from(encodeSlot(before.programmed.get('iperf')!)).toString('hex'),
    );
  });

  it('a restarted programmer adopts the kernel state and rewrites nothing', () => {
    const maps = memoryMaps();
    const first = new DatapathProgrammer(maps).apply([viaR3, viaR2]);
    maps.policies.writes.length = 0;
    maps.prefixes.writes.length = 0;
    const restarted = new DatapathProgrammer(maps, first.programmed);
    const report = restarted.apply([viaR3, viaR2]);
    expect(report).toMatchObject({
      policiesWritten: 0,
      prefixesWritten: 0,
      prefixesDeleted: 0,
      slotsCleared: 0,
    });
    expect(maps.policies.writes).toEqual([]);
    expect(maps.prefixes.writes).toEqual([]);
  });

  it('rejects a policy with too many SIDs or a bad SID and programs the others', () => {
    const maps = memoryMaps();
    const tooLong = policy(
      'long',
      '2001:db8:e::/64',
      Array.from({ length: 17 }, (_, i) => `fc00::${i + 1}`),
    );
    const badSid = policy('bad', '2001:db8:f::/64', ['fc00::zz']);
    const report = new DatapathProgrammer(maps).apply([tooLong, viaR2, badSid]);
    expect(report.rejected).toEqual([
      { policyId: 'long', reason: 'segments: 17 SIDs, the datapath holds 1..16' },
      { policyId: 'bad', reason: expect.stringContaining("invalid IPv6 address 'fc00::zz'") },
    ]);
    expect([...report.programmed.keys()]).toEqual(['web']);
    expect(
      maps.prefixes.entries().map(([, value]) => decodeRuleSet(value).allPortsSlot.other),
    ).toEqual([0]);
  });

  describe('make before break, with the prefix-length list', () => {
    const host = policy('host', '2001:db8:c::5/128', ['fc00:0:3::1', 'fc00:0:4::d6']);
    const wide = policy('wide', '2001:db8:f::/48', ['fc00:0:2::1']);

    it('a new length is listed only after its entries exist', () => {
      const { maps, journal } = journaledMaps();
      const programmer = new DatapathProgrammer(maps);
      expect(programmer.apply([viaR2]).prefixLengths).toEqual([64]);
      expect(journal).toEqual([
        'policy 0',
        '+ 2001:db8:c::/64',
        'stage 64',
        'wait',
        'lengths 64',
        'wait',
      ]);
      journal.length = 0;
      const report = programmer.apply([viaR2, host]);
      // Staged, a grace period, flipped; then readers of the old copy are waited for before the
      // next change may overwrite it.
      expect(journal).toEqual([
        'policy 1',
        '+ 2001:db8:c::5/128',
        'stage 128 64',
        'wait',
        'lengths 128 64',
        'wait',
      ]);
      expect(report).toMatchObject({ prefixLengthsWritten: true, prefixLengths: [128, 64] });
    });

    it('a lost length leaves the list before its entries are deleted, then slots are cleared', () => {
      const { maps, journal } = journaledMaps();
      const programmer = new DatapathProgrammer(maps);
      programmer.apply([viaR2, host]);
      journal.length = 0;
      programmer.apply([viaR2]);
      expect(journal).toEqual([
        'stage 64',
        'wait',
        'lengths 64',
        '- 2001:db8:c::5/128',
        'wait',
        'clear 1',
      ]);
    });

    it('gaining one length and losing another: one list write between the two', () => {
      const { maps, journal } = journaledMaps();
      const programmer = new DatapathProgrammer(maps);
      programmer.apply([viaR2, host]);
      journal.length = 0;
      programmer.apply([viaR2, wide]);
      expect(journal).toEqual([
        'policy 2',
        '+ 2001:db8:f::/48',
        'stage 64 48',
        'wait',
        'lengths 64 48',
        '- 2001:db8:c::5/128',
        'wait',
        'clear 1',
      ]);
    });

    it('a changed rule set is replaced, and readers are waited for before its old slot is cleared', () => {
      const { maps, journal } = journaledMaps();
      const programmer = new DatapathProgrammer(maps);
      programmer.apply([viaR2]);
      journal.length = 0;
      const rerouted = { ...viaR2, id: 'web-2' }; // a new policy id: a new slot for the prefix
      programmer.apply([rerouted]);
      expect(journal).toEqual(['policy 1', '+ 2001:db8:c::/64', 'wait', 'clear 0']);
    });

    it('the same lengths: the list is not rewritten', () => {
      const { maps, journal } = journaledMaps();
      const programmer = new DatapathProgrammer(maps);
      programmer.apply([viaR2]);
      journal.length = 0;
      const report = programmer.apply([viaR2, viaR3]);
      expect(report.prefixLengthsWritten).toBe(false);
      expect(journal.filter((entry) => /^(stage|lengths)/.test(entry))).toEqual([]);
    });

    it('a restarted programmer adopts the list and rewrites nothing', () => {
      const { maps, journal } = journaledMaps();
      const first = new DatapathProgrammer(maps).apply([viaR2, host]);
      journal.length = 0;
      const report = new DatapathProgrammer(maps, first.programmed).apply([viaR2, host]);
      expect(report.prefixLengthsWritten).toBe(false);
      expect(journal).toEqual([]);
    });

    it('::/0 and /128 are lengths like the others', () => {
      const { maps } = journaledMaps();
      const everything = policy('default', '::/0', ['fc00:0:2::1']);
      new DatapathProgrammer(maps).apply([everything, host]);
      expect(decodePrefixLengthTable(maps.prefixLengths!.lookup(PREFIX_LENGTHS_KEY)!)).toEqual([
        128, 0,
      ]);
    });
  });

  it(`rejects a policy that would add a ${MAX_PREFIX_LENGTHS + 1}rd prefix length, programs the rest`, () => {
    const { maps } = journaledMaps();
    // /96 .. /128: 33 distinct lengths, in input order; then one more /100 (a length in use).
    const byLength = Array.from({ length: MAX_PREFIX_LENGTHS + 1 }, (_, i) =>
      policy(`len-${96 + i}`, `2001:db8:b::/${96 + i}`, ['fc00:0:2::1']),
    );
    const sameLength = policy('again-100', '2001:db8:d::/100', ['fc00:0:3::1']);
    const report = new DatapathProgrammer(maps).apply([...byLength, sameLength]);
    expect(report.rejected).toEqual([
      {
        policyId: 'len-128',
        reason: expect.stringMatching(
          /^destination 2001:db8:b::\/128: \/128 would make 33 distinct prefix lengths on this host, the datapath looks up at most 32 \(in use: \/127 \/126 .* \/96\); use a prefix length already in use$/,
        ),
      },
    ]);
    expect(report.programmed.size).toBe(MAX_PREFIX_LENGTHS + 1);
    expect(report.programmed.has('again-100')).toBe(true);
    const lengths = decodePrefixLengthTable(maps.prefixLengths!.lookup(PREFIX_LENGTHS_KEY)!);
    expect(lengths).toEqual(Array.from({ length: MAX_PREFIX_LENGTHS }, (_, i) => 127 - i));
  });

  it('refuses the policies beyond the capacity, keeping what is programmed', () => {
    const maps = memoryMaps(1);
    const programmer = new DatapathProgrammer(maps);
    programmer.apply([viaR2]);
    const before = maps.prefixes.entries();
    // The new one is refused even when it sorts first: programmed policies keep their slots.
    const report = programmer.apply([{ ...viaR3, id: 'aaa' }, viaR2]);
    expect(report.rejected).toEqual([
      {
        policyId: 'aaa',
        reason: expect.stringMatching(
          /datapath holds 1 policies and all are in use \(2 wanted\).*raise the host-agent's CAPACITY/,
        ),
      },
    ]);
    expect([...report.programmed.keys()]).toEqual(['web']);
    expect(maps.prefixes.entries()).toEqual(before);
    expect([...programmer.slotsById.keys()]).toEqual(['web']);
  });
});
