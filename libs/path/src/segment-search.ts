/**
 * The best route a segment list of at most `maxSegments` SIDs can make a packet take, searched
 * segment by segment (SPEC: Segment routing semantics) instead of link by link.
 *
 * label-search.ts finds the best path and, when it needs too many segments, enumerates the
 * next-best paths until one fits. On a large topology the paths better than the first that
 * fits can be more than any budget allows (on 1,000 nodes: 200,000 labels, ~4 s, for an intent
 * whose low-latency path needs 2 segments). Here a move is one segment instead, so the segment
 * limit is just the number of layers:
 *   - node SID of y: the unique IGP shortest path from the current node to y;
 *   - End.X SID of an edge x→z: the unique IGP shortest path to x (x may be the current node),
 *     then that edge;
 *   - the egress's decapSid, last: the unique IGP shortest path to the egress.
 * Every link and node on a move's expansion must pass the intent's filters. Layer k holds, per
 * node, the best key reached with k segments, kept only when no label with fewer or as many
 * segments is as good; Bellman-Ford over at most `maxSegments` layers, so the result is exact
 * over every route a list of that length produces. Such a route may pass a node twice (e.g.
 * out to a low-loss detour and back); a route is never worse for being simple, so it passes a
 * node twice only when no simple route as good fits the limit.
 *
 * Supports what the fallback needs: an additive lexicographic key (plus hops) and node/edge
 * filters. Waypoints, bounds and required edges stay with label-search.ts.
 * O(k·V·(V + X)) for k layers and X End.X SIDs, plus one IGP fan of O(E) per node reached.
 */
import { MAX_SEGMENTS } from '@srv6/datapath/pure';
import type { DirectedEdge, TopologyGraph } from './graph.js';
import type { SearchProblem } from './label-search.js';
import type { IgpOracle } from './igp.js';
import { dijkstra } from './dijkstra.js';
import { compareFigures } from './metrics.js';
import type { Route } from './route.js';

/** A link-by-link search problem without waypoints, bounds or required edges, plus the IGP. */
export type SegmentSearchProblem = Pick<
  SearchProblem,
  'graph' | 'source' | 'target' | 'allowNode' | 'allowEdge' | 'key'
> & {
  readonly igp: IgpOracle;
  /** Segments the list may hold, decapSid included (default MAX_SEGMENTS). */
  readonly maxSegments?: number;
};

/**
 * From one node: every node a single segment reaches over a unique IGP shortest path that
 * passes the filters, with the key sums along it and the last edge of it (to walk it back).
 */
interface Fan {
  readonly reachable: Uint8Array;
  /** dims figures per node: key sums…, hops. */
  readonly values: Float64Array;
  /** Edge index into the node along the path; -1 at the fan's own node. */
  readonly via: Int32Array;
}

interface Label {
  readonly values: Float64Array;
  readonly previous: number;
  /** The End.X edge of the move that reached this label, or undefined for a node SID move. */
  readonly adjacency: DirectedEdge | undefined;
}

function fanFrom(problem: SegmentSearchProblem, from: number, dims: number): Fan {
  const { graph, igp, key, allowNode, allowEdge } = problem;
  const count = graph.nodes.length;
  const tree = igp.from(from);
  const reachable = new Uint8Array(count);
  const values = new Float64Array(count * dims);
  const via = new Int32Array(count).fill(-1);
  if (!allowNode(from)) return { reachable, values, via };
  reachable[from] = 1;
  // A node with a single shortest path has exactly one incoming edge on it: its predecessor.
  const predecessor = new Int32Array(count).fill(-1);
  for (const edge of graph.edges)
    if (
      edge.to !== from &&
      tree.pathCount[edge.to] === 1 &&
      tree.distance[edge.from]! + edge.link.igpMetric === tree.distance[edge.to]!
    )
      predecessor[edge.to] = edge.index;
  // 0 = not yet decided, 1 = reachable, 2 = not: each node decided once, along its chain.
  const state = new Uint8Array(count);
  state[from] = 1;
  const chain: number[] = [];
  for (let node = 0; node < count; node++) {
    for (let at = node; state[at] === 0;) {
      chain.push(at);
      const edge = predecessor[at]! < 0 ? undefined : graph.edges[predecessor[at]!]!;
      if (edge === undefined) break;
      at = edge.from;
    }
    while (chain.length > 0) {
      const at = chain.pop()!;
      const edge = predecessor[at]! < 0 ? undefined : graph.edges[predecessor[at]!]!;
      if (edge === undefined || state[edge.from] !== 1 || !allowNode(at) || !allowEdge(edge)) {
        state[at] = 2;
        continue;
      }
      state[at] = 1;
      reachable[at] = 1;
      via[at] = edge.index;
      const here = at * dims;
      const before = edge.from * dims;
      key.forEach((weight, d) => (values[here + d] = values[before + d]! + weight(edge)));
      values[here + dims - 1] = values[before + dims - 1]! + 1;
    }
  }
  return { reachable, values, via };
}

function compareValues(x: Float64Array, y: Float64Array): number {
  for (let d = 0; d < x.length; d++) {
    const order = compareFigures(x[d]!, y[d]!);
    if (order !== 0) return order;
  }
  return 0;
}

/** The best route within the segment limit, or undefined when no list that short reaches. */
export function searchBySegments(problem: SegmentSearchProblem): Route | undefined {
  const { graph, source, target } = problem;
  const maxSegments = problem.maxSegments ?? MAX_SEGMENTS;
  const dims = problem.key.length + 1;
  const count = graph.nodes.length;
  if (graph.nodes[target]!.decapSid === undefined || maxSegments < 1) return undefined;
  const adjacencies = graph.edges.filter(
    (edge) => edge.adjSid !== undefined && problem.allowEdge(edge) && problem.allowNode(edge.to),
  );
  let final: { values: Float64Array; layer: number; previous: number } | undefined;
  // Each End.X edge's own figures (key…, 1 hop), computed once, grouped by the owning node.
  const adjacencyValues = new Float64Array(adjacencies.length * dims);
  const adjacenciesAt: number[][] = graph.nodes.map(() => []);
  adjacencies.forEach((edge, a) => {
    problem.key.forEach((weight, d) => (adjacencyValues[a * dims + d] = weight(edge)));
    adjacencyValues[a * dims + dims - 1] = 1;
    adjacenciesAt[edge.from]!.push(a);
  });
  // A lower bound of the first key figure from each node to the target (links the filters
  // allow): a label that cannot beat the best complete route even so is not extended.
  const remaining =
    problem.key.length === 0
      ? undefined
      : dijkstra(graph, target, {
          weight: problem.key[0]!,
          reverse: true,
          allowEdge: (edge) =>
            problem.allowEdge(edge) && problem.allowNode(edge.from) && problem.allowNode(edge.to),
        }).distance;
  const hopeless = (node: number, values: Float64Array): boolean =>
    final !== undefined &&
    remaining !== undefined &&
    compareFigures(values[0]! + remaining[node]!, final.values[0]!) > 0;
  const fans = new Map<number, Fan>();
  const fanOf = (node: number): Fan => {
    let fan = fans.get(node);
    if (fan === undefined) fans.set(node, (fan = fanFrom(problem, node, dims)));
    return fan;
  };

  // layers[k][node]: best label with exactly k segments; bestAny[node]: best with ≤ k.
  const layers: Array<Array<Label | undefined>> = [new Array<Label | undefined>(count)];
  const bestAny = new Array<Float64Array | undefined>(count);
  /** bestAny[node][0], for a quick first test (most candidates lose on the first figure). */
  const bestFirst = new Float64Array(count).fill(Infinity);
  layers[0]![source] = { values: new Float64Array(dims), previous: -1, adjacency: undefined };
  bestAny[source] = layers[0]![source]!.values;
  bestFirst[source] = 0;

  for (let k = 0; k < maxSegments; k++) {
    const next = new Array<Label | undefined>(count);
    const scratch = new Float64Array(dims);
    let offered = 0;
    /**
     * Keeps scratch (the label's values) at node when no label with ≤ k + 1 segments is as good
     * there, and when it is still better than the best complete route (weights are
     * non-negative: no extension of a worse label can win).
     */
    const offer = (node: number, previous: number, adjacency: DirectedEdge | undefined): void => {
      const known = bestAny[node];
      if (known !== undefined && compareValues(known, scratch) <= 0) return;
      if (final !== undefined && compareValues(final.values, scratch) <= 0) return;
      if (hopeless(node, scratch)) return;
      const values = scratch.slice();
      next[node] = { values, previous, adjacency };
      bestAny[node] = values;
      bestFirst[node] = values[0]!;
      offered++;
    };
    layers[k]!.forEach((label, from) => {
      if (label === undefined || hopeless(from, label.values)) return;
      const fan = fanOf(from);
      const start = label.values;
      const fanValues = fan.values;
      if (fan.reachable[target] === 1) {
        for (let d = 0; d < dims; d++) scratch[d] = start[d]! + fanValues[target * dims + d]!;
        if (final === undefined || compareValues(scratch, final.values) < 0)
          final = { values: scratch.slice(), layer: k, previous: from };
      }
      if (k + 2 > maxSegments) return; // no room for this move and the decapSid after it
      for (let node = 0; node < count; node++) {
        if (fan.reachable[node] !== 1) continue;
        const at = node * dims;
        if (node !== from && compareFigures(start[0]! + fanValues[at]!, bestFirst[node]!) <= 0) {
          for (let d = 0; d < dims; d++) scratch[d] = start[d]! + fanValues[at + d]!;
          offer(node, from, undefined);
        }
        for (const a of adjacenciesAt[node]!) {
          const edge = adjacencies[a]!;
          const first = start[0]! + fanValues[at]! + adjacencyValues[a * dims]!;
          if (compareFigures(first, bestFirst[edge.to]!) > 0) continue;
          for (let d = 0; d < dims; d++)
            scratch[d] = start[d]! + fanValues[at + d]! + adjacencyValues[a * dims + d]!;
          offer(edge.to, from, edge);
        }
      }
    });
    layers.push(next);
    if (offered === 0) break; // nothing new to extend: more segments cannot help
  }
  if (final === undefined) return undefined;
  return routeOf(graph, fanOf, layers, final.layer, final.previous, target);
}

/** The links of the moves back from the decapSid to the source, in path order. */
function routeOf(
  graph: TopologyGraph,
  fanOf: (node: number) => Fan,
  layers: ReadonlyArray<ReadonlyArray<Label | undefined>>,
  layer: number,
  previous: number,
  target: number,
): Route {
  const backwards: DirectedEdge[] = [];
  const walk = (from: number, to: number): void => {
    const fan = fanOf(from);
    for (let node = to; node !== from;) {
      const edge = graph.edges[fan.via[node]!]!;
      backwards.push(edge);
      node = edge.from;
    }
  };
  walk(previous, target);
  for (let k = layer, node = previous; k > 0; k--) {
    const label = layers[k]![node]!;
    if (label.adjacency !== undefined) {
      backwards.push(label.adjacency);
      walk(label.previous, label.adjacency.from);
    } else walk(label.previous, node);
    node = label.previous;
  }
  const edges = backwards.reverse();
  const start = edges.length === 0 ? target : edges[0]!.from;
  return { nodes: [start, ...edges.map((edge) => edge.to)], edges, stops: [] };
}
