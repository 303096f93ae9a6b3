/** The pcap reader and the SRv6 frame parser on frames built here byte by byte. */
import { parseIpv6Address } from '@srv6/datapath/pure';
import { LINKTYPE_ETHERNET, parsePcap, parseSrv6Frame } from '../src/pure.js';

function ipv6Header(
  payloadLength: number,
  nextHeader: number,
  source: string,
  destination: string,
) {
  const header = Buffer.alloc(40);
  header[0] = 0x60;
  header.writeUInt16BE(payloadLength, 4);
  header[6] = nextHeader;
  header[7] = 64;
  Buffer.from(parseIpv6Address(source)).copy(header, 8);
  Buffer.from(parseIpv6Address(destination)).copy(header, 24);
  return header;
}

function srh(segmentsLeft: number, list: string[]): Buffer {
  const header = Buffer.alloc(8 + 16 * list.length);
  header[0] = 41;
  header[1] = 2 * list.length;
  header[2] = 4;
  header[3] = segmentsLeft;
  header[4] = list.length - 1;
  list.forEach((sid, i) => Buffer.from(parseIpv6Address(sid)).copy(header, 8 + 16 * i));
  return header;
}

const ethernet = (payload: Buffer): Buffer =>
  Buffer.concat([Buffer.alloc(12), Buffer.from([0x86, 0xdd]), payload]);

function pcap(frames: Buffer[], littleEndian = true): Buffer {
  const u32 = (value: number): Buffer => {
    const b = Buffer.alloc(4);
    if (littleEndian) b.writeUInt32LE(value);
    else b.writeUInt32BE(value);
    return b;
  };
  const header = Buffer.concat([u32(0xa1b2c3d4), Buffer.alloc(16), u32(LINKTYPE_ETHERNET)]);
  const records = frames.map((frame, i) =>
    Buffer.concat([u32(1000 + i), u32(5), u32(frame.length), u32(frame.length), frame]),
  );
  return Buffer.concat([header, ...records]);
}

const inner = Buffer.concat([
  ipv6Header(8, 17, '2001:db8:a::10', '2001:db8:b::10'),
  Buffer.alloc(8, 7),
]);
const list = ['fc00:0:6::d6', 'fc00:0:3::e36', 'fc00:0:3::f1']; // as stored: reversed path order
const encapsulated = ethernet(
  Buffer.concat([
    ipv6Header(8 + 48 + inner.length, 43, '2001:db8:a::10', 'fc00:0:3::f1'),
    srh(2, list),
    inner,
  ]),
);

describe('parsePcap', () => {
  it.each([true, false])('reads records in either byte order (little endian: %s)', (little) => {
    const file = parsePcap(pcap([encapsulated, inner], little));
    expect(file.linkType).toBe(LINKTYPE_ETHERNET);
    expect(file.records.map((r) => [r.seconds, r.data.length])).toEqual([
      [1000, encapsulated.length],
      [1001, inner.length],
    ]);
  });

  it('drops a record cut short, refuses what is not pcap', () => {
    const whole = pcap([encapsulated]);
    expect(parsePcap(whole.subarray(0, whole.length - 1)).records).toHaveLength(0);
    expect(() => parsePcap(Buffer.alloc(24))).toThrow(/unknown magic/);
    expect(() => parsePcap(Buffer.alloc(3))).toThrow(/shorter than its header/);
  });
});

describe('parseSrv6Frame', () => {
  it('reads the outer header, the SRH and the inner packet', () => {
    const packet = parseSrv6Frame(encapsulated)!;
    expect(packet.outer).toEqual({
      payloadLength: 8 + 48 + inner.length,
      nextHeader: 43,
      hopLimit: 64,
      source: '2001:db8:a::10',
      destination: 'fc00:0:3::f1',
    });
    expect(packet.srh).toEqual({
      nextHeader: 41,
      hdrExtLen: 6,
      routingType: 4,
      segmentsLeft: 2,
      lastEntry: 2,
      segmentList: list,
    });
    expect(packet.inner!.equals(inner)).toBe(true);
  });

  it('reads a reduced encapsulation without SRH, and leaves non-IPv6 frames alone', () => {
    const reduced = ethernet(
      Buffer.concat([ipv6Header(inner.length, 41, '2001:db8:a::10', 'fc00:0:6::d6'), inner]),
    );
    expect(parseSrv6Frame(reduced)).toMatchObject({ srh: undefined, inner });
    const ipv4 = Buffer.concat([Buffer.alloc(12), Buffer.from([0x08, 0x00]), Buffer.alloc(20)]);
    expect(parseSrv6Frame(ipv4)).toBeUndefined();
  });
});
