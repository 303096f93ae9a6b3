/**
 * Why an intent has no path, in words a user acts on. Constraints are added one at a time in
 * a fixed order (structural filters, waypoints, encodability, each bound alone, the bounds
 * together, the segment limit); the first one that leaves no path is the reason.
 */
import { MAX_SEGMENTS } from '@srv6/datapath/pure';
import { combineStages, type FilterStage, type NamedBound } from './constraints.js';
import type { TopologyGraph } from './graph.js';
import { searchPath, type SearchProblem } from './label-search.js';
import { ENUMERATION_BUDGET } from './select-path.js';
import { sumOf } from './metrics.js';
import type { Waypoint } from './waypoints.js';

export interface Diagnosis {
  readonly graph: TopologyGraph;
  readonly source: number;
  readonly target: number;
  /** The last stage is encodability (checked after the waypoints). */
  readonly stages: readonly FilterStage[];
  readonly waypoints: readonly Waypoint[];
  readonly bounds: readonly NamedBound[];
  readonly tooManySegments: boolean;
  /** The segment limit was only checked as far as the enumeration budget reached. */
  readonly searchExhausted?: boolean;
}

const tidy = (value: number): number => Math.round(value * 1e6) / 1e6;

export function unsatisfiableReason(diagnosis: Diagnosis): string {
  const { graph, source, target, stages, waypoints, bounds } = diagnosis;
  const from = graph.nodes[source]!.name;
  const to = graph.nodes[target]!.name;
  const problem = (
    stageCount: number,
    withWaypoints: boolean,
  ): Omit<SearchProblem, 'key' | 'bounds'> => ({
    graph,
    source,
    target,
    ...combineStages(stages.slice(0, stageCount)),
    waypoints: withWaypoints ? waypoints : [],
  });
  const exists = (stageCount: number, withWaypoints: boolean): boolean =>
    searchPath({ ...problem(stageCount, withWaypoints), key: [], bounds: [] }).found;

  if (!exists(0, false)) return `no path from ${from} to ${to}: they are not connected`;
  const encodability = stages.length - 1;
  for (let count = 1; count <= stages.length; count++) {
    const stage = stages[count - 1]!;
    if (count - 1 === encodability && waypoints.length > 0 && !exists(encodability, true)) {
      const names = waypoints.map((waypoint) => waypoint.label).join(' then ');
      return `no path from ${from} to ${to} visits ${names} in that order under the other constraints`;
    }
    for (const [role, node] of [
      ['ingress', source],
      ['egress', target],
    ] as const) {
      if (!stage.allowNode(node))
        return `the ${role} ${graph.nodes[node]!.name} itself is excluded: the path ${stage.demand}`;
    }
    if (!exists(count, count - 1 === encodability)) {
      const detail = stage.detail === undefined ? '' : ` (${stage.detail})`;
      return `no path ${stage.demand} between ${from} and ${to}${detail}`;
    }
  }

  const full = problem(stages.length, true);
  for (const bound of bounds) {
    const best = searchPath({ ...full, key: [bound.weight], bounds: [] });
    if (!best.found) continue;
    const figure = bound.figure(sumOf(best.route, bound.weight));
    if (!searchPath({ ...full, key: [], bounds: [bound] }).found)
      return `no path from ${from} to ${to} within ${bound.name} (best is ${tidy(figure)} ${bound.unit})`;
  }
  if (bounds.length > 1 && !searchPath({ ...full, key: [], bounds }).found) {
    return `no path from ${from} to ${to} meets ${bounds.map((b) => b.name).join(' and ')} together`;
  }
  if (diagnosis.tooManySegments && diagnosis.searchExhausted)
    return (
      `no path from ${from} to ${to} within ${MAX_SEGMENTS} segments was found: the search ` +
      `stopped after ${ENUMERATION_BUDGET.toLocaleString('en-US')} candidate steps, and every ` +
      `path it reached needs more (fewer waypoints or bounds, or adjacency SIDs on the links ` +
      `they need, make such paths cheaper to encode)`
    );
  if (diagnosis.tooManySegments)
    return `every path from ${from} to ${to} that meets the constraints needs more than ${MAX_SEGMENTS} segments`;
  return `no path from ${from} to ${to} meets the constraints`;
}
