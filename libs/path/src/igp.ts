/**
 * What the routers' own routing does between two segments: shortest paths by igpMetric over the
 * whole topology (intent constraints do not change router forwarding), with ECMP detection.
 * Results are memoised per source, so an oracle belongs to one topology.
 */
import { dijkstra, type ShortestPaths } from './dijkstra.js';
import type { DirectedEdge, TopologyGraph } from './graph.js';

const igpWeight = (edge: DirectedEdge): number => edge.link.igpMetric;

export class IgpOracle {
  private readonly trees = new Map<number, ShortestPaths>();
  private readonly forced = new Map<number, boolean>();

  constructor(readonly graph: TopologyGraph) {}

  /** Shortest-path tree (with ECMP counts) rooted at `source`. O((V + E) log V) once. */
  from(source: number): ShortestPaths {
    let tree = this.trees.get(source);
    if (tree === undefined) {
      tree = dijkstra(this.graph, source, { weight: igpWeight, equalCost: true });
      this.trees.set(source, tree);
    }
    return tree;
  }

  /**
   * True when the edge is the one and only IGP shortest path from its tail to its head, so the
   * head's node SID forces it. A bounded search (radius = the link metric) without the link
   * decides: any other way as short means a different or ambiguous route.
   */
  nodeSidForces(edge: DirectedEdge): boolean {
    let answer = this.forced.get(edge.index);
    if (answer === undefined) {
      const other = dijkstra(this.graph, edge.from, {
        weight: igpWeight,
        allowEdge: (candidate) => candidate.link !== edge.link,
        maxDistance: edge.link.igpMetric,
      });
      answer = other.distance[edge.to]! > edge.link.igpMetric;
      this.forced.set(edge.index, answer);
    }
    return answer;
  }

  /**
   * An edge a segment list can make a packet take: forced by the head's node SID, or crossed
   * by an End.X SID owned by the tail. A path is encodable iff all its edges are (a sub-path of
   * a unique shortest path is itself the unique shortest path between its ends).
   */
  encodable(edge: DirectedEdge): boolean {
    return edge.adjSid !== undefined || this.nodeSidForces(edge);
  }
}
