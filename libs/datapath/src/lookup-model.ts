/**
 * What the kernel program decides for a packet, computed in TypeScript from compiled rule sets:
 * the executable specification of srv6_egress's lookup (the longest matching prefix — the
 * kernel finds it by exact match per prefix length, this by scanning every prefix — then the
 * port intervals of the packet's protocol class, then the class's all-ports slot). Tests
 * compare it with the SPEC's precedence and with the real program.
 */
import { NO_POLICY } from './datapath-limits.js';
import { CompiledPrefix } from './rule-set-compiler.js';
import { ProtocolClass } from './map-codec.js';
import { prefixCovers } from './ipv6-address.js';

export interface PacketSummary {
  readonly destination: Uint8Array;
  /** IPv6 upper-layer protocol number (6 tcp, 17 udp, 58 icmpv6, …). */
  readonly protocol: number;
  /** Destination port, undefined when not known (non-first fragment, not tcp/udp). */
  readonly port?: number;
}

export function protocolClassOf(protocol: number): ProtocolClass {
  if (protocol === 6) return 'tcp';
  if (protocol === 17) return 'udp';
  return 'other';
}

/** The slot the datapath would use, or NO_POLICY. */
export function lookupSlot(prefixes: Iterable<CompiledPrefix>, packet: PacketSummary): number {
  let best: CompiledPrefix | undefined;
  const host = { address: packet.destination, length: 128 };
  for (const candidate of prefixes) {
    if (prefixCovers(candidate.prefix, host)) {
      if (!best || candidate.prefix.length > best.prefix.length) best = candidate;
    }
  }
  if (!best) return NO_POLICY;
  const protocolClass = protocolClassOf(packet.protocol);
  if (protocolClass !== 'other' && packet.port !== undefined) {
    const port = packet.port;
    const hit = best.ruleSet.intervals[protocolClass].find(
      (interval) => interval.first <= port && port <= interval.last,
    );
    if (hit) return hit.slot;
  }
  return best.ruleSet.allPortsSlot[protocolClass];
}
