/**
 * Single-source shortest paths on a binary heap over an additive, non-negative edge weight,
 * restricted to the edges a filter allows. O((V + E) log V).
 */
import { BinaryHeap } from './binary-heap.js';
import type { DirectedEdge, TopologyGraph } from './graph.js';

export interface DijkstraOptions {
  readonly weight: (edge: DirectedEdge) => number;
  /** Edges the search may use (default: all). */
  readonly allowEdge?: (edge: DirectedEdge) => boolean;
  /** Stop once every node closer than this is settled (nodes further away stay Infinity). */
  readonly maxDistance?: number;
  /**
   * Keep every equal-cost predecessor edge and count shortest paths (saturating at 2, which is
   * all ECMP detection needs). Counting assumes strictly positive weights (IGP metrics ≥ 1).
   */
  readonly equalCost?: boolean;
  /** Follow edges backwards: distances TO `source` instead of from it. */
  readonly reverse?: boolean;
}

export interface ShortestPaths {
  readonly source: number;
  /** Distance per node; Infinity when unreachable. */
  readonly distance: Float64Array;
  /** Number of distinct shortest paths per node, capped at 2 (only with `equalCost`). */
  readonly pathCount: Uint8Array;
  /** Every equal-cost last edge into each node (only with `equalCost`; else the one kept). */
  readonly predecessors: readonly (readonly DirectedEdge[])[];
}

export function dijkstra(
  graph: TopologyGraph,
  source: number,
  options: DijkstraOptions,
): ShortestPaths {
  const count = graph.nodes.length;
  const distance = new Float64Array(count).fill(Infinity);
  const pathCount = new Uint8Array(count);
  const predecessors: DirectedEdge[][] = graph.nodes.map(() => []);
  const settled = new Uint8Array(count);
  const limit = options.maxDistance ?? Infinity;
  const adjacency = options.reverse ? graph.incoming : graph.outgoing;
  const heap = new BinaryHeap<{ node: number; distance: number }>(
    (x, y) => x.distance - y.distance,
  );
  distance[source] = 0;
  pathCount[source] = 1;
  heap.push({ node: source, distance: 0 });
  for (let entry = heap.pop(); entry !== undefined; entry = heap.pop()) {
    const { node } = entry;
    if (settled[node] || entry.distance > distance[node]!) continue;
    if (entry.distance > limit) break;
    settled[node] = 1;
    for (const edge of adjacency[node]!) {
      if (options.allowEdge && !options.allowEdge(edge)) continue;
      const next = options.reverse ? edge.from : edge.to;
      if (settled[next]) continue;
      const candidate = entry.distance + options.weight(edge);
      if (candidate < distance[next]!) {
        distance[next] = candidate;
        pathCount[next] = pathCount[node]!;
        predecessors[next] = [edge];
        heap.push({ node: next, distance: candidate });
      } else if (options.equalCost && candidate === distance[next]) {
        pathCount[next] = Math.min(2, pathCount[next]! + pathCount[node]!);
        predecessors[next]!.push(edge);
      }
    }
  }
  if (limit !== Infinity) {
    for (let node = 0; node < count; node++) if (distance[node]! > limit) distance[node] = Infinity;
  }
  return { source, distance, pathCount, predecessors };
}
