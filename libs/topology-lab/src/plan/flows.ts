/** Which real traffic proves an intent: from its first host to a host its match covers. */
import { parseIpv6Address, parseIpv6Prefix, prefixCovers } from '@srv6/datapath/pure';
import type { Intent, Topology } from '@srv6/schema';
import type { Flow } from '../lab-traffic.js';

/** Port used when an intent matches all ports. */
export const ALL_PORTS_PROBE = 9000;

export function flowFor(intent: Intent, topology: Topology): Flow | undefined {
  const from = intent.spec.hosts[0]!;
  const match = intent.spec.match;
  const destination = parseIpv6Prefix(match.destination);
  const to = (topology.spec.hosts ?? []).find(
    (host) =>
      host.name !== from &&
      prefixCovers(destination, { address: parseIpv6Address(host.address), length: 128 }),
  );
  if (!to) return undefined;
  const first = match.ports?.[0];
  const port =
    first === undefined
      ? ALL_PORTS_PROBE
      : typeof first === 'number'
        ? first
        : Number(first.split('-')[0]);
  return { from, to: to.name, protocol: match.protocol === 'tcp' ? 'tcp' : 'udp', port };
}

/** The same traffic on a port the intent does not match (it must keep the IGP path). */
export function unmatchedFlow(flow: Flow, intent: Intent): Flow | undefined {
  const ranges = (intent.spec.match.ports ?? []).map((entry) =>
    typeof entry === 'number' ? [entry, entry] : entry.split('-').map(Number),
  );
  if (ranges.length === 0) return undefined;
  for (let port = 40000; port < 65536; port++) {
    if (!ranges.some(([first, last]) => port >= first! && port <= last!)) return { ...flow, port };
  }
  return undefined;
}
