/**
 * What the routers' own routing does between two segments: shortest paths by igpMetric over the
 * whole topology (intent constraints do not change router forwarding), with ECMP detection.
 * Results are memoised, so an oracle belongs to one graph (one topology):
 *   - per directed edge, whether a node SID forces it: one byte each (2 bytes per link);
 *   - per source node, the distances and ECMP counts of its IGP tree: 9 bytes per node and
 *     tree, least recently used trees dropped beyond `maxTreeBytes` (default 64 MiB: every tree
 *     of a topology up to 2,700 nodes, 745 trees of a 10,000-node one). Dropping a tree only means
 *     computing it again; answers never depend on what is memoised.
 */
import { dijkstra } from './dijkstra.js';
import type { DirectedEdge, TopologyGraph } from './graph.js';

const igpWeight = (edge: DirectedEdge): number => edge.link.igpMetric;

/** Bytes of memoised IGP trees an oracle keeps by default. */
export const DEFAULT_MAX_TREE_BYTES = 64 * 1024 * 1024;

/** Shortest IGP distances from one source, with ECMP path counts. */
export interface IgpTree {
  readonly source: number;
  /** Distance per node; Infinity when unreachable. */
  readonly distance: Float64Array;
  /** Number of distinct shortest paths per node, capped at 2. */
  readonly pathCount: Uint8Array;
}

export interface IgpOracleOptions {
  /** Memory for memoised trees (9 bytes per node each); at least one tree is always kept. */
  readonly maxTreeBytes?: number;
}

const UNKNOWN = 0;
const FORCED = 1;
const NOT_FORCED = 2;

export class IgpOracle {
  /** Insertion order = use order (a hit moves the tree to the end): the first is the LRU. */
  private readonly trees = new Map<number, IgpTree>();
  private readonly maxTrees: number;
  /** Per directed edge: UNKNOWN, FORCED or NOT_FORCED. */
  private readonly forced: Uint8Array;

  constructor(
    readonly graph: TopologyGraph,
    options: IgpOracleOptions = {},
  ) {
    const treeBytes = 9 * Math.max(1, graph.nodes.length);
    this.maxTrees = Math.max(
      1,
      Math.floor((options.maxTreeBytes ?? DEFAULT_MAX_TREE_BYTES) / treeBytes),
    );
    this.forced = new Uint8Array(graph.edges.length);
  }

  /** Shortest-path tree (with ECMP counts) rooted at `source`. O((V + E) log V) once. */
  from(source: number): IgpTree {
    let tree = this.trees.get(source);
    if (tree !== undefined) {
      this.trees.delete(source);
    } else {
      const { distance, pathCount } = dijkstra(this.graph, source, {
        weight: igpWeight,
        equalCost: true,
      });
      tree = { source, distance, pathCount };
      if (this.trees.size >= this.maxTrees) this.trees.delete(this.trees.keys().next().value!);
    }
    this.trees.set(source, tree);
    return tree;
  }

  /** Trees memoised now (for tests and memory accounting). */
  get memoisedTrees(): number {
    return this.trees.size;
  }

  /**
   * True when the edge is the one and only IGP shortest path from its tail to its head, so the
   * head's node SID forces it. A bounded search (radius = the link metric) without the link
   * decides: any other way as short means a different or ambiguous route.
   */
  nodeSidForces(edge: DirectedEdge): boolean {
    const known = this.forced[edge.index]!;
    if (known !== UNKNOWN) return known === FORCED;
    const other = dijkstra(this.graph, edge.from, {
      weight: igpWeight,
      allowEdge: (candidate) => candidate.link !== edge.link,
      maxDistance: edge.link.igpMetric,
    });
    const answer = other.distance[edge.to]! > edge.link.igpMetric;
    this.forced[edge.index] = answer ? FORCED : NOT_FORCED;
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
