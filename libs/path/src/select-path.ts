/**
 * The best candidate path for an objective: each objective becomes one or more exact searches
 * (label-search.ts) over the constrained graph. A candidate must also encode within
 * MAX_SEGMENTS SIDs; when the best path does not, the next-best paths are enumerated.
 *
 *  - additive (low-latency, low-jitter, low-packet-loss, low-cost): key [weight, delay, hops];
 *  - weighted `objectives`: each weight divided by its own constrained optimum, summed;
 *  - high-bandwidth: binary search for the largest bandwidth b such that a candidate uses only
 *    links ≥ b, then the best (delay, hops) path there; low-utilization likewise with the
 *    smallest highest utilization u; O(log L) searches for L distinct link figures;
 *  - low-bandwidth: for b ascending, the best path over links ≥ b using a link of exactly b
 *    (the first b that works is the smallest bottleneck); simple legs, up to L searches.
 */
import type { ObjectiveType, WeightedObjective } from '@srv6/schema';
import type { DirectedEdge, TopologyGraph } from './graph.js';
import type { IgpOracle } from './igp.js';
import { searchPath, type Bound, type SearchProblem, type SearchResult } from './label-search.js';
import { ADDITIVE_WEIGHTS, delayWeight, sumOf, type EdgeWeight } from './metrics.js';
import type { Route } from './route.js';
import { encodeWithinLimit } from './segment-list.js';
import { searchBySegments } from './segment-search.js';
import type { Waypoint } from './waypoints.js';

/** Labels expanded while looking for a next-best path that fits in MAX_SEGMENTS. */
export const ENUMERATION_BUDGET = 200_000;

export type Objective =
  | { readonly kind: 'single'; readonly type: ObjectiveType }
  | { readonly kind: 'weighted'; readonly parts: readonly WeightedObjective[] };

export interface PathQuery {
  readonly graph: TopologyGraph;
  readonly igp: IgpOracle;
  readonly source: number;
  readonly target: number;
  readonly allowNode: (node: number) => boolean;
  readonly allowEdge: (edge: DirectedEdge) => boolean;
  readonly waypoints: readonly Waypoint[];
  readonly bounds: readonly Bound[];
}

export type Selection =
  | { readonly ok: true; readonly route: Route; readonly segments: readonly string[] }
  /**
   * `tooManySegments`: candidates existed but none encodes within MAX_SEGMENTS;
   * `searchExhausted`: that was only seen as far as the enumeration budget reached.
   */
  | { readonly ok: false; readonly tooManySegments: boolean; readonly searchExhausted?: boolean };

/** Best path of `key` among paths that encode within MAX_SEGMENTS. */
export function bestEncodable(
  query: PathQuery,
  key: readonly EdgeWeight[],
  extra: Partial<Pick<SearchProblem, 'allowEdge' | 'requiredEdge'>> & { simple?: boolean } = {},
): Selection {
  const { graph, igp } = query;
  const problem: SearchProblem = {
    ...query,
    key,
    allowEdge: extra.allowEdge ?? query.allowEdge,
    ...(extra.requiredEdge ? { requiredEdge: extra.requiredEdge } : {}),
  };
  let segments: readonly string[] = [];
  const accept = (route: Route): boolean => {
    const encoding = encodeWithinLimit(graph, igp, route);
    if (encoding.ok) segments = encoding.segments;
    return encoding.ok;
  };
  let result: SearchResult = searchPath(problem, { accept, simple: extra.simple === true });
  if (result.found) return { ok: true, route: result.route, segments };
  if (!result.rejected) return { ok: false, tooManySegments: false };
  // The best path needs too many segments. Without waypoints, bounds or a required edge, search
  // segment by segment: exact over every route a list within the limit produces, and
  // polynomial (segment-search.ts). Otherwise enumerate the next-best paths, within a budget.
  if (query.waypoints.length === 0 && query.bounds.length === 0 && !extra.requiredEdge) {
    const route = searchBySegments({ ...problem, igp, key });
    if (route !== undefined && accept(route)) return { ok: true, route, segments };
    return { ok: false, tooManySegments: true };
  }
  result = searchPath(problem, { accept, enumerate: true, budget: ENUMERATION_BUDGET });
  if (result.found) return { ok: true, route: result.route, segments };
  return { ok: false, tooManySegments: true, searchExhausted: result.exhausted };
}

export function selectPath(query: PathQuery, objective: Objective): Selection {
  if (objective.kind === 'weighted') return selectWeighted(query, objective.parts);
  switch (objective.type) {
    case 'low-latency':
      return bestEncodable(query, [delayWeight]);
    case 'low-jitter':
    case 'low-packet-loss':
    case 'low-cost':
      return bestEncodable(query, [ADDITIVE_WEIGHTS[objective.type], delayWeight]);
    case 'high-bandwidth':
      return selectByThreshold(query, (edge) => -edge.link.bandwidthMbps);
    case 'low-utilization':
      return selectByThreshold(query, (edge) => edge.link.utilization);
    case 'low-bandwidth':
      return selectLowBandwidth(query);
  }
}

/**
 * Each additive figure is normalised by its best value for this intent (same constraints), so
 * weights compare like with like. A best value of 0 (or a 100 % loss) normalises by 1: the
 * figure then counts in its own unit instead of dividing by zero.
 */
function selectWeighted(query: PathQuery, parts: readonly WeightedObjective[]): Selection {
  const normalised: Array<{ weight: EdgeWeight; factor: number }> = [];
  for (const part of parts) {
    const weight = ADDITIVE_WEIGHTS[part.type];
    const best = bestEncodable(query, [weight, delayWeight]);
    if (!best.ok) return best;
    const optimum = sumOf(best.route, weight);
    const scale = optimum > 0 && Number.isFinite(optimum) ? optimum : 1;
    normalised.push({ weight, factor: part.weight / scale });
  }
  const mixed: EdgeWeight = (edge) =>
    normalised.reduce((total, { weight, factor }) => total + factor * weight(edge), 0);
  return bestEncodable(query, [mixed, delayWeight]);
}

/**
 * Minimises the largest `cost` of a link on the path (a bottleneck objective): the smallest
 * threshold t such that a candidate uses only links with cost ≤ t, by binary search over the
 * distinct costs (feasibility only grows with t); then lowest delay, fewest hops there.
 */
function selectByThreshold(query: PathQuery, cost: (edge: DirectedEdge) => number): Selection {
  const thresholds = [...new Set(query.graph.edges.filter(query.allowEdge).map(cost))].sort(
    (x, y) => x - y,
  );
  const attempt = (threshold: number): Selection =>
    bestEncodable(query, [delayWeight], {
      allowEdge: (edge) => cost(edge) <= threshold && query.allowEdge(edge),
    });
  if (thresholds.length === 0) return attempt(Infinity); // a path without links, if any
  let best = attempt(thresholds[thresholds.length - 1]!);
  if (!best.ok) return best;
  let low = 0;
  let high = thresholds.length - 1; // feasible at `high`
  while (low < high) {
    const middle = (low + high) >> 1;
    const selection = attempt(thresholds[middle]!);
    if (selection.ok) {
      best = selection;
      high = middle;
    } else low = middle + 1;
  }
  return best; // the selection at thresholds[high]
}

/** The smallest bottleneck that meets the (already applied) minBandwidthMbps filter. */
function selectLowBandwidth(query: PathQuery): Selection {
  const bandwidths = [
    ...new Set(query.graph.edges.filter(query.allowEdge).map((edge) => edge.link.bandwidthMbps)),
  ].sort((x, y) => x - y);
  let tooManySegments = false;
  let searchExhausted = false;
  for (const bandwidth of bandwidths) {
    const selection = bestEncodable(query, [delayWeight], {
      allowEdge: (edge) => edge.link.bandwidthMbps >= bandwidth && query.allowEdge(edge),
      requiredEdge: (edge) => edge.link.bandwidthMbps === bandwidth,
      simple: true,
    });
    if (selection.ok) return selection;
    tooManySegments ||= selection.tooManySegments;
    searchExhausted ||= selection.searchExhausted === true;
  }
  // No link at all can also be a path (ingress = egress).
  const direct = bestEncodable(query, [delayWeight]);
  if (direct.ok && direct.route.edges.length === 0) return direct;
  return { ok: false, tooManySegments, searchExhausted };
}
