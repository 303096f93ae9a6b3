/**
 * The two ways srv6_egress writes the outer headers (bpf/lib/encap_writer.h): tail-calling
 * srv6_encap_write, which writes through the packet pointers (the normal way: the loader fills
 * srv6_encap_writers), and bpf_skb_store_bytes when the writer is missing. Both must give the
 * same bytes for every shape, and srv6_stats.headers_stored tells which one ran.
 */
import { BpfMap, encodeSlot } from '../src/index.js';
import { expectSrv6Encapsulation } from './support/encapsulation-assertions.js';
import { tcpFrame, udpFrame } from './support/packet-builder.js';
import {
  loadSrv6Program,
  onlyCounted,
  policy,
  sids,
  TC_ACT_OK,
  type Srv6Program,
} from './support/srv6-program.js';

const SOURCE = '2001:db8:a::30';
const SHAPES = [
  { n: 1, mode: 'srh' },
  { n: 2, mode: 'srh' },
  { n: 16, mode: 'srh' },
  { n: 1, mode: 'reduced' },
  { n: 2, mode: 'reduced' },
  { n: 16, mode: 'reduced' },
] as const;
const destinationOf = (i: number) => `2001:db8:${(0x70 + i).toString(16)}::5`;
const frames = (i: number) => [
  tcpFrame(destinationOf(i), 443, { trafficClass: 0xb8, flowLabel: 0xabcde }),
  udpFrame(destinationOf(i), 53, { flowLabel: 7 }),
];

describe('writing the outer headers: tail-called writer and helper fallback', () => {
  let program: Srv6Program;
  let writers: BpfMap;
  const viaWriter = new Map<string, Uint8Array>();

  beforeAll(() => {
    program = loadSrv6Program();
    program.apply(
      SHAPES.map(({ n, mode }, i) =>
        policy(`w-${i}`, `${destinationOf(i).replace(/::5$/, '::')}/64`, sids(0x70 + i, n), {
          encapsulation: mode,
          source: SOURCE,
        }),
      ),
    );
    writers = program.object.map('srv6_encap_writers');
  });
  afterAll(() => program?.remove());

  it('the loader puts the writer in srv6_encap_writers, and srv6_egress uses it', () => {
    expect(writers.lookup(encodeSlot(0))).toBeDefined();
    SHAPES.forEach(({ n, mode }, i) => {
      frames(i).forEach((frame, f) => {
        const { result, stats } = program.runCounting(frame);
        expect(result.returnValue).toBe(TC_ACT_OK);
        expectSrv6Encapsulation(frame, result.output, {
          mode,
          segments: sids(0x70 + i, n),
          source: SOURCE,
        });
        expect(stats).toEqual(onlyCounted({ encapsulated: 1 }));
        viaWriter.set(`${i}/${f}`, result.output);
      });
    });
  });

  it('without the writer the helper writes the same bytes, and headers_stored counts it', () => {
    writers.delete(encodeSlot(0));
    expect(writers.lookup(encodeSlot(0))).toBeUndefined();
    SHAPES.forEach((_, i) => {
      frames(i).forEach((frame, f) => {
        const { result, stats } = program.runCounting(frame);
        expect(result.returnValue).toBe(TC_ACT_OK);
        expect(stats).toEqual(onlyCounted({ encapsulated: 1, headers_stored: 1 }));
        expect(Buffer.from(result.output).equals(Buffer.from(viaWriter.get(`${i}/${f}`)!))).toBe(
          true,
        );
      });
    });
  });
});
