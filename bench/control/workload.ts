/**
 * The intent mix of the path benchmarks: random (host, destination) pairs on a generated
 * topology, one intent per pair and objective kind. Destinations are /64s inside the egresses'
 * /48s. `low-cost-max-delay` bounds the delay at 1.2 × the pair's lowest possible delay
 * (rounded up to a whole ms), so the bound bites for many pairs: the cheapest path is often
 * slower than that.
 */
import { buildGraph, dijkstra, type TopologyGraph } from '@srv6/path';
import type { Intent, Topology } from '@srv6/schema';
import type { GeneratedTopology } from './topology-generator.js';
import { Random } from './random.js';

export const KINDS = [
  'low-latency',
  'low-cost',
  'high-bandwidth',
  'low-packet-loss',
  'low-cost-max-delay',
  'avoid-tags',
] as const;
export type Kind = (typeof KINDS)[number];

export const KIND_DESCRIPTIONS: Readonly<Record<Kind, string>> = {
  'low-latency': 'objective low-latency',
  'low-cost': 'objective low-cost (sum of igpMetric)',
  'high-bandwidth': 'objective high-bandwidth (bottleneck search)',
  'low-packet-loss': 'objective low-packet-loss',
  'low-cost-max-delay': 'low-cost, constraints.maxDelayMs = ceil(1.2 × lowest delay)',
  'avoid-tags': 'low-latency, constraints.avoidTags [unencrypted, untrusted]',
};

export interface Pair {
  readonly host: string;
  /** Index into GeneratedTopology.egresses. */
  readonly egress: number;
  /** Ingress and egress node indexes in buildGraph(topology). */
  readonly source: number;
  readonly target: number;
  readonly destination: string;
}

export function randomPairs(generated: GeneratedTopology, count: number, seed: number): Pair[] {
  const random = new Random(seed);
  const graph = buildGraph(generated.topology);
  const attached = new Map(
    (generated.topology.spec.hosts ?? []).map((host) => [host.name, host.attachedTo]),
  );
  return Array.from({ length: count }, (_, i) => {
    const host = random.pick(generated.hosts);
    const egress = random.int(generated.egresses.length);
    const base = generated.egresses[egress]!.prefix48.replace('::/48', '');
    return {
      host,
      egress,
      source: graph.nodeIndex.get(attached.get(host)!)!,
      target: graph.nodeIndex.get(generated.egresses[egress]!.node)!,
      // A distinct /64 per pair (16 bits of subnet under the /48).
      destination: `${base}:${(i % 0x10000).toString(16)}::/64`,
    };
  });
}

/** Lowest possible delay per pair (plain Dijkstra on delayMs; ignores encodability). */
export function lowestDelays(graph: TopologyGraph, pairs: readonly Pair[]): number[] {
  const trees = new Map<number, Float64Array>();
  return pairs.map((pair) => {
    let distance = trees.get(pair.source);
    if (!distance) {
      distance = dijkstra(graph, pair.source, { weight: (edge) => edge.link.delayMs }).distance;
      trees.set(pair.source, distance);
    }
    return distance[pair.target]!;
  });
}

export function intentFor(
  name: string,
  kind: Kind,
  pair: Pair,
  lowestDelayMs: number,
  port: number,
): Intent {
  const base = (objective: Intent['spec']['objective']): Intent => ({
    apiVersion: 'srv6.intents/v1',
    kind: 'Intent',
    metadata: { name },
    spec: {
      hosts: [pair.host],
      match: { destination: pair.destination, protocol: 'udp', ports: [port] },
      objective,
      encapsulation: 'srh',
    },
  });
  switch (kind) {
    case 'low-latency':
    case 'low-cost':
    case 'high-bandwidth':
    case 'low-packet-loss':
      return base(kind);
    case 'low-cost-max-delay': {
      const intent = base('low-cost');
      intent.spec.constraints = { maxDelayMs: Math.ceil(1.2 * lowestDelayMs) };
      return intent;
    }
    case 'avoid-tags': {
      const intent = base('low-latency');
      intent.spec.constraints = { avoidTags: ['unencrypted', 'untrusted'] };
      return intent;
    }
  }
}

/** Topology with one link removed (by name). */
export function withoutLink(topology: Topology, linkName: string): Topology {
  return {
    ...topology,
    spec: {
      ...topology.spec,
      links: topology.spec.links.filter((link) => link.name !== linkName),
    },
  };
}
