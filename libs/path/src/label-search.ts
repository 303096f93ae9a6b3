/**
 * Exact best-path search by label setting (multi-criteria Dijkstra) on a layered graph.
 *
 * A label is a partial path ending at (node, layer, flag): `layer` counts the waypoints already
 * visited, `flag` whether a required edge was used. Labels leave a binary heap in lexicographic
 * order of the key (objective weights…, then hops, then the node/link/service name trail), so
 * the first complete label is optimal as long as every weight is non-negative.
 *
 * Pruning keeps the search exact:
 *   - no bounds: a label at a state beats every worse label there (plain Dijkstra, one label
 *     per state, O((V + E)·W log(V·W)) for W waypoints);
 *   - additive bounds (maxDelayMs…): Pareto dominance over key + bound values, plus a lower
 *     bound of the remaining distance per bounded figure (resource-constrained shortest path,
 *     exact, worst case exponential but small in practice);
 *   - `simple`: each leg between waypoints is a simple path (labels carry the leg's visited
 *     nodes; dominance additionally needs visited ⊆ visited). Needed when a flag makes the state
 *     space non-monotone (low-bandwidth) and for enumeration;
 *   - `enumerate`: no dominance at all, every simple-per-leg path in key order until `accept`
 *     takes one (the next-best paths when the best one needs too many segments), with a budget.
 *
 * Legs may share nodes: a stub router holding a firewall is reached and left over the same
 * neighbour. Within a leg a path never repeats a node (with non-negative weights, a cycle never
 * improves a label, so the dominant labels are simple already).
 */
import { BinaryHeap } from './binary-heap.js';
import { dijkstra } from './dijkstra.js';
import type { DirectedEdge, ServiceInstance, TopologyGraph } from './graph.js';
import { compareFigures, withinLimit, type EdgeWeight } from './metrics.js';
import type { Route, RouteStop } from './route.js';
import type { Waypoint } from './waypoints.js';

export interface Bound {
  readonly weight: EdgeWeight;
  /** Inclusive upper limit of the weight's sum along the path. */
  readonly limit: number;
}

export interface SearchProblem {
  readonly graph: TopologyGraph;
  readonly source: number;
  readonly target: number;
  readonly allowNode: (node: number) => boolean;
  readonly allowEdge: (edge: DirectedEdge) => boolean;
  readonly waypoints: readonly Waypoint[];
  /** Lexicographic objective of non-negative additive weights; hops is the implicit last one. */
  readonly key: readonly EdgeWeight[];
  readonly bounds: readonly Bound[];
  /** When set, the path must use at least one edge this accepts. */
  readonly requiredEdge?: (edge: DirectedEdge) => boolean;
}

export interface SearchOptions {
  /** Whether a complete path is a candidate (default: every path). */
  readonly accept?: (route: Route) => boolean;
  readonly simple?: boolean;
  readonly enumerate?: boolean;
  /** Largest number of labels expanded before giving up (default: no limit). */
  readonly budget?: number;
}

export type SearchResult =
  | { readonly found: true; readonly route: Route; readonly key: readonly number[] }
  | {
      readonly found: false;
      /** A best path existed but `accept` refused it (dominance mode stops there). */
      readonly rejected: boolean;
      /** The budget ran out. */
      readonly exhausted: boolean;
    };

interface Label {
  readonly node: number;
  readonly layer: number;
  readonly flag: number;
  /** [key…, hops, bound sums…] */
  readonly values: Float64Array;
  readonly parent: Label | undefined;
  readonly edge: DirectedEdge | undefined;
  readonly stop: ServiceInstance | undefined;
  /** Nodes of the current leg (simple mode only). */
  readonly visited: bigint;
  trail?: string[];
  dead?: boolean;
}

function trailOf(label: Label, graph: TopologyGraph): string[] {
  if (label.trail === undefined) {
    if (label.parent === undefined) label.trail = [graph.nodes[label.node]!.name];
    else if (label.edge !== undefined)
      label.trail = [
        ...trailOf(label.parent, graph),
        label.edge.link.name,
        graph.nodes[label.node]!.name,
      ];
    else label.trail = [...trailOf(label.parent, graph), label.stop?.name ?? ''];
  }
  return label.trail;
}

function compareTrails(x: readonly string[], y: readonly string[]): number {
  const length = Math.min(x.length, y.length);
  for (let i = 0; i < length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length;
}

const bit = (node: number): bigint => 1n << BigInt(node);

export function searchPath(problem: SearchProblem, options: SearchOptions = {}): SearchResult {
  const { graph, source, target, waypoints, key, bounds } = problem;
  const simple = options.simple === true || options.enumerate === true;
  const keyLength = key.length + 1; // + hops
  const flags = problem.requiredEdge ? 2 : 1;
  const nodeCount = graph.nodes.length;
  const lexicographic = !simple && bounds.length === 0;

  // Lower bounds of the remaining sum per bounded figure (ignores waypoints: still a bound).
  const remaining = bounds.map(
    (bound) =>
      dijkstra(graph, target, {
        weight: bound.weight,
        reverse: true,
        allowEdge: (edge) =>
          problem.allowEdge(edge) && problem.allowNode(edge.from) && problem.allowNode(edge.to),
      }).distance,
  );

  const compareKeys = (x: Label, y: Label): number => {
    for (let d = 0; d < keyLength; d++) {
      const order = compareFigures(x.values[d]!, y.values[d]!);
      if (order !== 0) return order;
    }
    return compareTrails(trailOf(x, graph), trailOf(y, graph));
  };
  const dominates = (x: Label, y: Label): boolean => {
    if (lexicographic) return compareKeys(x, y) <= 0;
    for (let d = 0; d < x.values.length; d++)
      if (compareFigures(x.values[d]!, y.values[d]!) > 0) return false;
    if (simple && (x.visited & ~y.visited) !== 0n) return false;
    return (
      x.values[keyLength - 1]! < y.values[keyLength - 1]! ||
      compareTrails(trailOf(x, graph), trailOf(y, graph)) <= 0
    );
  };

  const stateOf = (label: Label): number =>
    (label.layer * nodeCount + label.node) * flags + label.flag;
  const labelsAt = new Map<number, Label[]>();
  const heap = new BinaryHeap<Label>(compareKeys);
  const offer = (label: Label): void => {
    if (options.enumerate) {
      heap.push(label);
      return;
    }
    const state = stateOf(label);
    const present = labelsAt.get(state) ?? [];
    if (present.some((other) => dominates(other, label))) return;
    const kept = present.filter((other) => {
      const beaten = dominates(label, other);
      if (beaten) other.dead = true;
      return !beaten;
    });
    kept.push(label);
    labelsAt.set(state, kept);
    heap.push(label);
  };

  if (!problem.allowNode(source) || !problem.allowNode(target))
    return { found: false, rejected: false, exhausted: false };
  offer({
    node: source,
    layer: 0,
    flag: 0,
    values: new Float64Array(keyLength + bounds.length),
    parent: undefined,
    edge: undefined,
    stop: undefined,
    visited: simple ? bit(source) : 0n,
  });

  let expanded = 0;
  let rejected = false;
  for (let label = heap.pop(); label !== undefined; label = heap.pop()) {
    if (label.dead) continue;
    if (options.budget !== undefined && ++expanded > options.budget)
      return { found: false, rejected, exhausted: true };
    if (label.node === target && label.layer === waypoints.length && label.flag === flags - 1) {
      const route = routeOf(label);
      if (options.accept === undefined || options.accept(route))
        return { found: true, route, key: Array.from(label.values.subarray(0, keyLength)) };
      rejected = true;
      if (!options.enumerate) return { found: false, rejected, exhausted: false };
      continue;
    }
    const waypoint = waypoints[label.layer];
    if (waypoint !== undefined) {
      const layerUp = (stop: ServiceInstance | undefined): void =>
        offer({
          ...label!,
          layer: label!.layer + 1,
          parent: label,
          edge: undefined,
          stop,
          visited: simple ? bit(label!.node) : 0n,
          trail: undefined,
          dead: undefined,
        });
      if (waypoint.kind === 'node' && waypoint.node === label.node) layerUp(undefined);
      if (waypoint.kind === 'service')
        for (const instance of waypoint.instances)
          if (instance.node === label.node) layerUp(instance);
    }
    edges: for (const edge of graph.outgoing[label.node]!) {
      if (!problem.allowEdge(edge) || !problem.allowNode(edge.to)) continue;
      if (simple && (label.visited & bit(edge.to)) !== 0n) continue;
      const values = new Float64Array(label.values);
      key.forEach((weight, d) => (values[d] += weight(edge)));
      values[keyLength - 1] += 1;
      for (let b = 0; b < bounds.length; b++) {
        const total = (values[keyLength + b] += bounds[b]!.weight(edge));
        if (!withinLimit(total + remaining[b]![edge.to]!, bounds[b]!.limit)) continue edges;
      }
      offer({
        node: edge.to,
        layer: label.layer,
        flag: problem.requiredEdge?.(edge) ? 1 : label.flag,
        values,
        parent: label,
        edge,
        stop: undefined,
        visited: simple ? label.visited | bit(edge.to) : 0n,
      });
    }
  }
  return { found: false, rejected, exhausted: false };
}

function routeOf(goal: Label): Route {
  const nodes: number[] = [];
  const edges: DirectedEdge[] = [];
  const stops: Array<{ hops: number; service: ServiceInstance }> = [];
  for (let label: Label | undefined = goal; label !== undefined; label = label.parent) {
    if (label.edge !== undefined) edges.push(label.edge);
    if (label.parent === undefined || label.edge !== undefined) nodes.push(label.node);
    if (label.stop !== undefined) stops.push({ hops: edgeCount(label), service: label.stop });
  }
  nodes.reverse();
  edges.reverse();
  stops.reverse();
  const result: RouteStop[] = stops.map((stop) => ({ position: stop.hops, service: stop.service }));
  return { nodes, edges, stops: result };
}

function edgeCount(label: Label): number {
  let count = 0;
  for (let at: Label | undefined = label; at !== undefined; at = at.parent)
    if (at.edge !== undefined) count++;
  return count;
}
