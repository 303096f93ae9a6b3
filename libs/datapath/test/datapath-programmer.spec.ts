import { DatapathProgrammer, DatapathMaps } from '../src/datapath-programmer.js';
import { MemoryMap } from '../src/kernel-map.js';
import { DatapathPolicy } from '../src/policy.js';
import { decodePolicy, decodeRuleSet, encodeSlot, STRUCT_LAYOUT } from '../src/map-codec.js';
import { formatIpv6Address } from '../src/ipv6-address.js';

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

  it('a changed segment list rewrites only that slot, in place', () => {
    const maps = memoryMaps();
    const programmer = new DatapathProgrammer(maps);
    const before = programmer.apply([viaR3, viaR2]);
    maps.policies.writes.length = 0;
    maps.prefixes.writes.length = 0;
    const changed = { ...viaR3, segments: ['fc00:0:2::1', 'fc00:0:4::d6'] };
    const after = programmer.apply([changed, viaR2]);
    expect(after.programmed.get('iperf')).toBe(before.programmed.get('iperf'));
    expect(maps.policies.writes).toHaveLength(1);
    expect(maps.prefixes.writes).toHaveLength(0);
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

  it('refuses more policies than the capacity, keeping what is programmed', () => {
    const maps = memoryMaps(1);
    const programmer = new DatapathProgrammer(maps);
    programmer.apply([viaR2]);
    expect(() => programmer.apply([viaR2, viaR3])).toThrow(
      '2 policies for this host, its datapath holds 1',
    );
    expect(maps.prefixes.entries()).toHaveLength(1);
    expect([...programmer.slotsById.keys()]).toEqual(['web']);
  });
});
