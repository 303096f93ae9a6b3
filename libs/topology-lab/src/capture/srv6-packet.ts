/**
 * Pure: an Ethernet frame read as IPv6, optionally with a Segment Routing Header (RFC 8754) and
 * an inner IPv6 packet — the fields a check of the wire format needs.
 */
import { formatIpv6Address } from '@srv6/datapath/pure';

export const ETHERTYPE_IPV6 = 0x86dd;
export const IPV6_HEADER_LENGTH = 40;
export const NEXT_HEADER_ROUTING = 43;
export const NEXT_HEADER_IPV6 = 41;
export const NEXT_HEADER_UDP = 17;
export const ROUTING_TYPE_SRH = 4;

export interface Ipv6Header {
  readonly payloadLength: number;
  readonly nextHeader: number;
  readonly hopLimit: number;
  readonly source: string;
  readonly destination: string;
}

export interface SegmentRoutingHeader {
  readonly nextHeader: number;
  readonly hdrExtLen: number;
  readonly routingType: number;
  readonly segmentsLeft: number;
  readonly lastEntry: number;
  /** As stored: Segment List[0] is the last segment of the path. */
  readonly segmentList: readonly string[];
}

export interface Srv6Packet {
  readonly outer: Ipv6Header;
  readonly srh?: SegmentRoutingHeader;
  /** The encapsulated packet, byte for byte (when the outer next header chain ends in 41). */
  readonly inner?: Buffer;
}

export function parseIpv6Header(packet: Buffer): Ipv6Header {
  if (packet.length < IPV6_HEADER_LENGTH || packet[0]! >> 4 !== 6)
    throw new Error('not an IPv6 packet');
  return {
    payloadLength: packet.readUInt16BE(4),
    nextHeader: packet[6]!,
    hopLimit: packet[7]!,
    source: formatIpv6Address(packet.subarray(8, 24)),
    destination: formatIpv6Address(packet.subarray(24, 40)),
  };
}

/** Reads an Ethernet frame; undefined when it is not IPv6. */
export function parseSrv6Frame(frame: Buffer): Srv6Packet | undefined {
  if (frame.length < 14 || frame.readUInt16BE(12) !== ETHERTYPE_IPV6) return undefined;
  const packet = frame.subarray(14);
  const outer = parseIpv6Header(packet);
  let offset = IPV6_HEADER_LENGTH;
  let srh: SegmentRoutingHeader | undefined;
  let next = outer.nextHeader;
  if (next === NEXT_HEADER_ROUTING) {
    const hdrExtLen = packet[offset + 1]!;
    const length = 8 + hdrExtLen * 8;
    const segments: string[] = [];
    for (let at = offset + 8; at + 16 <= offset + length; at += 16)
      segments.push(formatIpv6Address(packet.subarray(at, at + 16)));
    srh = {
      nextHeader: packet[offset]!,
      hdrExtLen,
      routingType: packet[offset + 2]!,
      segmentsLeft: packet[offset + 3]!,
      lastEntry: packet[offset + 4]!,
      segmentList: segments,
    };
    next = srh.nextHeader;
    offset += length;
  }
  const inner = next === NEXT_HEADER_IPV6 ? packet.subarray(offset) : undefined;
  return { outer, srh, inner };
}
