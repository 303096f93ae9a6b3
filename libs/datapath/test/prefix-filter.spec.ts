/**
 * srv6_prefix_filter: the programmer keeps it exactly the bits of the prefixes it holds, sets a
 * prefix's bit before the prefix is written and clears bits only after their prefixes are gone;
 * the real program skips the probe on a clear bit and still decides by the probe on a set one
 * (another prefix's bit), falling through to the next shorter prefix.
 */
import fc from 'fast-check';
import {
  DatapathProgrammer,
  decodeFilterWord,
  decodeSlot,
  encodeFilterWord,
  encodeSlot,
  MemoryMap,
  parseIpv6Prefix,
  prefixFilterBit,
  prefixFilterWords,
  STRUCT_LAYOUT,
  type DatapathPolicy,
} from '../src/index.js';
import { expectSrv6Encapsulation } from './support/encapsulation-assertions.js';
import { tcpFrame } from './support/packet-builder.js';
import {
  loadSrv6Program,
  onlyCounted,
  policy,
  sids,
  type Srv6Program,
} from './support/srv6-program.js';

const SOURCE = '2001:db8:a::40';

/** Every write to the prefix and filter maps, in order: "+ key" / "- key" / "filter i=value". */
function journaledMaps() {
  const journal: string[] = [];
  class Journaled extends MemoryMap {
    constructor(
      name: string,
      private readonly label: (key: Uint8Array, value?: Uint8Array) => string,
      defaultValue: Uint8Array,
    ) {
      super(name, 1, defaultValue);
    }
    override update(key: Uint8Array, value: Uint8Array): void {
      journal.push(this.label(key, value));
      super.update(key, value);
    }
    override delete(key: Uint8Array): boolean {
      journal.push(`- ${Buffer.from(key).toString('hex')}`);
      return super.delete(key);
    }
  }
  const prefixFilter = new Journaled(
    'srv6_prefix_filter',
    (key, value) => `filter ${decodeSlot(key)}=${decodeFilterWord(value!)}`,
    new Uint8Array(8),
  );
  return {
    journal,
    prefixFilter,
    maps: {
      prefixes: new Journaled(
        'srv6_prefixes',
        (key) => `+ ${Buffer.from(key).toString('hex')}`,
        new Uint8Array(STRUCT_LAYOUT.srv6_rule_set.size),
      ),
      prefixFilter,
      policies: new MemoryMap('srv6_policies', 1, new Uint8Array(STRUCT_LAYOUT.srv6_policy.size)),
      counters: new MemoryMap('srv6_counters', 2, new Uint8Array(16)),
      stats: new MemoryMap('srv6_stats', 2, new Uint8Array(64)),
      capacity: 4096,
    },
  };
}

/** The filter as the map holds it: word index → value, zero words left out. */
function filterOf(map: MemoryMap): Map<number, bigint> {
  return new Map(
    map
      .entries()
      .map(([key, value]) => [decodeSlot(key), decodeFilterWord(value)] as const)
      .filter(([, word]) => word !== 0n),
  );
}

const somePolicy = (id: number, length: 48 | 64 | 128): DatapathPolicy =>
  policy(`p${id}`, `2001:db8:${(id % 97).toString(16)}:${id.toString(16)}::/${length}`, sids(1, 2));

describe('srv6_prefix_filter from the programmer', () => {
  it('holds exactly the bits of the programmed prefixes after every apply (300 random sequences)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(
            fc.record({
              id: fc.integer({ min: 0, max: 400 }),
              length: fc.constantFrom(48, 64, 128),
            }),
            { maxLength: 60 },
          ),
          { minLength: 1, maxLength: 5 },
        ),
        (applies) => {
          const { maps, prefixFilter } = journaledMaps();
          const programmer = new DatapathProgrammer(maps);
          for (const wanted of applies) {
            const policies = [
              ...new Map(
                wanted.map(({ id, length }) => [id, somePolicy(id, length as 48 | 64 | 128)]),
              ).values(),
            ];
            programmer.apply(policies);
            const prefixes = new Set(policies.map((p) => p.destination));
            expect(filterOf(prefixFilter)).toEqual(
              prefixFilterWords([...prefixes].map((text) => parseIpv6Prefix(text))),
            );
          }
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it('sets a bit before its prefix is written and clears it after its prefix is deleted', () => {
    const { maps, journal } = journaledMaps();
    const programmer = new DatapathProgrammer(maps);
    const a = policy('a', '2001:db8:1::/64', sids(1, 2));
    const b = policy('b', '2001:db8:2::/64', sids(2, 2));
    const bitOf = (p: DatapathPolicy) => prefixFilterBit(parseIpv6Prefix(p.destination));
    expect(bitOf(a) >>> 6).not.toBe(bitOf(b) >>> 6); // separate words, so the journal is clear

    programmer.apply([a]);
    const firstFilter = journal.findIndex((line) => line.startsWith('filter'));
    const firstPrefix = journal.findIndex((line) => line.startsWith('+'));
    expect(firstFilter).toBeGreaterThanOrEqual(0);
    expect(firstFilter).toBeLessThan(firstPrefix);

    journal.length = 0;
    programmer.apply([b]); // a goes, b comes
    const lines = journal.filter((line) => /^(filter|\+|-)/.test(line));
    const setB = lines.indexOf(`filter ${bitOf(b) >>> 6}=${1n << BigInt(bitOf(b) & 63)}`);
    const clearA = lines.indexOf(`filter ${bitOf(a) >>> 6}=0`);
    const addB = lines.findIndex((line) => line.startsWith('+'));
    const deleteA = lines.findIndex((line) => line.startsWith('-'));
    expect([setB, addB, deleteA, clearA].every((index) => index >= 0)).toBe(true);
    expect(setB).toBeLessThan(addB);
    expect(deleteA).toBeLessThan(clearA);
  });

  it('a restarted programmer adopts the words it finds, and writes only what differs', () => {
    const { maps, prefixFilter } = journaledMaps();
    const policies = [somePolicy(1, 64), somePolicy(2, 48)];
    new DatapathProgrammer(maps).apply(policies);
    const writesBefore = prefixFilter.writes.length;
    const again = new DatapathProgrammer(maps).apply(policies);
    expect(again.filterWordsWritten).toBe(0);
    expect(prefixFilter.writes.length).toBe(writesBefore);
  });
});

it('a programmer adopting prefixes next to an empty filter sets their bits before any apply', () => {
  const { maps, prefixFilter } = journaledMaps();
  const policies = [somePolicy(3, 64), somePolicy(4, 128), somePolicy(5, 48)];
  new DatapathProgrammer(maps).apply(policies);
  for (const [key] of prefixFilter.entries()) prefixFilter.update(key, encodeFilterWord(0n));
  expect(filterOf(prefixFilter).size).toBe(0);
  new DatapathProgrammer(maps);
  expect(filterOf(prefixFilter)).toEqual(
    prefixFilterWords(policies.map((p) => parseIpv6Prefix(p.destination))),
  );
});

describe('srv6_prefix_filter in the real program', () => {
  let program: Srv6Program;
  const exact = policy('exact', '2001:db8:1:1::/64', sids(0x11, 2), { source: SOURCE });
  const wide = policy('wide', '2001:db8::/32', sids(0x22, 3), { source: SOURCE });
  const bitOf = (text: string) => prefixFilterBit(parseIpv6Prefix(text));

  beforeAll(() => {
    program = loadSrv6Program();
    program.apply([exact, wide]);
  });
  afterAll(() => program?.remove());

  const filterMap = () => program.object.map('srv6_prefix_filter');
  const setWord = (bit: number, value: bigint) =>
    filterMap().update(encodeSlot(bit >>> 6), encodeFilterWord(value));
  const wordOf = (bit: number) => decodeFilterWord(filterMap().lookup(encodeSlot(bit >>> 6))!);

  it('skips the probe when the bit is clear: the packet then gets the next shorter prefix', () => {
    const bit = bitOf(exact.destination);
    const word = wordOf(bit);
    expect((word >> BigInt(bit & 63)) & 1n).toBe(1n);
    const frame = tcpFrame('2001:db8:1:1::5', 443);
    try {
      setWord(bit, word & ~(1n << BigInt(bit & 63)));
      const skipped = program.runCounting(frame);
      expect(skipped.stats).toEqual(onlyCounted({ encapsulated: 1 }));
      expectSrv6Encapsulation(frame, skipped.result.output, {
        mode: 'srh',
        segments: sids(0x22, 3),
        source: SOURCE,
      });
    } finally {
      setWord(bit, word);
    }
    const { result, stats } = program.runCounting(frame);
    expect(stats).toEqual(onlyCounted({ encapsulated: 1 }));
    expectSrv6Encapsulation(frame, result.output, {
      mode: 'srh',
      segments: sids(0x11, 2),
      source: SOURCE,
    });
  });

  it("on another prefix's bit the probe decides, and a miss goes on to the shorter prefix", () => {
    // A /64 inside the /32 whose bit is the exact /64's (a collision in the filter): one in
    // 2^19 has it, so look through up to 2^23 of them.
    const target = bitOf(exact.destination);
    let colliding: string | undefined;
    for (let i = 0; i < 1 << 23 && !colliding; i++) {
      const candidate = `2001:db8:${(0x100 + (i >>> 16)).toString(16)}:${(i & 0xffff).toString(16)}::/64`;
      if (bitOf(candidate) === target) colliding = candidate;
    }
    expect(colliding).toBeDefined();
    const frame = tcpFrame(colliding!.replace('::/64', '::9'), 443);
    const { result, stats } = program.runCounting(frame);
    expect(stats).toEqual(onlyCounted({ encapsulated: 1 }));
    expectSrv6Encapsulation(frame, result.output, {
      mode: 'srh',
      segments: sids(0x22, 3),
      source: SOURCE,
    });
  });
});
