/**
 * The frame the test run feeds the program: Ethernet + IPv6 + TCP (ACK, PSH) with a payload.
 * Checksums are left 0: the program never reads or changes them.
 */
import { parseIpv6Address } from '@srv6/datapath';

export interface TcpFrameOptions {
  readonly source: string;
  readonly destination: string;
  readonly destinationPort: number;
  readonly payloadLength: number;
  /** Non-zero like the flow labels Linux TCP sockets set (net.ipv6.auto_flowlabels). */
  readonly flowLabel: number;
}

export const ETHERNET_HEADER_LENGTH = 14;
const IPV6_HEADER_LENGTH = 40;
const TCP_HEADER_LENGTH = 20;

export function tcpFrame(options: TcpFrameOptions): Uint8Array {
  const ipv6Length = IPV6_HEADER_LENGTH + TCP_HEADER_LENGTH + options.payloadLength;
  const frame = new Uint8Array(ETHERNET_HEADER_LENGTH + ipv6Length);
  const view = new DataView(frame.buffer);
  frame.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01], 0); // destination, source MAC
  view.setUint16(12, 0x86dd);

  const ip = ETHERNET_HEADER_LENGTH;
  view.setUint32(ip, ((6 << 28) | (options.flowLabel & 0xfffff)) >>> 0);
  view.setUint16(ip + 4, TCP_HEADER_LENGTH + options.payloadLength);
  frame[ip + 6] = 6; // TCP
  frame[ip + 7] = 64;
  frame.set(parseIpv6Address(options.source), ip + 8);
  frame.set(parseIpv6Address(options.destination), ip + 24);

  const tcp = ip + IPV6_HEADER_LENGTH;
  view.setUint16(tcp, 40000);
  view.setUint16(tcp + 2, options.destinationPort);
  view.setUint32(tcp + 4, 1);
  view.setUint32(tcp + 8, 1);
  frame[tcp + 12] = 5 << 4;
  frame[tcp + 13] = 0x18;
  view.setUint16(tcp + 14, 64240);
  for (let i = 0; i < options.payloadLength; i++) frame[tcp + TCP_HEADER_LENGTH + i] = i & 0xff;
  return frame;
}
