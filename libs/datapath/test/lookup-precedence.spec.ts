/**
 * Which policy the REAL program applies (BPF_PROG_TEST_RUN), for overlapping policies: the
 * SPEC's precedence by hand (longest prefix; exact port > range > all ports; tcp/udp > any;
 * shorter prefixes still deciding what a longer one does not claim; ICMPv6 only reaching
 * all-ports `any` rules), then kernel vs the TypeScript model (compileRuleSets + lookupSlot) on
 * a grid of packets and on random policy sets (fast-check, seeded).
 */
import fc from 'fast-check';
import { NO_POLICY } from '../src/datapath-limits.js';
import { parseIpv6Address, parseIpv6Prefix } from '../src/ipv6-address.js';
import { decodeRuleSet, encodeDestinationKey } from '../src/map-codec.js';
import { lookupSlot, type PacketSummary } from '../src/lookup-model.js';
import type { DatapathPolicy, PortRange, Protocol } from '../src/policy.js';
import { compileRuleSets } from '../src/rule-set-compiler.js';
import { canonical, expectSrv6Encapsulation } from './support/encapsulation-assertions.js';
import {
  icmpv6Frame,
  ipv6Frame,
  NEXT_HEADER,
  patternBytes,
  tcpFrame,
  udpFrame,
} from './support/packet-builder.js';
import { parseSrv6Encapsulation } from './support/srv6-packet.js';
import {
  loadSrv6Program,
  policy,
  sids,
  TC_ACT_OK,
  type Srv6Program,
} from './support/srv6-program.js';

const UNCHANGED = 'unchanged';

interface TestPacket {
  readonly frame: Uint8Array;
  readonly summary: PacketSummary;
  readonly label: string;
}

function packet(destination: string, protocol: number, port?: number): TestPacket {
  let frame: Uint8Array;
  if (protocol === NEXT_HEADER.tcp) frame = tcpFrame(destination, port!);
  else if (protocol === NEXT_HEADER.udp) frame = udpFrame(destination, port!);
  else if (protocol === NEXT_HEADER.icmpv6) frame = icmpv6Frame(destination);
  else
    frame = ipv6Frame({ destination, upper: { kind: 'raw', protocol, bytes: patternBytes(24) } });
  const hasPort = protocol === NEXT_HEADER.tcp || protocol === NEXT_HEADER.udp;
  return {
    frame,
    summary: {
      destination: parseIpv6Address(destination),
      protocol,
      ...(hasPort ? { port } : {}),
    },
    label: `${destination} proto ${protocol}${hasPort ? ` port ${port}` : ''}`,
  };
}

/**
 * Runs the packet and names the policy the program applied (recognised by its first segment,
 * unique per policy, and then checked field by field), or UNCHANGED.
 */
function kernelChoice(
  program: Srv6Program,
  policies: readonly DatapathPolicy[],
  test: TestPacket,
): string {
  const { returnValue, output } = program.run(test.frame);
  expect(returnValue).toBe(TC_ACT_OK);
  if (output.length === test.frame.length) {
    expect(output).toEqual(test.frame);
    return UNCHANGED;
  }
  const firstSegment = parseSrv6Encapsulation(output).outer.destination;
  const chosen = policies.find((p) => canonical(p.segments[0]!) === firstSegment);
  if (!chosen) throw new Error(`${test.label}: outer destination ${firstSegment} is no policy's`);
  expectSrv6Encapsulation(test.frame, output, {
    mode: chosen.encapsulation,
    segments: chosen.segments,
    source: chosen.source,
  });
  return chosen.id;
}

/** What the TypeScript model predicts for the programmed policies. */
function modelChoice(
  program: Srv6Program,
  policies: readonly DatapathPolicy[],
  test: TestPacket,
): string {
  const programmed = policies.filter((p) => program.programmer.slotsById.has(p.id));
  const compiled = compileRuleSets(
    programmed.map((p) => ({ policy: p, slot: program.slotOf(p.id) })),
  );
  const slot = lookupSlot(compiled.prefixes.values(), test.summary);
  if (slot === NO_POLICY) return UNCHANGED;
  const id = [...program.programmer.slotsById].find(([, s]) => s === slot)?.[0];
  if (id === undefined) throw new Error(`model slot ${slot} belongs to no policy`);
  return id;
}

const ports = (...list: Array<number | [number, number]>): PortRange[] =>
  list.map((p) => (typeof p === 'number' ? { first: p, last: p } : { first: p[0], last: p[1] }));

/** Overlapping policies; each has its own SIDs (first segment fc00:0:<tag>::1). */
const POLICIES: DatapathPolicy[] = [
  policy('campus-udp', '2001:db8::/32', sids(0xa0, 2), { protocol: 'udp' }),
  policy('wide-any', '2001:db8:b::/48', sids(0xa1, 2)),
  policy('b-tcp-5201', '2001:db8:b::/64', sids(0xa2, 3), { protocol: 'tcp', ports: ports(5201) }),
  policy('b-udp-range', '2001:db8:b::/64', sids(0xa3, 2), {
    protocol: 'udp',
    ports: ports([5000, 5100]),
  }),
  policy('b-udp-5050', '2001:db8:b::/64', sids(0xa4, 2), {
    protocol: 'udp',
    ports: ports(5050),
    encapsulation: 'reduced',
  }),
  policy('b-any-5201', '2001:db8:b::/64', sids(0xa5, 1), { ports: ports(5201) }),
  policy('b-any-range', '2001:db8:b::/64', sids(0xa6, 2), { ports: ports([6000, 6999]) }),
  policy('b-tcp-range', '2001:db8:b::/64', sids(0xa7, 2), {
    protocol: 'tcp',
    ports: ports([6500, 6600]),
  }),
  policy('host-udp', '2001:db8:b::5/128', sids(0xa8, 4), {
    protocol: 'udp',
    encapsulation: 'reduced',
  }),
  policy('c-tcp-all', '2001:db8:c::/64', sids(0xa9, 2), { protocol: 'tcp' }),
  policy('d-any-53', '2001:db8:d::/64', sids(0xaa, 2), { ports: ports(53) }),
];

const TCP = NEXT_HEADER.tcp;
const UDP = NEXT_HEADER.udp;
const ICMPV6 = NEXT_HEADER.icmpv6;

describe('lookup precedence on the real program', () => {
  let program: Srv6Program;

  beforeAll(() => {
    program = loadSrv6Program();
    program.apply(POLICIES);
  });
  afterAll(() => program?.remove());

  it.each<[string, TestPacket, string]>([
    [
      'exact tcp port beats the any-protocol exact port',
      packet('2001:db8:b::1', TCP, 5201),
      'b-tcp-5201',
    ],
    ['same exact port over udp: the any rule', packet('2001:db8:b::1', UDP, 5201), 'b-any-5201'],
    [
      'exact udp port beats the udp range around it',
      packet('2001:db8:b::1', UDP, 5050),
      'b-udp-5050',
    ],
    ['udp range, first port', packet('2001:db8:b::1', UDP, 5000), 'b-udp-range'],
    ['udp range, last port', packet('2001:db8:b::1', UDP, 5100), 'b-udp-range'],
    ['just below the range: /48 all ports', packet('2001:db8:b::1', UDP, 4999), 'wide-any'],
    ['just above the range: /48 all ports', packet('2001:db8:b::1', UDP, 5101), 'wide-any'],
    [
      'tcp range beats any range of the same prefix',
      packet('2001:db8:b::1', TCP, 6550),
      'b-tcp-range',
    ],
    [
      'udp in both ranges: only the any range applies',
      packet('2001:db8:b::1', UDP, 6550),
      'b-any-range',
    ],
    [
      'tcp in the any range outside the tcp range',
      packet('2001:db8:b::1', TCP, 6999),
      'b-any-range',
    ],
    ['a port the /64 does not claim: the /48 rule', packet('2001:db8:b::1', TCP, 80), 'wide-any'],
    [
      '/48 any beats /32 udp (longest prefix first)',
      packet('2001:db8:b::1', UDP, 9999),
      'wide-any',
    ],
    ['ICMPv6 reaches the /48 all-ports any rule', packet('2001:db8:b::1', ICMPV6), 'wide-any'],
    ['other protocols (ESP) too', packet('2001:db8:b::1', NEXT_HEADER.esp), 'wide-any'],
    ['/128 udp all ports beats /64 exact udp port', packet('2001:db8:b::5', UDP, 5050), 'host-udp'],
    [
      '/128 has no tcp rule: the /64 exact tcp port',
      packet('2001:db8:b::5', TCP, 5201),
      'b-tcp-5201',
    ],
    ['/128, unclaimed tcp port: the /48', packet('2001:db8:b::5', TCP, 22), 'wide-any'],
    ['/128, ICMPv6: the /48', packet('2001:db8:b::5', ICMPV6), 'wide-any'],
    ['inside the /48, outside the /64', packet('2001:db8:b:1::1', TCP, 5201), 'wide-any'],
    ['tcp-only /64: tcp on any port', packet('2001:db8:c::1', TCP, 1), 'c-tcp-all'],
    [
      'tcp-only /64: udp falls to the /32 udp rule',
      packet('2001:db8:c::1', UDP, 5201),
      'campus-udp',
    ],
    ['tcp-only /64: ICMPv6 matches nothing', packet('2001:db8:c::1', ICMPV6), UNCHANGED],
    ['port-53 any rule: udp 53', packet('2001:db8:d::1', UDP, 53), 'd-any-53'],
    ['port-53 any rule: tcp 53', packet('2001:db8:d::1', TCP, 53), 'd-any-53'],
    ['port-53 any rule: udp 54 falls to /32 udp', packet('2001:db8:d::1', UDP, 54), 'campus-udp'],
    ['port-53 any rule: tcp 54 matches nothing', packet('2001:db8:d::1', TCP, 54), UNCHANGED],
    ['ICMPv6 never matches a port rule', packet('2001:db8:d::1', ICMPV6), UNCHANGED],
    ['only the /32 covers it', packet('2001:db8:ffff::1', UDP, 443), 'campus-udp'],
    ['outside every prefix', packet('2001:db9::1', UDP, 443), UNCHANGED],
    ['port 0 and 65535 are ports like others', packet('2001:db8:b::1', TCP, 65535), 'wide-any'],
  ])('%s', (_, test, expected) => {
    expect(kernelChoice(program, POLICIES, test)).toBe(expected);
    expect(modelChoice(program, POLICIES, test)).toBe(expected);
  });

  it('kernel and model agree on a grid of 161 packets', () => {
    const destinations = [
      '2001:db8:b::1',
      '2001:db8:b::5',
      '2001:db8:b:1::9',
      '2001:db8:c::1',
      '2001:db8:d::1',
      '2001:db8:ffff::1',
      '2001:db9::1',
    ];
    const portGrid = [0, 53, 54, 4999, 5000, 5050, 5100, 5101, 5201, 6550, 65535];
    const packets = destinations.flatMap((destination) => [
      packet(destination, ICMPV6),
      ...[TCP, UDP].flatMap((protocol) =>
        portGrid.map((port) => packet(destination, protocol, port)),
      ),
    ]);
    expect(packets).toHaveLength(161);
    const kernel = packets.map((test) => [test.label, kernelChoice(program, POLICIES, test)]);
    const model = packets.map((test) => [test.label, modelChoice(program, POLICIES, test)]);
    expect(kernel).toEqual(model);
    // The grid exercises every policy and the no-match case.
    expect(new Set(kernel.map(([, choice]) => choice))).toEqual(
      new Set([...POLICIES.map((p) => p.id), UNCHANGED]),
    );
  });
});

describe('the binary search over a full rule set (16 port intervals per class)', () => {
  let program: Srv6Program;
  /** 16 tcp ranges [1000i + 100, 1000i + 199] and 16 udp single ports 2000i + 7, each its own policy. */
  const FULL: DatapathPolicy[] = [
    ...Array.from({ length: 16 }, (_, i) =>
      policy(`tcp-${i}`, '2001:db8:e::/64', sids(0x100 + i, 1 + (i % 3)), {
        protocol: 'tcp',
        ports: ports([1000 * i + 100, 1000 * i + 199]),
      }),
    ),
    ...Array.from({ length: 16 }, (_, i) =>
      policy(`udp-${i}`, '2001:db8:e::/64', sids(0x200 + i, 2), {
        protocol: 'udp',
        ports: ports(2000 * i + 7),
        encapsulation: 'reduced',
      }),
    ),
    policy('e-tcp-rest', '2001:db8:e::/64', sids(0x300, 2), { protocol: 'tcp' }),
  ];

  beforeAll(() => {
    program = loadSrv6Program();
    expect(program.apply(FULL).programmed.size).toBe(FULL.length);
    // The rule set is really full: 16 intervals in each port class.
    const ruleSet = decodeRuleSet(
      program.object
        .map('srv6_prefixes')
        .lookup(encodeDestinationKey(parseIpv6Prefix('2001:db8:e::/64')))!,
    );
    expect([ruleSet.intervals.tcp.length, ruleSet.intervals.udp.length]).toEqual([16, 16]);
  });
  afterAll(() => program?.remove());

  it('every interval edge, inside and outside, picks what the model picks', () => {
    const tcpPorts = Array.from({ length: 16 }, (_, i) =>
      [99, 100, 150, 199, 200].map((p) => 1000 * i + p),
    ).flat();
    const udpPorts = Array.from({ length: 16 }, (_, i) =>
      [6, 7, 8].map((p) => 2000 * i + p),
    ).flat();
    const packets = [
      ...[0, 65535, ...tcpPorts].map((port) => packet('2001:db8:e::1', TCP, port)),
      ...[0, 65535, ...udpPorts].map((port) => packet('2001:db8:e::1', UDP, port)),
    ];
    const kernel = packets.map((test) => [test.label, kernelChoice(program, FULL, test)]);
    const model = packets.map((test) => [test.label, modelChoice(program, FULL, test)]);
    expect(kernel).toEqual(model);
    // Every policy was reached, and udp outside the single ports matched nothing.
    expect(new Set(kernel.map(([, choice]) => choice))).toEqual(
      new Set([...FULL.map((p) => p.id), UNCHANGED]),
    );
  });
});

describe('kernel vs model on random policy sets (fast-check)', () => {
  let program: Srv6Program;

  beforeAll(() => {
    program = loadSrv6Program();
  });
  afterAll(() => program?.remove());

  const PREFIXES = [
    '::/0',
    '2001:db8::/32',
    '2001:db8:b::/48',
    '2001:db8:b::/64',
    '2001:db8:b::/96',
    '2001:db8:b::5/128',
    '2001:db8:b:1::/64',
    '2001:db8:c::/64',
  ];
  const DESTINATIONS = [
    '2001:db8:b::1',
    '2001:db8:b::5',
    '2001:db8:b::1:0:5',
    '2001:db8:b:1::9',
    '2001:db8:c::1',
    '2001:db8:ffff::1',
    '2001:db9::1',
  ];
  const PORT_POOL = [0, 53, 80, 443, 444, 5000, 5100, 5201, 5202, 5300, 65535];

  const portRangeArb: fc.Arbitrary<PortRange> = fc.oneof(
    fc.constantFrom(...PORT_POOL).map((port) => ({ first: port, last: port })),
    fc
      .tuple(fc.constantFrom(0, 50, 440, 5000, 5200, 65000), fc.integer({ min: 1, max: 400 }))
      .map(([first, length]) => ({ first, last: Math.min(65535, first + length) })),
  );
  const policySpecArb = fc.record({
    destination: fc.constantFrom(...PREFIXES),
    protocol: fc.constantFrom<Protocol>('tcp', 'udp', 'any'),
    ports: fc.oneof(fc.constant([]), fc.array(portRangeArb, { minLength: 1, maxLength: 3 })),
    encapsulation: fc.constantFrom<'srh' | 'reduced'>('srh', 'reduced'),
    segmentCount: fc.integer({ min: 1, max: 4 }),
  });
  const packetArb = fc.record({
    destination: fc.constantFrom(...DESTINATIONS),
    protocol: fc.constantFrom(TCP, UDP, ICMPV6, NEXT_HEADER.esp),
    port: fc.oneof(
      fc.constantFrom(...PORT_POOL),
      fc.constantFrom(...PORT_POOL).map((p) => Math.min(65535, p + 1)),
      fc.integer({ min: 0, max: 65535 }),
    ),
  });

  it('the program applies the policy the model predicts (200 runs, seeded)', () => {
    let encapsulated = 0;
    let unchanged = 0;
    fc.assert(
      fc.property(
        fc.array(policySpecArb, { minLength: 1, maxLength: 6 }),
        fc.array(packetArb, { minLength: 10, maxLength: 10 }),
        (specs, packetSpecs) => {
          const policies = specs.map((spec, index) =>
            policy(`p${index}`, spec.destination, sids(index + 1, spec.segmentCount), {
              protocol: spec.protocol,
              ports: spec.ports,
              encapsulation: spec.encapsulation,
            }),
          );
          program.programmer.apply(policies); // over-full interval sets are rejected: the model sees only what was programmed
          for (const spec of packetSpecs) {
            const test = packet(spec.destination, spec.protocol, spec.port);
            const kernel = kernelChoice(program, policies, test);
            expect([test.label, kernel]).toEqual([
              test.label,
              modelChoice(program, policies, test),
            ]);
            if (kernel === UNCHANGED) unchanged++;
            else encapsulated++;
          }
        },
      ),
      { seed: 20251124, numRuns: 200 },
    );
    // Both outcomes were exercised substantially.
    expect(encapsulated).toBeGreaterThan(500);
    expect(unchanged).toBeGreaterThan(100);
  });
});
