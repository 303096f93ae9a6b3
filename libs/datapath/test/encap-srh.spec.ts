/**
 * H.Encaps (`srh`, RFC 8986 5.1) through the real tc program and BPF_PROG_TEST_RUN: for 1, 2
 * and 16 SIDs and TCP/UDP/ICMPv6 inner packets, every outer and SRH field, the Ethernet header,
 * the inner packet byte for byte, the verdict, srv6_stats and the policy's counters.
 */
import { parseIpv6Header } from './support/srv6-packet.js';
import { expectSrv6Encapsulation, OUTER_HOP_LIMIT } from './support/encapsulation-assertions.js';
import {
  ETHERNET_HEADER_LENGTH,
  icmpv6Frame,
  tcpFrame,
  udpFrame,
} from './support/packet-builder.js';
import {
  loadSrv6Program,
  onlyCounted,
  policy,
  sids,
  TC_ACT_OK,
  TC_ACT_SHOT,
  type Srv6Program,
} from './support/srv6-program.js';

const SOURCE = '2001:db8:a::10';
const SEGMENT_COUNTS = [1, 2, 16] as const;
const destinationOf = (n: number) => `2001:db8:${n.toString(16)}::1`;
const policies = SEGMENT_COUNTS.map((n) =>
  policy(`srh-${n}`, `2001:db8:${n.toString(16)}::/64`, sids(n, n), { source: SOURCE }),
);

describe('H.Encaps (srh) on the real program', () => {
  let program: Srv6Program;

  beforeAll(() => {
    program = loadSrv6Program();
    // Steers packets to the SIDs themselves: what an already encapsulated packet is addressed to.
    program.apply([...policies, policy('sid-space', 'fc00::/16', sids(0xff, 1))]);
  });
  afterAll(() => program?.remove());

  const innerPackets = {
    tcp: (n: number) =>
      tcpFrame(destinationOf(n), 443, { trafficClass: 0xb9, flowLabel: 0x12345, hopLimit: 7 }),
    udp: (n: number) => udpFrame(destinationOf(n), 4789, { trafficClass: 0x2e, flowLabel: 1 }),
    icmpv6: (n: number) => icmpv6Frame(destinationOf(n), { flowLabel: 0xfffff, hopLimit: 255 }),
  };

  describe.each(SEGMENT_COUNTS)('%i SID(s)', (n) => {
    it.each(Object.keys(innerPackets) as Array<keyof typeof innerPackets>)(
      '%s: outer IPv6 + SRH with every segment, inner untouched, counted',
      (kind) => {
        const frame = innerPackets[kind](n);
        const slot = program.slotOf(`srh-${n}`);
        const countersBefore = program.counters(slot);

        const { result, stats } = program.runCounting(frame);

        expect(result.returnValue).toBe(TC_ACT_OK);
        expect(result.output.length).toBe(frame.length + 40 + 8 + 16 * n);
        const parsed = expectSrv6Encapsulation(frame, result.output, {
          mode: 'srh',
          segments: sids(n, n),
          source: SOURCE,
        });
        expect(parsed.srh?.segmentsLeft).toBe(n - 1);
        expect(parsed.srh?.lastEntry).toBe(n - 1);
        expect(stats).toEqual(onlyCounted({ encapsulated: 1 }));
        // bytes = the frame as the host sent it, Ethernet header included (skb->len before).
        expect(program.counters(slot)).toEqual({
          packets: countersBefore.packets + 1n,
          bytes: countersBefore.bytes + BigInt(frame.length),
        });
      },
    );
  });

  it('copies Traffic Class (DSCP + ECN) and a non-zero Flow Label; hop limit 64 whatever the inner one', () => {
    for (const [trafficClass, flowLabel, hopLimit] of [
      [0xb9, 0x12345, 1],
      [0x00, 0xabcde, 64],
      [0xff, 0x00001, 255],
    ] as const) {
      const frame = tcpFrame(destinationOf(2), 80, { trafficClass, flowLabel, hopLimit });
      const outer = parseIpv6Header(program.run(frame).output, ETHERNET_HEADER_LENGTH);
      expect(outer).toMatchObject({
        version: 6,
        trafficClass,
        flowLabel,
        hopLimit: OUTER_HOP_LIMIT,
      });
    }
  });

  it('an inner Flow Label 0 gets a non-zero outer one, the same for every packet of the flow', () => {
    const flow = (sourcePort: number, payloadLength: number) =>
      udpFrame(destinationOf(2), 4789, {
        flowLabel: 0,
        trafficClass: 0x48,
        sourcePort,
        payloadLength,
      });
    const labelOf = (frame: Uint8Array) => {
      const output = program.run(frame).output;
      expectSrv6Encapsulation(frame, output, { mode: 'srh', segments: sids(2, 2), source: SOURCE });
      // The inner header keeps its 0.
      expect(parseIpv6Header(output, ETHERNET_HEADER_LENGTH + 40 + 8 + 32).flowLabel).toBe(0);
      return parseIpv6Header(output, ETHERNET_HEADER_LENGTH).flowLabel;
    };

    const first = labelOf(flow(40000, 16));
    expect(first).not.toBe(0);
    expect(first).toBeLessThanOrEqual(0xfffff);
    expect(labelOf(flow(40000, 16))).toBe(first);
    expect(labelOf(flow(40000, 400))).toBe(first); // same 5-tuple, other size
    expect(labelOf(flow(40001, 16))).not.toBe(first); // another flow (2^-20 chance of a tie)
  });

  it('counts every packet of a policy and nothing for other policies', () => {
    const slots = policies.map((p) => program.slotOf(p.id));
    const before = slots.map((slot) => program.counters(slot));
    const frames = [tcpFrame(destinationOf(16), 22), udpFrame(destinationOf(16), 53)];
    for (const frame of frames) expect(program.run(frame).returnValue).toBe(TC_ACT_OK);
    const after = slots.map((slot) => program.counters(slot));
    expect(after[0]).toEqual(before[0]);
    expect(after[1]).toEqual(before[1]);
    expect(after[2]).toEqual({
      packets: before[2]!.packets + 2n,
      bytes: before[2]!.bytes + BigInt(frames[0]!.length + frames[1]!.length),
    });
  });

  it('an skb already marked encapsulated is not grown again: dropped (encap_failed), never sent as is', () => {
    // BPF_PROG_TEST_RUN's repeat runs the program twice on the same skb: the second run sees the
    // first one's output (outer destination fc00:0:2::1, steered by sid-space), and
    // bpf_skb_adjust_room refuses to encapsulate an skb marked encapsulated.
    const frame = tcpFrame(destinationOf(2), 443);
    const slots = [program.slotOf('srh-2'), program.slotOf('sid-space')];
    const before = slots.map((slot) => program.counters(slot));
    const { result, stats } = program.runCounting(frame, { repeat: 2 });
    expect(result.returnValue).toBe(TC_ACT_SHOT);
    expectSrv6Encapsulation(frame, result.output, {
      mode: 'srh',
      segments: sids(2, 2),
      source: SOURCE,
    }); // the first run's work, not grown further
    expect(stats).toEqual(onlyCounted({ encapsulated: 1, encap_failed: 1 }, 2));
    expect(program.counters(slots[0]!).packets).toBe(before[0]!.packets + 1n);
    expect(program.counters(slots[1]!)).toEqual(before[1]); // failed: not counted
  });
});
