/**
 * Reading what the tc program produced: the Ethernet header, the outer IPv6 header, the SRH
 * (RFC 8754) when there is one, and the inner packet. Pure; throws when the frame is not an
 * SRv6 encapsulation at all, so a test never asserts on garbage.
 */
import { formatIpv6Address } from '../../src/ipv6-address.js';

const ETHERNET_HEADER_LENGTH = 14;
const IPV6_HEADER_LENGTH = 40;
const SRH_FIXED_LENGTH = 8;
const NEXT_HEADER_ROUTING = 43;
const NEXT_HEADER_IPV6 = 41;

export interface Ipv6HeaderFields {
  version: number;
  trafficClass: number;
  flowLabel: number;
  payloadLength: number;
  nextHeader: number;
  hopLimit: number;
  source: string;
  destination: string;
}

export interface SegmentRoutingHeader {
  nextHeader: number;
  hdrExtLen: number;
  routingType: number;
  segmentsLeft: number;
  lastEntry: number;
  flags: number;
  tag: number;
  /** As stored: segmentList[0] is the last segment of the path. */
  segmentList: string[];
  /** Bytes the SRH occupies: 8 + 8 * Hdr Ext Len. */
  length: number;
}

export interface Srv6Encapsulation {
  ethernet: Uint8Array;
  etherType: number;
  outer: Ipv6HeaderFields;
  /** Absent for H.Encaps.Red with one segment (outer Next Header 41). */
  srh?: SegmentRoutingHeader;
  /** Everything after the outer header and SRH: the packet the host sent. */
  inner: Uint8Array;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The fixed IPv6 header at `offset` of `bytes`. */
export function parseIpv6Header(bytes: Uint8Array, offset = 0): Ipv6HeaderFields {
  if (bytes.length < offset + IPV6_HEADER_LENGTH) {
    throw new Error(`parseIpv6Header: ${bytes.length - offset} bytes, need ${IPV6_HEADER_LENGTH}`);
  }
  const data = view(bytes);
  const first = data.getUint32(offset);
  return {
    version: first >>> 28,
    trafficClass: (first >>> 20) & 0xff,
    flowLabel: first & 0xfffff,
    payloadLength: data.getUint16(offset + 4),
    nextHeader: bytes[offset + 6]!,
    hopLimit: bytes[offset + 7]!,
    source: formatIpv6Address(bytes.subarray(offset + 8, offset + 24)),
    destination: formatIpv6Address(bytes.subarray(offset + 24, offset + 40)),
  };
}

function parseSrh(frame: Uint8Array, offset: number): SegmentRoutingHeader {
  if (frame.length < offset + SRH_FIXED_LENGTH) throw new Error('SRH truncated');
  const data = view(frame);
  const hdrExtLen = frame[offset + 1]!;
  const length = SRH_FIXED_LENGTH + 8 * hdrExtLen;
  if (frame.length < offset + length) throw new Error(`SRH of ${length} bytes truncated`);
  const lastEntry = frame[offset + 4]!;
  const segmentList = Array.from({ length: lastEntry + 1 }, (_, i) => {
    const start = offset + SRH_FIXED_LENGTH + 16 * i;
    if (start + 16 > offset + length)
      throw new Error(`SRH Last Entry ${lastEntry} past its length`);
    return formatIpv6Address(frame.subarray(start, start + 16));
  });
  return {
    nextHeader: frame[offset]!,
    hdrExtLen,
    routingType: frame[offset + 2]!,
    segmentsLeft: frame[offset + 3]!,
    lastEntry,
    flags: frame[offset + 5]!,
    tag: data.getUint16(offset + 6),
    segmentList,
    length,
  };
}

/** Parses an encapsulated frame; throws if the outer header carries neither an SRH nor IPv6. */
export function parseSrv6Encapsulation(frame: Uint8Array): Srv6Encapsulation {
  if (frame.length < ETHERNET_HEADER_LENGTH + IPV6_HEADER_LENGTH) {
    throw new Error(`parseSrv6Encapsulation: ${frame.length}-byte frame is too short`);
  }
  const outer = parseIpv6Header(frame, ETHERNET_HEADER_LENGTH);
  let offset = ETHERNET_HEADER_LENGTH + IPV6_HEADER_LENGTH;
  let srh: SegmentRoutingHeader | undefined;
  if (outer.nextHeader === NEXT_HEADER_ROUTING) {
    srh = parseSrh(frame, offset);
    offset += srh.length;
  } else if (outer.nextHeader !== NEXT_HEADER_IPV6) {
    throw new Error(
      `parseSrv6Encapsulation: outer Next Header ${outer.nextHeader} is neither 43 (SRH) nor 41`,
    );
  }
  return {
    ethernet: frame.slice(0, ETHERNET_HEADER_LENGTH),
    etherType: view(frame).getUint16(12),
    outer,
    srh,
    inner: frame.slice(offset),
  };
}

/**
 * The segment list in path order (first segment first) as an encapsulation of `mode` carries
 * it: H.Encaps (`srh`) holds the whole list in the SRH, reversed; H.Encaps.Red (`reduced`)
 * holds the first segment only in the outer destination and the others in the SRH (if any).
 */
export function segmentPath(encapsulation: Srv6Encapsulation, mode: 'srh' | 'reduced'): string[] {
  const fromSrh = encapsulation.srh ? [...encapsulation.srh.segmentList].reverse() : [];
  return mode === 'srh' ? fromSrh : [encapsulation.outer.destination, ...fromSrh];
}
