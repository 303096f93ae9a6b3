/**
 * Crafting test frames for the tc program: Ethernet + IPv6 with TCP, UDP, ICMPv6 or raw bytes,
 * optional extension headers (Hop-by-Hop, Destination Options, Routing, Fragment), plus IPv4,
 * ARP-like and truncated frames. Pure functions, no kernel.
 *
 * Lengths are correct (IPv6 Payload Length, UDP Length, Hdr Ext Len); checksums are fixed,
 * recognisable values (not computed): the program must leave them as they are, and the tests
 * compare the inner packet byte for byte.
 */
import { parseIpv6Address } from '../../src/ipv6-address.js';

export const ETHERNET_HEADER_LENGTH = 14;
export const IPV6_HEADER_LENGTH = 40;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;

/** IANA protocol numbers used as IPv6 Next Header values. */
export const NEXT_HEADER = {
  hopByHop: 0,
  tcp: 6,
  udp: 17,
  ipv6: 41,
  routing: 43,
  fragment: 44,
  esp: 50,
  icmpv6: 58,
  noNextHeader: 59,
  destinationOptions: 60,
} as const;

/** The fixed checksum every crafted TCP/UDP/ICMPv6 header carries (checked unchanged). */
export const FAKE_CHECKSUM = 0xc0de;

const SOURCE_MAC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
const DESTINATION_MAC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];

export type UpperLayer =
  | { kind: 'tcp'; sourcePort?: number; destinationPort: number; payloadLength?: number }
  | { kind: 'udp'; sourcePort?: number; destinationPort: number; payloadLength?: number }
  | { kind: 'icmpv6'; payloadLength?: number }
  /** Anything else, e.g. the payload of a non-first fragment: `protocol` is its Next Header. */
  | { kind: 'raw'; protocol: number; bytes: Uint8Array };

export type ExtensionHeader =
  /** `units`: Hdr Ext Len (8-octet units after the first 8); padded with a PadN option. */
  | { kind: 'hop-by-hop'; units?: number }
  | { kind: 'destination-options'; units?: number }
  /** An SRH-shaped Routing header (type 4) with `segments` zero entries, Segments Left 0. */
  | { kind: 'routing'; segments?: number }
  /** `offset` in 8-octet units; `more` = the M flag. */
  | { kind: 'fragment'; offset: number; more: boolean; identification: number };

export interface Ipv6PacketOptions {
  destination: string;
  source?: string;
  trafficClass?: number;
  flowLabel?: number;
  hopLimit?: number;
  extensionHeaders?: readonly ExtensionHeader[];
  upper: UpperLayer;
}

/** A deterministic, non-repeating-looking payload (so a shifted copy never compares equal). */
export function patternBytes(length: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 7 + seed * 13 + 1) & 0xff);
}

function nextHeaderOf(header: ExtensionHeader): number {
  switch (header.kind) {
    case 'hop-by-hop':
      return NEXT_HEADER.hopByHop;
    case 'destination-options':
      return NEXT_HEADER.destinationOptions;
    case 'routing':
      return NEXT_HEADER.routing;
    case 'fragment':
      return NEXT_HEADER.fragment;
  }
}

function protocolOf(upper: UpperLayer): number {
  switch (upper.kind) {
    case 'tcp':
      return NEXT_HEADER.tcp;
    case 'udp':
      return NEXT_HEADER.udp;
    case 'icmpv6':
      return NEXT_HEADER.icmpv6;
    case 'raw':
      return upper.protocol;
  }
}

function extensionHeaderBytes(header: ExtensionHeader, nextHeader: number): Uint8Array {
  if (header.kind === 'fragment') {
    const bytes = new Uint8Array(8);
    const view = new DataView(bytes.buffer);
    bytes[0] = nextHeader;
    view.setUint16(2, ((header.offset & 0x1fff) << 3) | (header.more ? 1 : 0));
    view.setUint32(4, header.identification >>> 0);
    return bytes;
  }
  if (header.kind === 'routing') {
    const segments = header.segments ?? 1;
    const bytes = new Uint8Array(8 + 16 * segments);
    bytes.set([nextHeader, 2 * segments, 4, 0, segments - 1, 0, 0, 0]);
    return bytes;
  }
  const units = header.units ?? 0;
  const bytes = new Uint8Array((units + 1) * 8);
  bytes[0] = nextHeader;
  bytes[1] = units;
  bytes[2] = 1; // PadN option covering the rest
  bytes[3] = bytes.length - 4;
  return bytes;
}

function upperLayerBytes(upper: UpperLayer): Uint8Array {
  switch (upper.kind) {
    case 'tcp': {
      const payload = patternBytes(upper.payloadLength ?? 32, 1);
      const bytes = new Uint8Array(20 + payload.length);
      const view = new DataView(bytes.buffer);
      view.setUint16(0, upper.sourcePort ?? 40000);
      view.setUint16(2, upper.destinationPort);
      view.setUint32(4, 0x01020304); // sequence number
      view.setUint32(8, 0x05060708); // acknowledgment number
      bytes[12] = 5 << 4; // data offset: 5 words
      bytes[13] = 0x18; // PSH, ACK
      view.setUint16(14, 64240); // window
      view.setUint16(16, FAKE_CHECKSUM);
      bytes.set(payload, 20);
      return bytes;
    }
    case 'udp': {
      const payload = patternBytes(upper.payloadLength ?? 32, 2);
      const bytes = new Uint8Array(8 + payload.length);
      const view = new DataView(bytes.buffer);
      view.setUint16(0, upper.sourcePort ?? 40000);
      view.setUint16(2, upper.destinationPort);
      view.setUint16(4, bytes.length);
      view.setUint16(6, FAKE_CHECKSUM);
      bytes.set(payload, 8);
      return bytes;
    }
    case 'icmpv6': {
      const payload = patternBytes(upper.payloadLength ?? 32, 3);
      const bytes = new Uint8Array(8 + payload.length);
      const view = new DataView(bytes.buffer);
      bytes[0] = 128; // Echo Request
      bytes[1] = 0;
      view.setUint16(2, FAKE_CHECKSUM);
      view.setUint16(4, 0x1234); // identifier
      view.setUint16(6, 1); // sequence number
      bytes.set(payload, 8);
      return bytes;
    }
    case 'raw':
      return upper.bytes.slice();
  }
}

/** An Ethernet frame around `payload` (MACs fixed, EtherType as given). */
export function ethernetFrame(etherType: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(ETHERNET_HEADER_LENGTH + payload.length);
  frame.set(DESTINATION_MAC, 0);
  frame.set(SOURCE_MAC, 6);
  new DataView(frame.buffer).setUint16(12, etherType);
  frame.set(payload, ETHERNET_HEADER_LENGTH);
  return frame;
}

/** The IPv6 packet alone (no Ethernet header). */
export function ipv6Packet(options: Ipv6PacketOptions): Uint8Array {
  const extensions = options.extensionHeaders ?? [];
  const upperProtocol = protocolOf(options.upper);
  const parts = extensions.map((header, index) =>
    extensionHeaderBytes(
      header,
      index + 1 < extensions.length ? nextHeaderOf(extensions[index + 1]!) : upperProtocol,
    ),
  );
  parts.push(upperLayerBytes(options.upper));
  const payloadLength = parts.reduce((sum, part) => sum + part.length, 0);

  const packet = new Uint8Array(IPV6_HEADER_LENGTH + payloadLength);
  const view = new DataView(packet.buffer);
  const trafficClass = options.trafficClass ?? 0;
  const flowLabel = options.flowLabel ?? 0;
  view.setUint32(0, ((6 << 28) | ((trafficClass & 0xff) << 20) | (flowLabel & 0xfffff)) >>> 0);
  view.setUint16(4, payloadLength);
  packet[6] = extensions.length > 0 ? nextHeaderOf(extensions[0]!) : upperProtocol;
  packet[7] = options.hopLimit ?? 64;
  packet.set(parseIpv6Address(options.source ?? '2001:db8:a::10'), 8);
  packet.set(parseIpv6Address(options.destination), 24);
  let offset = IPV6_HEADER_LENGTH;
  for (const part of parts) {
    packet.set(part, offset);
    offset += part.length;
  }
  return packet;
}

/** Ethernet + IPv6 frame. */
export function ipv6Frame(options: Ipv6PacketOptions): Uint8Array {
  return ethernetFrame(ETHERTYPE_IPV6, ipv6Packet(options));
}

/** Header fields of an IPv6 frame, and the transport's source port and payload size. */
export type TransportFrameOptions = Partial<Omit<Ipv6PacketOptions, 'destination' | 'upper'>> & {
  sourcePort?: number;
  payloadLength?: number;
};

export function tcpFrame(
  destination: string,
  destinationPort: number,
  options: TransportFrameOptions = {},
): Uint8Array {
  const { payloadLength, sourcePort, ...rest } = options;
  return ipv6Frame({
    ...rest,
    destination,
    upper: { kind: 'tcp', sourcePort, destinationPort, payloadLength },
  });
}

export function udpFrame(
  destination: string,
  destinationPort: number,
  options: TransportFrameOptions = {},
): Uint8Array {
  const { payloadLength, sourcePort, ...rest } = options;
  return ipv6Frame({
    ...rest,
    destination,
    upper: { kind: 'udp', sourcePort, destinationPort, payloadLength },
  });
}

export function icmpv6Frame(
  destination: string,
  options: Partial<Omit<Ipv6PacketOptions, 'destination' | 'upper'>> & {
    payloadLength?: number;
  } = {},
): Uint8Array {
  const { payloadLength, ...rest } = options;
  return ipv6Frame({ ...rest, destination, upper: { kind: 'icmpv6', payloadLength } });
}

/**
 * A UDP frame of exactly `frameLength` bytes (Ethernet header included): for MTU boundaries.
 */
export function udpFrameOfLength(
  destination: string,
  destinationPort: number,
  frameLength: number,
): Uint8Array {
  const headers = ETHERNET_HEADER_LENGTH + IPV6_HEADER_LENGTH + 8;
  if (frameLength < headers) throw new Error(`udpFrameOfLength: at least ${headers} bytes`);
  return udpFrame(destination, destinationPort, { payloadLength: frameLength - headers });
}

/** Ethernet + IPv4 + UDP (20-byte header, no options), header checksum left fixed. */
export function ipv4UdpFrame(destinationPort = 53, payloadLength = 16): Uint8Array {
  const packet = new Uint8Array(20 + 8 + payloadLength);
  const view = new DataView(packet.buffer);
  packet[0] = 0x45; // version 4, IHL 5
  view.setUint16(2, packet.length); // total length
  view.setUint16(4, 0x4242); // identification
  packet[8] = 64; // TTL
  packet[9] = NEXT_HEADER.udp;
  view.setUint16(10, FAKE_CHECKSUM);
  packet.set([192, 0, 2, 10], 12);
  packet.set([198, 51, 100, 20], 16);
  view.setUint16(20, 40000);
  view.setUint16(22, destinationPort);
  view.setUint16(24, 8 + payloadLength);
  view.setUint16(26, FAKE_CHECKSUM);
  packet.set(patternBytes(payloadLength, 4), 28);
  return ethernetFrame(ETHERTYPE_IPV4, packet);
}

/** An ARP request (Ethernet, IPv4), i.e. a non-IP frame. */
export function arpFrame(): Uint8Array {
  const arp = new Uint8Array(28);
  const view = new DataView(arp.buffer);
  view.setUint16(0, 1); // hardware type Ethernet
  view.setUint16(2, ETHERTYPE_IPV4);
  arp[4] = 6;
  arp[5] = 4;
  view.setUint16(6, 1); // request
  arp.set(SOURCE_MAC, 8);
  arp.set([192, 0, 2, 10], 14);
  arp.set([198, 51, 100, 20], 24);
  return ethernetFrame(ETHERTYPE_ARP, arp);
}

/** The first `length` bytes of a frame (IPv6 Payload Length left claiming the full packet). */
export function truncate(frame: Uint8Array, length: number): Uint8Array {
  if (length > frame.length) throw new Error(`truncate: ${length} > ${frame.length}`);
  return frame.slice(0, length);
}
