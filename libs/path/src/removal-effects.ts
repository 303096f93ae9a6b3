/**
 * What removing links (and nodes) does to intents whose path does not cross them, through the
 * routers' IGP (see affected-intents.ts, points 3 and 4). Everything is computed on the topology
 * before the removal: its IGP trees memoised by the PreparedTopology, Dijkstra trees per
 * objective weight from the paths' ends, and a few exact node-SID checks on the one after.
 */
import type { ObjectiveType } from '@srv6/schema';
import { dijkstra } from './dijkstra.js';
import type { DirectedEdge, TopologyGraph } from './graph.js';
import { ADDITIVE_WEIGHTS, compareFigures, delayWeight, type EdgeWeight } from './metrics.js';
import type { PreparedTopology } from './prepare.js';

/** ObjectiveType, or 'weighted' for an `objectives` mix. */
export type ObjectiveKind = ObjectiveType | 'weighted';

/** A removed link with the IGP distances from both its ends. */
interface RemovedLink {
  readonly metric: number;
  readonly fromX: Float64Array;
  readonly fromY: Float64Array;
}

/** Whether a removed link lies on an IGP path from a to b of at most `cost`. */
function withinReach(removed: RemovedLink, a: number, b: number, cost: number): boolean {
  const { metric, fromX, fromY } = removed;
  const slack = cost + 1e-9 * Math.max(1, cost); // sums of igpMetric: exact, or a superset
  return fromX[a]! + metric + fromY[b]! <= slack || fromY[a]! + metric + fromX[b]! <= slack;
}

/** The same directed edge in another graph of the same nodes and links (by names). */
function counterpart(
  edge: DirectedEdge,
  from: TopologyGraph,
  to: TopologyGraph,
): DirectedEdge | undefined {
  const tail = to.nodeIndex.get(from.nodes[edge.from]!.name);
  const head = from.nodes[edge.to]!.name;
  if (tail === undefined) return undefined;
  return to.outgoing[tail]!.find(
    (candidate) => candidate.link.name === edge.link.name && to.nodes[candidate.to]!.name === head,
  );
}

export class RemovalEffects {
  private readonly removed: readonly RemovedLink[];
  /** Edges (of the graph before) not encodable before the removal and encodable after. */
  readonly newlyEncodable: readonly DirectedEdge[];
  private readonly newlySet: ReadonlySet<DirectedEdge>;
  private readonly removedNames: ReadonlySet<string>;
  private readonly trees = new Map<string, Float64Array>();

  constructor(
    private readonly before: PreparedTopology,
    private readonly after: () => PreparedTopology,
    removedLinks: readonly string[],
  ) {
    const { graph, igp } = before;
    this.removedNames = new Set(removedLinks);
    this.removed = removedLinks.map((name) => {
      const link = graph.linkByName.get(name)!;
      const edge = graph.edges.find((candidate) => candidate.link === link)!;
      return {
        metric: link.igpMetric,
        fromX: igp.from(edge.from).distance,
        fromY: igp.from(edge.to).distance,
      };
    });
    // An edge becomes forced only if a removed link was on another way at most as short.
    this.newlyEncodable = graph.edges.filter((edge) => {
      if (edge.adjSid !== undefined) return false; // encodable before and after
      const metric = edge.link.igpMetric;
      if (!this.removed.some((link) => withinReach(link, edge.from, edge.to, metric))) return false;
      if (igp.nodeSidForces(edge)) return false;
      const later = counterpart(edge, graph, after().graph);
      return later !== undefined && after().igp.nodeSidForces(later);
    });
    this.newlySet = new Set(this.newlyEncodable);
  }

  /** Node indexes of a path in the graph before; undefined if a node is unknown. */
  private indexes(path: readonly string[]): number[] | undefined {
    const nodes = path.map((name) => this.before.graph.nodeIndex.get(name));
    return nodes.some((node) => node === undefined) ? undefined : (nodes as number[]);
  }

  /**
   * Point 3: whether the routers' expansion between two nodes of the path changes, which is
   * all the segment list depends on: "the IGP shortest path from node i to node j is unique
   * and is the path's part i..j" (segment-list.ts), compared for every pair before and after.
   * Only pairs with a removed link on a shortest path before can change, so the trees of the
   * topology after are built for the paths that have such a pair only.
   */
  segmentsMayChange(path: readonly string[]): boolean {
    const nodes = this.indexes(path);
    const links = nodes && this.linksOf(nodes);
    if (nodes === undefined || links === undefined) return true;
    const metrics = links.map((parallel) => parallel.map((edge) => edge.link.igpMetric));
    // Parallel links of different metrics: which one the path takes is not known.
    if (metrics.some((values) => values.some((value) => value !== values[0]))) return true;
    const cost = [0];
    for (const values of metrics) cost.push(cost[cost.length - 1]! + values[0]!);
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < nodes.length - 1; i++) {
      const distance = this.before.igp.from(nodes[i]!).distance;
      for (let j = i + 1; j < nodes.length; j++) {
        const shortest = distance[nodes[j]!]!;
        if (this.removed.some((link) => withinReach(link, nodes[i]!, nodes[j]!, shortest)))
          pairs.push([i, j]);
      }
    }
    if (pairs.length === 0) return false;
    const after = this.after();
    const later = path.map((name) => after.graph.nodeIndex.get(name));
    if (later.some((node) => node === undefined)) return true;
    const follows = (prepared: PreparedTopology, at: readonly number[], i: number, j: number) => {
      const tree = prepared.igp.from(at[i]!);
      return tree.distance[at[j]!] === cost[j]! - cost[i]! && tree.pathCount[at[j]!] === 1;
    };
    return pairs.some(
      ([i, j]) => follows(this.before, nodes, i, j) !== follows(after, later as number[], i, j),
    );
  }

  /**
   * Point 4: whether a path over a newly encodable edge u→v could beat (or tie with) the
   * current path for this objective. The bounds ignore constraints and waypoints and use the
   * edges that stay and are encodable after the removal, so a real new path is never better
   * than its bound:
   *   additive: d(ingress, u) + w(u→v) + d(v, egress) below the current path's sum, or equal
   *     to it and the same bound on delay (the tie-break), over links whose w is not above that
   *     sum, not above the current delay;
   *   high-bandwidth, low-utilization (a bottleneck figure, then delay): a path over u→v whose
   *     links all have a better figure than the current bottleneck, or one with links at least
   *     as good and a delay bound not above the current delay.
   * Parallel links make the current figures ambiguous; the least favourable one is taken.
   */
  mayUseNewEdge(objective: ObjectiveKind | undefined, path: readonly string[]): boolean {
    if (this.newlyEncodable.length === 0) return false;
    const nodes = this.indexes(path);
    const links = nodes && this.linksOf(nodes);
    if (nodes === undefined || links === undefined || nodes.length === 0) return true;
    const ingress = nodes[0]!;
    const egress = nodes[nodes.length - 1]!;
    const delayOver = (name: string, allow: (edge: DirectedEdge) => boolean) =>
      this.bound(name, delayWeight, allow, ingress, egress);
    const sumOfWorst = (weight: EdgeWeight): number =>
      links.reduce((sum, parallel) => sum + Math.max(...parallel.map(weight)), 0);
    switch (objective) {
      case 'low-latency':
      case 'low-jitter':
      case 'low-packet-loss':
      case 'low-cost': {
        // The key is [weight, delay] (then hops): a tie on the weight needs the delay bound too.
        const weight = ADDITIVE_WEIGHTS[objective];
        const [current, delay] = [sumOfWorst(weight), sumOfWorst(delayWeight)];
        const bound = this.bound(objective, weight, () => true, ingress, egress);
        // A path whose sum is at most the current one has no link above it either.
        const atMost = (edge: DirectedEdge): boolean => compareFigures(weight(edge), current) <= 0;
        const delayBound = delayOver(`${objective}≤${current}`, atMost);
        return this.newlyEncodable.some((edge) => {
          const order = compareFigures(bound(edge), current);
          return order < 0 || (order === 0 && compareFigures(delayBound(edge), delay) <= 0);
        });
      }
      case 'high-bandwidth':
      case 'low-utilization': {
        // score: lower is better (-bandwidth, utilization); the path's is its worst link's.
        const score: EdgeWeight =
          objective === 'high-bandwidth'
            ? (edge) => -edge.link.bandwidthMbps
            : (edge) => edge.link.utilization;
        const current = Math.max(...links.map((parallel) => Math.max(...parallel.map(score))));
        const delay = sumOfWorst(delayWeight);
        const better = (edge: DirectedEdge): boolean => score(edge) < current;
        const asGood = (edge: DirectedEdge): boolean => compareFigures(score(edge), current) <= 0;
        const overBetter = delayOver(`${objective}<${current}`, better);
        const overAsGood = delayOver(`${objective}≤${current}`, asGood);
        return this.newlyEncodable.some(
          (edge) =>
            (better(edge) && Number.isFinite(overBetter(edge))) ||
            (asGood(edge) && compareFigures(overAsGood(edge), delay) <= 0),
        );
      }
      default:
        return true;
    }
  }

  /** The parallel links (directed edges) between consecutive nodes; undefined if one has none. */
  private linksOf(nodes: readonly number[]): DirectedEdge[][] | undefined {
    const links = nodes
      .slice(1)
      .map((node, i) => this.before.graph.outgoing[nodes[i]!]!.filter((edge) => edge.to === node));
    return links.some((parallel) => parallel.length === 0) ? undefined : links;
  }

  /** Edges that stay and are encodable after the removal: those before, and the new ones. */
  private encodableAfter(edge: DirectedEdge): boolean {
    if (this.removedNames.has(edge.link.name)) return false;
    return this.before.igp.encodable(edge) || this.newlySet.has(edge);
  }

  /**
   * d(ingress, u) + weight(u→v) + d(v, egress) over the edges encodable after the removal that
   * `allow` accepts, per edge u→v (links are symmetric: distances from the egress are distances
   * to it). Trees are built when first needed and memoised per `name` (weight and filter) and
   * node.
   */
  private bound(
    name: string,
    weight: EdgeWeight,
    allow: (edge: DirectedEdge) => boolean,
    ingress: number,
    egress: number,
  ): (edge: DirectedEdge) => number {
    const tree = (node: number): Float64Array => {
      const key = `${name}:${node}`;
      let distance = this.trees.get(key);
      if (distance === undefined) {
        distance = dijkstra(this.before.graph, node, {
          weight,
          allowEdge: (edge) => allow(edge) && this.encodableAfter(edge),
        }).distance;
        this.trees.set(key, distance);
      }
      return distance;
    };
    let ends: [Float64Array, Float64Array] | undefined; // built on the first question
    return (edge) => {
      const [fromIngress, fromEgress] = (ends ??= [tree(ingress), tree(egress)]);
      return fromIngress[edge.from]! + weight(edge) + fromEgress[edge.to]!;
    };
  }
}
