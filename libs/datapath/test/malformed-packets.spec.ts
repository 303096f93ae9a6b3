/**
 * Packets the program must leave alone — byte for byte, TC_ACT_OK, never a crash — and the
 * srv6_stats reason each one is counted under (docs/datapath-program.md "Per packet"): no
 * matching policy, not IPv6, truncated or unparsable IPv6, and the extension-header walk's
 * limits (4 headers walked; a fifth makes the packet class OTHER). Also map values the program
 * must refuse to use (empty or invalid policy slots, an out-of-range interval count).
 */
import { execFileSync } from 'node:child_process';
import {
  decodePrefixLengthTable,
  encodeDestinationKey,
  encodeRuleSet,
  encodeSlot,
  PREFIX_LENGTHS_KEY,
} from '../src/map-codec.js';
import { parseIpv6Prefix } from '../src/ipv6-address.js';
import { NO_POLICY } from '../src/datapath-limits.js';
import { interfaceIndex } from '../src/libc.js';
import { withNetns } from '../src/netns.js';
import { attachTcEgress } from '../src/tc-hook.js';
import { expectSrv6Encapsulation } from './support/encapsulation-assertions.js';
import { createTestNamespace, type TestNamespace } from './support/kernel-fixture.js';
import {
  arpFrame,
  ethernetFrame,
  ETHERTYPE_IPV6,
  icmpv6Frame,
  ipv4UdpFrame,
  ipv6Frame,
  ipv6Packet,
  NEXT_HEADER,
  patternBytes,
  tcpFrame,
  truncate,
  udpFrame,
  type ExtensionHeader,
} from './support/packet-builder.js';
import {
  loadSrv6Program,
  onlyCounted,
  statsDelta,
  policy,
  sids,
  TC_ACT_OK,
  type StatsDelta,
  type Srv6Program,
} from './support/srv6-program.js';

/** tcp/5201 and udp/53 only: no all-ports rule, so class OTHER matches nothing here. */
const PORTS_ONLY = '2001:db8:b::1';
/** tcp/5201 plus an any-protocol all-ports rule: class OTHER is encapsulated here. */
const WITH_FALLBACK = '2001:db8:f::1';

const POLICIES = [
  policy('b-tcp-5201', '2001:db8:b::/64', sids(1, 2), {
    protocol: 'tcp',
    ports: [{ first: 5201, last: 5201 }],
  }),
  policy('b-udp-53', '2001:db8:b::/64', sids(2, 2), {
    protocol: 'udp',
    ports: [{ first: 53, last: 53 }],
  }),
  policy('f-tcp-5201', '2001:db8:f::/64', sids(3, 3), {
    protocol: 'tcp',
    ports: [{ first: 5201, last: 5201 }],
  }),
  policy('f-any', '2001:db8:f::/64', sids(4, 1)),
];
const segmentsOf = (id: string) => POLICIES.find((p) => p.id === id)!.segments;

const hopByHop: ExtensionHeader = { kind: 'hop-by-hop' };
const destinationOptions: ExtensionHeader = { kind: 'destination-options', units: 1 };
const routing: ExtensionHeader = { kind: 'routing', segments: 1 };

describe('packets the program leaves unchanged, and how it counts them', () => {
  let program: Srv6Program;

  beforeAll(() => {
    program = loadSrv6Program();
    program.apply(POLICIES);
  });
  afterAll(() => program?.remove());

  it.each<[string, () => Uint8Array, Partial<StatsDelta>]>([
    ['no policy for the destination', () => tcpFrame('2001:db8:ffff::1', 5201), { no_match: 1 }],
    ['prefix matches, port does not', () => tcpFrame(PORTS_ONLY, 5202), { no_match: 1 }],
    [
      'prefix matches, protocol does not (udp 5201)',
      () => udpFrame(PORTS_ONLY, 5201),
      { no_match: 1 },
    ],
    ['ICMPv6 where only port rules exist', () => icmpv6Frame(PORTS_ONLY), { no_match: 1 }],
    ['IPv4 (EtherType 0x0800)', () => ipv4UdpFrame(53), { not_ipv6: 1 }],
    ['ARP, a non-IP frame', () => arpFrame(), { not_ipv6: 1 }],
    [
      'EtherType IPv6 carrying an IPv4 header (version 4)',
      () => ethernetFrame(ETHERTYPE_IPV6, ipv4UdpFrame(53).subarray(14).slice()),
      { malformed: 1 },
    ],
    [
      'version field 4 in an otherwise valid IPv6 header',
      () => {
        const frame = tcpFrame(PORTS_ONLY, 5201);
        frame[14] = (frame[14]! & 0x0f) | 0x40;
        return frame;
      },
      { malformed: 1 },
    ],
    [
      'TCP header cut before the destination port (port rule exists)',
      () => truncate(tcpFrame(PORTS_ONLY, 5201), 14 + 40 + 3),
      { malformed: 1 },
    ],
    [
      'no TCP header at all (port rule exists)',
      () => truncate(tcpFrame(PORTS_ONLY, 5201), 14 + 40),
      { malformed: 1 },
    ],
    [
      'TCP header missing where an all-ports rule would apply (the port is still read first)',
      () => truncate(tcpFrame(WITH_FALLBACK, 80), 14 + 40 + 2),
      { malformed: 1 },
    ],
    [
      'UDP header cut before the destination port',
      () => truncate(udpFrame(PORTS_ONLY, 53), 14 + 40 + 2),
      { malformed: 1 },
    ],
    [
      'Hop-by-Hop header announced but missing',
      () =>
        truncate(
          ipv6Frame({
            destination: PORTS_ONLY,
            extensionHeaders: [hopByHop],
            upper: { kind: 'tcp', destinationPort: 5201 },
          }),
          14 + 40 + 1,
        ),
      { malformed: 1 },
    ],
    [
      'Destination Options longer than the packet: the TCP header is not there',
      () => {
        const frame = ipv6Frame({
          destination: PORTS_ONLY,
          extensionHeaders: [destinationOptions],
          upper: { kind: 'tcp', destinationPort: 5201, payloadLength: 0 },
        });
        frame[14 + 40 + 1] = 200; // Hdr Ext Len: 1608 bytes
        return frame;
      },
      { malformed: 1 },
    ],
    [
      'Fragment header truncated',
      () =>
        truncate(
          ipv6Frame({
            destination: PORTS_ONLY,
            extensionHeaders: [{ kind: 'fragment', offset: 0, more: true, identification: 7 }],
            upper: { kind: 'udp', destinationPort: 53 },
          }),
          14 + 40 + 6,
        ),
      { malformed: 1 },
    ],
    [
      'five extension headers before TCP: class OTHER, and no all-ports any rule here',
      () =>
        ipv6Frame({
          destination: PORTS_ONLY,
          extensionHeaders: [
            hopByHop,
            destinationOptions,
            routing,
            destinationOptions,
            destinationOptions,
          ],
          upper: { kind: 'tcp', destinationPort: 5201 },
        }),
      { no_match: 1 },
    ],
    [
      'No Next Header (59) where only port rules exist',
      () =>
        ipv6Frame({
          destination: PORTS_ONLY,
          upper: { kind: 'raw', protocol: NEXT_HEADER.noNextHeader, bytes: new Uint8Array(0) },
        }),
      { no_match: 1 },
    ],
    [
      'an IPv6 packet already SRv6-encapsulated (Routing header, inner IPv6) to a port-only prefix',
      () =>
        ipv6Frame({
          destination: PORTS_ONLY,
          extensionHeaders: [routing],
          upper: {
            kind: 'raw',
            protocol: NEXT_HEADER.ipv6,
            bytes: ipv6Packet({
              destination: '2001:db8:c::1',
              upper: { kind: 'udp', destinationPort: 53 },
            }),
          },
        }),
      { no_match: 1 },
    ],
  ])('%s', (_, build, reasons) => {
    const frame = build();
    const { result, stats } = program.runCounting(frame);
    expect(result.returnValue).toBe(TC_ACT_OK);
    expect(result.output).toEqual(frame);
    expect(stats).toEqual(onlyCounted(reasons));
  });

  it.each<[string, ExtensionHeader[]]>([
    ['Hop-by-Hop + Destination Options', [hopByHop, destinationOptions]],
    ['Hop-by-Hop + Routing', [hopByHop, routing]],
    [
      'four extension headers (the most the walk follows)',
      [hopByHop, destinationOptions, routing, destinationOptions],
    ],
    [
      'an atomic fragment (offset 0, M 0)',
      [{ kind: 'fragment', offset: 0, more: false, identification: 9 }],
    ],
  ])('%s before TCP: still matched by port, encapsulated whole', (_, extensionHeaders) => {
    const frame = ipv6Frame({
      destination: PORTS_ONLY,
      extensionHeaders,
      upper: { kind: 'tcp', destinationPort: 5201 },
    });
    const { result, stats } = program.runCounting(frame);
    expect(result.returnValue).toBe(TC_ACT_OK);
    expectSrv6Encapsulation(frame, result.output, {
      mode: 'srh',
      segments: segmentsOf('b-tcp-5201'),
      source: '2001:db8:a::10',
    });
    expect(stats).toEqual(onlyCounted({ encapsulated: 1 }));
  });

  it('five extension headers before TCP: class OTHER takes the all-ports any rule, not the port rule', () => {
    const frame = ipv6Frame({
      destination: WITH_FALLBACK,
      extensionHeaders: [
        hopByHop,
        destinationOptions,
        routing,
        destinationOptions,
        destinationOptions,
      ],
      upper: { kind: 'tcp', destinationPort: 5201 },
    });
    const { result, stats } = program.runCounting(frame);
    expect(result.returnValue).toBe(TC_ACT_OK);
    expectSrv6Encapsulation(frame, result.output, {
      mode: 'srh',
      segments: segmentsOf('f-any'),
      source: '2001:db8:a::10',
    });
    expect(stats).toEqual(onlyCounted({ encapsulated: 1 }));
    // Four headers: the port rule.
    const four = ipv6Frame({
      destination: WITH_FALLBACK,
      extensionHeaders: [hopByHop, destinationOptions, routing, destinationOptions],
      upper: { kind: 'tcp', destinationPort: 5201 },
    });
    expectSrv6Encapsulation(four, program.run(four).output, {
      mode: 'srh',
      segments: segmentsOf('f-tcp-5201'),
      source: '2001:db8:a::10',
    });
  });

  it('ICMPv6 (and ESP) where an all-ports any rule exists: encapsulated', () => {
    for (const frame of [
      icmpv6Frame(WITH_FALLBACK),
      ipv6Frame({
        destination: WITH_FALLBACK,
        upper: { kind: 'raw', protocol: NEXT_HEADER.esp, bytes: patternBytes(40) },
      }),
    ]) {
      const { result, stats } = program.runCounting(frame);
      expect(result.returnValue).toBe(TC_ACT_OK);
      expectSrv6Encapsulation(frame, result.output, {
        mode: 'srh',
        segments: segmentsOf('f-any'),
        source: '2001:db8:a::10',
      });
      expect(stats).toEqual(onlyCounted({ encapsulated: 1 }));
    }
  });

  /** Runs the frame: encapsulated whole with policy `id`'s segments, counted only as such. */
  function expectEncapsulatedBy(frame: Uint8Array, id: string): void {
    const { result, stats } = program.runCounting(frame);
    expect(stats).toEqual(onlyCounted({ encapsulated: 1 }));
    expectSrv6Encapsulation(frame, result.output, {
      mode: 'srh',
      segments: segmentsOf(id),
      source: '2001:db8:a::10',
    });
  }

  it('a TCP header holding just the ports is enough to decide', () => {
    expectEncapsulatedBy(truncate(tcpFrame(PORTS_ONLY, 5201), 14 + 40 + 4), 'b-tcp-5201');
  });

  // parse.h reads the IPv6 header and the first 13 bytes of TCP/UDP in one direct read when
  // the frame has 14 + 53 bytes; shorter ones load the port with a helper. Both sides of that
  // boundary must decide by port alike.
  it.each([0, 4, 5, 6])(
    'a UDP datagram with %i payload bytes (either side of the direct read) is decided by its port',
    (payloadLength) => {
      const frame = udpFrame(PORTS_ONLY, 53, { payloadLength });
      expect(frame.length).toBe(14 + 40 + 8 + payloadLength);
      expectEncapsulatedBy(frame, 'b-udp-53');
    },
  );

  describe('map values the program must not use', () => {
    // Slots far from the ones DatapathProgrammer hands out (it starts at 0).
    const BAD_PREFIX = '2001:db8:bad::/64';
    const EMPTY_SLOT = 1000;
    const TOO_MANY_SEGMENTS_SLOT = 1001;
    const UNKNOWN_MODE_SLOT = 1002;
    const OUT_OF_RANGE_SLOT = 5_000_000;

    function pointPrefixAt(slot: number, tcpIntervalCount?: number): void {
      const ruleSet = encodeRuleSet({
        allPortsSlot: { other: slot, tcp: slot, udp: slot },
        intervals: { tcp: [], udp: [] },
      });
      if (tcpIntervalCount !== undefined) ruleSet[12] = tcpIntervalCount;
      program.object
        .map('srv6_prefixes')
        .update(encodeDestinationKey(parseIpv6Prefix(BAD_PREFIX)), ruleSet);
    }

    beforeAll(() => {
      const policies = program.object.map('srv6_policies');
      const value = (count: number, mode: number) => {
        const bytes = new Uint8Array(policies.valueSize);
        bytes[0] = count;
        bytes[1] = mode;
        bytes.fill(0xfc, 4); // some source and segments
        return bytes;
      };
      policies.update(encodeSlot(EMPTY_SLOT), value(0, 0));
      policies.update(encodeSlot(TOO_MANY_SEGMENTS_SLOT), value(17, 0));
      policies.update(encodeSlot(UNKNOWN_MODE_SLOT), value(2, 2));
      // The hand-written prefix is only looked up if its length is one the program tries.
      const lengths = program.object.map('srv6_prefix_lens').lookup(PREFIX_LENGTHS_KEY);
      expect(decodePrefixLengthTable(lengths!)).toContain(parseIpv6Prefix(BAD_PREFIX).length);
    });
    afterAll(() => {
      program?.object
        .map('srv6_prefixes')
        .delete(encodeDestinationKey(parseIpv6Prefix(BAD_PREFIX)));
    });

    it.each([
      ['segment_count 0 (an empty slot)', EMPTY_SLOT],
      ['segment_count 17', TOO_MANY_SEGMENTS_SLOT],
      ['encap_mode 2', UNKNOWN_MODE_SLOT],
      ['a slot past the policies array', OUT_OF_RANGE_SLOT],
      ['SRV6_NO_POLICY', NO_POLICY],
    ])('%s: unchanged, counted as no_match', (_, slot) => {
      pointPrefixAt(slot);
      for (const frame of [tcpFrame('2001:db8:bad::1', 80), icmpv6Frame('2001:db8:bad::1')]) {
        const { result, stats } = program.runCounting(frame);
        expect(result.returnValue).toBe(TC_ACT_OK);
        expect(result.output).toEqual(frame);
        expect(stats).toEqual(onlyCounted({ no_match: 1 }));
      }
    });

    it('an interval_count of 255 is clamped to 16, not read past the rule set', () => {
      pointPrefixAt(EMPTY_SLOT, 255);
      const frame = tcpFrame('2001:db8:bad::1', 65535);
      const { result, stats } = program.runCounting(frame);
      expect(result.returnValue).toBe(TC_ACT_OK);
      expect(result.output).toEqual(frame);
      expect(stats).toEqual(onlyCounted({ no_match: 1 }));
    });
  });

  /*
   * BPF_PROG_TEST_RUN (kernel 6.18) refuses an IPv6-EtherType frame whose IPv6 header is
   * incomplete (EINVAL), so the program's truncated-header path is exercised on a live veth:
   * frames written with an AF_PACKET socket (python3) pass tc egress of veth0 with the program
   * attached and are read back on veth1.
   */
  describe('truncated IPv6 headers, on a live veth (the test run refuses them)', () => {
    const TRUNCATED = [
      ['Ethernet header only', 14],
      ['IPv6 header cut at 20 bytes', 14 + 20],
      ['IPv6 header cut at 39 bytes', 14 + 39],
    ] as const;
    let namespace: TestNamespace | undefined;

    afterAll(() => namespace?.remove());

    it('the kernel test run refuses them, so they cannot be tested there', () => {
      for (const [, length] of TRUNCATED) {
        expect(() => program.run(truncate(tcpFrame(PORTS_ONLY, 5201), length))).toThrow(
          /bpf_prog_test_run_opts .*EINVAL/,
        );
      }
    });

    it('leaves them unchanged and counts them malformed', () => {
      namespace = createTestNamespace();
      const name = namespace.name;
      execFileSync('ip', [
        'netns',
        'exec',
        name,
        'sysctl',
        '-qw',
        'net.ipv6.conf.veth0.disable_ipv6=1', // no NDP/MLD of its own on the wire
        'net.ipv6.conf.veth1.disable_ipv6=1',
      ]);
      withNetns(name, () =>
        attachTcEgress({ ifindex: interfaceIndex('veth0'), programFd: program.programFd }),
      );
      const frames = TRUNCATED.map(([, length]) => truncate(tcpFrame(PORTS_ONLY, 5201), length));
      // A complete, steered frame last: proof the path works (and encapsulates on the wire),
      // and that the truncated ones were not merely lost.
      const complete = tcpFrame(PORTS_ONLY, 5201);
      const before = program.stats();
      const received = sendThroughVeth(name, [...frames, complete]);
      const stats = statsDelta(before, program.stats());

      expect(received.slice(0, frames.length)).toEqual(
        frames.map((frame) => Buffer.from(frame).toString('hex')),
      );
      expect(received).toHaveLength(frames.length + 1);
      expectSrv6Encapsulation(
        complete,
        new Uint8Array(Buffer.from(received[frames.length]!, 'hex')),
        {
          mode: 'srh',
          segments: segmentsOf('b-tcp-5201'),
          source: '2001:db8:a::10',
        },
      );
      expect(stats).toEqual(
        onlyCounted({ malformed: frames.length, encapsulated: 1 }, frames.length + 1),
      );
    });
  });
});

/**
 * Writes frames on veth0 of namespace `name` (AF_PACKET, so they pass tc egress) and returns,
 * as hex, the frames from our MAC that arrive on its peer veth1.
 */
function sendThroughVeth(name: string, frames: readonly Uint8Array[]): string[] {
  const script = `
import select, socket, sys
frames = [bytes.fromhex(h) for h in sys.argv[1:]]
rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
rx.bind(("veth1", 0))
tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
tx.bind(("veth0", 0))
for frame in frames:
    tx.send(frame)
received = []
while len(received) < len(frames):
    ready, _, _ = select.select([rx], [], [], 2)
    if not ready:
        break
    data = rx.recv(65535)
    if data[6:12] == bytes.fromhex("020000000001"):
        received.append(data.hex())
print(" ".join(received))
`;
  const output = execFileSync(
    'ip',
    [
      'netns',
      'exec',
      name,
      'python3',
      '-c',
      script,
      ...frames.map((f) => Buffer.from(f).toString('hex')),
    ],
    { encoding: 'utf8' },
  );
  return output
    .trim()
    .split(' ')
    .filter((hex) => hex.length > 0);
}
