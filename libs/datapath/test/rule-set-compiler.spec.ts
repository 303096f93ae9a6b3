import fc from 'fast-check';
import { compileRuleSets, SlottedPolicy } from '../src/rule-set-compiler.js';
import { lookupSlot, protocolClassOf } from '../src/lookup-model.js';
import { DatapathPolicy, Protocol } from '../src/policy.js';
import { NO_POLICY } from '../src/datapath-limits.js';
import { parseIpv6Address, parseIpv6Prefix, prefixCovers } from '../src/ipv6-address.js';

function policy(
  id: string,
  destination: string,
  protocol: Protocol = 'any',
  ports: Array<number | [number, number]> = [],
): DatapathPolicy {
  return {
    id,
    destination,
    protocol,
    ports: ports.map((port) =>
      typeof port === 'number' ? { first: port, last: port } : { first: port[0], last: port[1] },
    ),
    segments: ['fc00:0:1::1'],
    encapsulation: 'srh',
    source: '2001:db8:a::10',
  };
}

const slotted = (policies: DatapathPolicy[]): SlottedPolicy[] =>
  policies.map((p, slot) => ({ policy: p, slot }));

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** The SPEC's precedence, by brute force over every policy: the reference. */
function referenceWinner(
  policies: readonly DatapathPolicy[],
  destination: Uint8Array,
  protocol: number,
  port: number | undefined,
): number {
  let best: { key: number[]; index: number } | undefined;
  policies.forEach((p, index) => {
    const prefix = parseIpv6Prefix(p.destination);
    if (!prefixCovers(prefix, { address: destination, length: 128 })) return;
    const cls = protocolClassOf(protocol);
    if (p.protocol !== 'any' && p.protocol !== cls) return;
    let portSpecificity: number;
    if (p.ports.length === 0) portSpecificity = 0;
    else {
      if (cls === 'other' || port === undefined) return;
      const hits = p.ports.filter((r) => r.first <= port && port <= r.last);
      if (hits.length === 0) return;
      portSpecificity = Math.max(...hits.map((r) => (r.first === r.last ? 2 : 1)));
    }
    const key = [prefix.length, portSpecificity, p.protocol === 'any' ? 0 : 1, -index];
    const better = !best || compareKeys(key, best.key) > 0;
    if (better) best = { key, index };
  });
  return best ? best.index : NO_POLICY;
}

const address = (text: string): Uint8Array => parseIpv6Address(text);

describe('compileRuleSets precedence (table)', () => {
  const policies = [
    policy('wide-any', '2001:db8::/32'),
    policy('b-tcp-5201', '2001:db8:b::/64', 'tcp', [5201]),
    policy('b-any-range', '2001:db8:b::/64', 'any', [[5000, 5300]]),
    policy('b-udp-all', '2001:db8:b::/64', 'udp'),
    policy('host-any', '2001:db8:b::7/128', 'any', [22]),
  ];
  const compiled = compileRuleSets(slotted(policies));
  const prefixes = [...compiled.prefixes.values()];

  it.each([
    ['tcp to the exact port beats the range', '2001:db8:b::1', 6, 5201, 'b-tcp-5201'],
    ['tcp in the range (any protocol) beats the /32', '2001:db8:b::1', 6, 5100, 'b-any-range'],
    ['udp in the range: range (any) beats udp all-ports', '2001:db8:b::1', 17, 5100, 'b-any-range'],
    ['udp outside the range: udp all-ports', '2001:db8:b::1', 17, 53, 'b-udp-all'],
    ['tcp outside every port rule falls back to the /32', '2001:db8:b::1', 6, 80, 'wide-any'],
    ['icmpv6 only reaches all-ports any rules', '2001:db8:b::1', 58, undefined, 'wide-any'],
    ['the /128 wins for its port', '2001:db8:b::7', 6, 22, 'host-any'],
    ['the /128 inherits the /64 rules', '2001:db8:b::7', 6, 5201, 'b-tcp-5201'],
    ['non-first fragment of udp: all-ports udp', '2001:db8:b::1', 17, undefined, 'b-udp-all'],
    ['outside every prefix: no policy', '2001:db9::1', 6, 5201, undefined],
  ])('%s', (_name, destination, protocol, port, expected) => {
    const slot = lookupSlot(prefixes, { destination: address(destination), protocol, port });
    const expectedSlot =
      expected === undefined ? NO_POLICY : policies.findIndex((p) => p.id === expected);
    expect(slot).toBe(expectedSlot);
  });

  it('drops intervals that lead where the fallback leads anyway', () => {
    const c = compileRuleSets(
      slotted([policy('a', '2001:db8::/64', 'tcp', [80]), policy('a2', '2001:db8::/64')]),
    );
    const ruleSet = c.prefixes.get('2001:db8::/64')!.ruleSet;
    expect(ruleSet.intervals.tcp).toEqual([{ first: 80, last: 80, slot: 0 }]);
    expect(ruleSet.allPortsSlot).toEqual({ other: 1, tcp: 1, udp: 1 });
  });

  it('reports a policy hidden by an earlier one with the same match', () => {
    const c = compileRuleSets(
      slotted([
        policy('first', '2001:db8::/64', 'tcp', [80]),
        policy('second', '2001:db8::/64', 'tcp', [80]),
      ]),
    );
    expect(c.shadowed).toEqual([{ policyId: 'second', reason: expect.stringContaining('first') }]);
  });

  it('rejects the latest policy that overflows a prefix and keeps the rest', () => {
    const many = Array.from({ length: 17 }, (_, i) =>
      policy(`p${i}`, '2001:db8::/64', 'tcp', [1000 + 2 * i]),
    );
    const c = compileRuleSets(slotted(many));
    expect(c.rejected).toEqual([
      { policyId: 'p16', reason: expect.stringContaining('more than 16 distinct port intervals') },
    ]);
    expect(c.prefixes.get('2001:db8::/64')!.ruleSet.intervals.tcp).toHaveLength(16);
  });

  it('refuses an invalid port range naming the policy and field', () => {
    expect(() => compileRuleSets(slotted([policy('bad', '::/0', 'tcp', [[10, 5]])]))).toThrow(
      'bad: ports[0] must be 0..65535 with first <= last',
    );
  });
});

describe('compileRuleSets against the brute-force reference (property)', () => {
  // A small address space so prefixes nest and collide often.
  const prefixArb = fc
    .record({
      third: fc.integer({ min: 0, max: 3 }),
      fourth: fc.integer({ min: 0, max: 3 }),
      length: fc.constantFrom(32, 48, 63, 64, 128),
    })
    .map(
      ({ third, fourth, length }) =>
        `2001:db8:${third}:${fourth}::${length === 128 ? '1' : ''}/${length}`,
    );
  const portArb: fc.Arbitrary<number | [number, number]> = fc.oneof(
    fc.integer({ min: 0, max: 40 }),
    fc
      .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 20 }))
      .map(([a, w]) => [a, a + w] as [number, number]),
  );
  const policyArb = fc.record({
    destination: prefixArb,
    protocol: fc.constantFrom<Protocol>('tcp', 'udp', 'any'),
    ports: fc.oneof(
      fc.constant<Array<number | [number, number]>>([]),
      fc.array(portArb, { minLength: 1, maxLength: 3 }),
    ),
  });
  const packetArb = fc.record({
    third: fc.integer({ min: 0, max: 3 }),
    fourth: fc.integer({ min: 0, max: 3 }),
    last: fc.constantFrom(0, 1, 2),
    protocol: fc.constantFrom(6, 17, 58),
    port: fc.option(fc.integer({ min: 0, max: 65 }), { nil: undefined }),
  });

  it('every packet gets the policy the SPEC precedence picks (600 seeded runs)', () => {
    fc.assert(
      fc.property(
        fc.array(policyArb, { minLength: 1, maxLength: 8 }),
        fc.array(packetArb, { minLength: 10, maxLength: 10 }),
        (specs, packets) => {
          const policies = specs.map((s, i) => policy(`p${i}`, s.destination, s.protocol, s.ports));
          const compiled = compileRuleSets(slotted(policies));
          fc.pre(compiled.rejected.length === 0);
          const prefixes = [...compiled.prefixes.values()];
          for (const packet of packets) {
            const destination = address(
              `2001:db8:${packet.third}:${packet.fourth}::${packet.last}`,
            );
            const port = packet.protocol === 58 ? undefined : packet.port;
            const expected = referenceWinner(policies, destination, packet.protocol, port);
            const actual = lookupSlot(prefixes, { destination, protocol: packet.protocol, port });
            if (expected === NO_POLICY || actual === NO_POLICY) {
              expect(actual).toBe(expected);
              continue;
            }
            // Exact ties (same prefix, specificity, protocol) go to the earlier policy.
            expect(actual).toBe(expected);
          }
        },
      ),
      { numRuns: 600, seed: 20261124 },
    );
  });
});
