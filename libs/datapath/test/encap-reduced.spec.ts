/**
 * H.Encaps.Red (`reduced`, RFC 8986 5.2) through the real tc program: the first segment only in
 * the outer destination, the SRH holding the other n − 1 (Last Entry n − 2, Segments Left n − 1),
 * no SRH at all for one segment (outer Next Header 41, 40 bytes added).
 */
import { expectSrv6Encapsulation } from './support/encapsulation-assertions.js';
import { icmpv6Frame, tcpFrame, udpFrame } from './support/packet-builder.js';
import {
  loadSrv6Program,
  onlyCounted,
  policy,
  sids,
  TC_ACT_OK,
  type Srv6Program,
} from './support/srv6-program.js';

const SOURCE = '2001:db8:a::20';
const destinationOf = (n: number) => `2001:db8:${n.toString(16)}::7`;

/** n, bytes added, outer Next Header, SRH fields (undefined = no SRH). */
const CASES = [
  { n: 1, added: 40, outerNextHeader: 41, srh: undefined },
  { n: 2, added: 40 + 8 + 16, outerNextHeader: 43, srh: { hdrExtLen: 2, lastEntry: 0 } },
  { n: 16, added: 40 + 8 + 16 * 15, outerNextHeader: 43, srh: { hdrExtLen: 30, lastEntry: 14 } },
] as const;

describe('H.Encaps.Red (reduced) on the real program', () => {
  let program: Srv6Program;

  beforeAll(() => {
    program = loadSrv6Program();
    program.apply(
      CASES.map(({ n }) =>
        policy(`reduced-${n}`, `2001:db8:${n.toString(16)}::/64`, sids(n, n), {
          encapsulation: 'reduced',
          source: SOURCE,
        }),
      ),
    );
  });
  afterAll(() => program?.remove());

  describe.each(CASES)('$n SID(s)', ({ n, added, outerNextHeader, srh }) => {
    it.each([
      ['tcp', () => tcpFrame(destinationOf(n), 5201, { trafficClass: 0x28, flowLabel: 0xbeef })],
      ['udp', () => udpFrame(destinationOf(n), 3478, { flowLabel: 0x54321, hopLimit: 3 })],
      ['icmpv6', () => icmpv6Frame(destinationOf(n), { trafficClass: 0x01, flowLabel: 7 })],
    ])('%s: first segment in the outer destination, the rest in the SRH', (_, build) => {
      const frame = build();
      const slot = program.slotOf(`reduced-${n}`);
      const countersBefore = program.counters(slot);

      const { result, stats } = program.runCounting(frame);

      expect(result.returnValue).toBe(TC_ACT_OK);
      expect(result.output.length).toBe(frame.length + added);
      const parsed = expectSrv6Encapsulation(frame, result.output, {
        mode: 'reduced',
        segments: sids(n, n),
        source: SOURCE,
      });
      expect(parsed.outer.nextHeader).toBe(outerNextHeader);
      expect(parsed.outer.destination).toBe(sids(n, n)[0]);
      if (srh === undefined) {
        expect(parsed.srh).toBeUndefined();
      } else {
        expect(parsed.srh).toMatchObject({ ...srh, segmentsLeft: n - 1, nextHeader: 41 });
        expect(parsed.srh?.segmentList).toHaveLength(n - 1);
        // The first segment lives only in the outer destination.
        expect(parsed.srh?.segmentList).not.toContain(sids(n, n)[0]);
      }
      expect(stats).toEqual(onlyCounted({ encapsulated: 1 }));
      expect(program.counters(slot)).toEqual({
        packets: countersBefore.packets + 1n,
        bytes: countersBefore.bytes + BigInt(frame.length),
      });
    });
  });
});
