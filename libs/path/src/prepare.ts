/**
 * Per-topology state of path computation, built once and shared by every computation on that
 * topology: the indexed graph, the IGP oracle with its memoised trees and per-edge answers, the
 * host attachments and the parsed egress prefixes.
 *
 * A PreparedTopology is a snapshot: it copies what it needs out of the Topology and keeps no
 * reference to it, so changing (or mutating) the topology afterwards never changes what the
 * prepared one computes; a changed topology needs a new prepareTopology(). Memory: the graph
 * (a few hundred bytes per node and link) plus the oracle's memo, bounded by
 * IgpOracleOptions.maxTreeBytes (igp.ts). It lives as long as the caller holds it.
 */
import { parseIpv6Prefix, prefixCovers, type Ipv6Prefix } from '@srv6/datapath/pure';
import type { Topology } from '@srv6/schema';
import { buildGraph, type TopologyGraph } from './graph.js';
import { IgpOracle, type IgpOracleOptions } from './igp.js';

interface EgressPrefix {
  readonly node: string;
  readonly prefix: Ipv6Prefix;
}

export class PreparedTopology {
  readonly graph: TopologyGraph;
  readonly igp: IgpOracle;
  /** Host name → the node it is attached to. */
  private readonly attachments: ReadonlyMap<string, string>;
  /** Every node prefix, in topology order (nodes, then each node's prefixes). */
  private readonly prefixes: readonly EgressPrefix[];

  constructor(topology: Topology, options: IgpOracleOptions = {}) {
    this.graph = buildGraph(topology);
    this.igp = new IgpOracle(this.graph, options);
    this.attachments = new Map(
      (topology.spec.hosts ?? []).map((host) => [host.name, host.attachedTo]),
    );
    this.prefixes = topology.spec.nodes.flatMap((node) =>
      (node.prefixes ?? []).map((text) => ({ node: node.name, prefix: parseIpv6Prefix(text) })),
    );
  }

  /** The node a host is attached to; undefined for a host the topology does not have. */
  ingressOf(host: string): string | undefined {
    return this.attachments.get(host);
  }

  /** The node owning the longest prefix covering `destination` (the first one on a tie). */
  egressFor(destination: Ipv6Prefix): string | undefined {
    let best: EgressPrefix | undefined;
    for (const candidate of this.prefixes) {
      const longer = best === undefined || candidate.prefix.length > best.prefix.length;
      if (longer && prefixCovers(candidate.prefix, destination)) best = candidate;
    }
    return best?.node;
  }
}

/** Builds the per-topology state once; pass the result to computePaths instead of the topology. */
export function prepareTopology(
  topology: Topology,
  options: IgpOracleOptions = {},
): PreparedTopology {
  return new PreparedTopology(topology, options);
}
