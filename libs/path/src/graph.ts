/**
 * An indexed view of a validated Topology: nodes by index, and every bidirectional link as two
 * directed edges carrying the link's figures. Path search and segment encoding work on indexes
 * only; names come back at the edges of the library.
 */
import type { Topology } from '@srv6/schema';

export interface GraphNode {
  readonly index: number;
  readonly name: string;
  /** End SID. */
  readonly sid: string;
  /** End.DT6 SID (present on nodes that own prefixes). */
  readonly decapSid: string | undefined;
  readonly tags: ReadonlySet<string>;
}

export interface GraphLink {
  readonly index: number;
  readonly name: string;
  readonly igpMetric: number;
  readonly delayMs: number;
  readonly jitterMs: number;
  readonly lossPercent: number;
  readonly bandwidthMbps: number;
  readonly utilization: number;
  readonly tags: ReadonlySet<string>;
  readonly flexAlgos: ReadonlySet<number>;
}

/** One direction of a link: `from` → `to`. */
export interface DirectedEdge {
  readonly index: number;
  readonly from: number;
  readonly to: number;
  readonly link: GraphLink;
  /** End.X SID owned by `from` that crosses this link towards `to`, if the topology has one. */
  readonly adjSid: string | undefined;
}

export interface ServiceInstance {
  readonly name: string;
  readonly type: string;
  readonly node: number;
  readonly sid: string;
}

export interface TopologyGraph {
  readonly nodes: readonly GraphNode[];
  readonly links: readonly GraphLink[];
  readonly edges: readonly DirectedEdge[];
  /** Edges leaving each node, ordered by neighbour name then link name (deterministic search). */
  readonly outgoing: readonly (readonly DirectedEdge[])[];
  /** Edges entering each node (for searches towards a target). */
  readonly incoming: readonly (readonly DirectedEdge[])[];
  readonly nodeIndex: ReadonlyMap<string, number>;
  readonly linkByName: ReadonlyMap<string, GraphLink>;
  readonly services: readonly ServiceInstance[];
  readonly serviceByName: ReadonlyMap<string, ServiceInstance>;
}

export function buildGraph(topology: Topology): TopologyGraph {
  const nodes: GraphNode[] = topology.spec.nodes.map((node, index) => ({
    index,
    name: node.name,
    sid: node.sid,
    decapSid: node.decapSid,
    tags: new Set(node.tags ?? []),
  }));
  const nodeIndex = new Map(nodes.map((node) => [node.name, node.index]));
  const indexOf = (name: string): number => {
    const index = nodeIndex.get(name);
    if (index === undefined)
      throw new Error(`unknown node '${name}' (validate the topology first)`);
    return index;
  };

  const links: GraphLink[] = [];
  const edges: DirectedEdge[] = [];
  topology.spec.links.forEach((spec, index) => {
    const link: GraphLink = {
      index,
      name: spec.name ?? `${spec.a}-${spec.b}`,
      igpMetric: spec.igpMetric,
      delayMs: spec.delayMs,
      jitterMs: spec.jitterMs ?? 0,
      lossPercent: spec.lossPercent ?? 0,
      bandwidthMbps: spec.bandwidthMbps,
      utilization: spec.utilization ?? 0,
      tags: new Set(spec.tags ?? []),
      flexAlgos: new Set(spec.flexAlgos ?? []),
    };
    links.push(link);
    const a = indexOf(spec.a);
    const b = indexOf(spec.b);
    edges.push(
      { index: edges.length, from: a, to: b, link, adjSid: spec.adjSids?.[spec.a] },
      { index: edges.length + 1, from: b, to: a, link, adjSid: spec.adjSids?.[spec.b] },
    );
  });

  const byNeighbour =
    (end: 'from' | 'to') =>
    (x: DirectedEdge, y: DirectedEdge): number =>
      compareText(nodes[x[end]]!.name, nodes[y[end]]!.name) ||
      compareText(x.link.name, y.link.name);
  const outgoing: DirectedEdge[][] = nodes.map(() => []);
  const incoming: DirectedEdge[][] = nodes.map(() => []);
  for (const edge of edges) {
    outgoing[edge.from]!.push(edge);
    incoming[edge.to]!.push(edge);
  }
  for (const list of outgoing) list.sort(byNeighbour('to'));
  for (const list of incoming) list.sort(byNeighbour('from'));

  const services: ServiceInstance[] = (topology.spec.services ?? [])
    .map((service) => ({
      name: service.name,
      type: service.type,
      node: indexOf(service.node),
      sid: service.sid,
    }))
    .sort((x, y) => compareText(x.name, y.name));

  return {
    nodes,
    links,
    edges,
    outgoing,
    incoming,
    nodeIndex,
    linkByName: new Map(links.map((link) => [link.name, link])),
    services,
    serviceByName: new Map(services.map((service) => [service.name, service])),
  };
}

/** Code-unit order, independent of the locale (names are ASCII). */
export function compareText(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
