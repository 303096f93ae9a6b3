/**
 * Correct and minimal SRv6 segment lists for a route (SPEC: Segment routing semantics).
 *
 * Between two segments a packet follows the IGP shortest path; a list is correct when that
 * expansion is exactly the route. Dynamic programming over route positions finds the shortest
 * correct list: a state is "the active segment just completed at position i, with s of the
 * service stops at i already served"; every transition adds one segment:
 *   - node SID of nodes[j] (j > i): the IGP path i→j must be unique and equal the route's;
 *   - End.X SID of edges[j] owned by nodes[j] (j ≥ i): unique IGP path i→j, then that link;
 *   - service SID of the next stop (at i, or at j > i over a unique IGP path);
 *   - the egress decapSid, last, over a unique IGP path to the egress.
 * No transition may skip a stop. Ties prefer fewer End.X SIDs (node SIDs first).
 * O(n²) transitions for a route of n links, after one IGP tree per route node.
 */
import { MAX_SEGMENTS } from '@srv6/datapath/pure';
import type { TopologyGraph } from './graph.js';
import type { IgpOracle } from './igp.js';
import type { Route } from './route.js';

export type SegmentEncoding =
  | { readonly ok: true; readonly segments: readonly string[]; readonly adjacencySids: number }
  | { readonly ok: false; readonly reason: string };

interface Step {
  readonly segments: number;
  readonly adjacencySids: number;
  readonly previous: number;
  readonly sid: string;
}

const better = (x: Step, y: Step | undefined): boolean =>
  y === undefined ||
  x.segments < y.segments ||
  (x.segments === y.segments && x.adjacencySids < y.adjacencySids);

export function encodeSegmentList(
  graph: TopologyGraph,
  igp: IgpOracle,
  route: Route,
): SegmentEncoding {
  const { nodes, edges } = route;
  const last = edges.length;
  const egress = graph.nodes[nodes[last]!]!;
  if (egress.decapSid === undefined)
    return { ok: false, reason: `egress ${egress.name} has no decapSid` };

  const stopsAt: string[][] = nodes.map(() => []);
  for (const stop of route.stops) stopsAt[stop.position]!.push(stop.service.sid);
  const cost = [0];
  for (const edge of edges) cost.push(cost[cost.length - 1]! + edge.link.igpMetric);
  /** The unique IGP shortest path from nodes[i] to nodes[j] is the route's i..j part. */
  const igpFollows = (i: number, j: number): boolean => {
    if (i === j) return true;
    const tree = igp.from(nodes[i]!);
    const target = nodes[j]!;
    return tree.distance[target] === cost[j]! - cost[i]! && tree.pathCount[target] === 1;
  };

  // State (i, s) ↦ offset[i] + s; the final state (decapSid done) is `end`.
  const offset: number[] = [];
  let states = 0;
  for (const stops of stopsAt) {
    offset.push(states);
    states += stops.length + 1;
  }
  const end = states;
  const best: (Step | undefined)[] = new Array<Step | undefined>(states + 1).fill(undefined);
  best[0] = { segments: 0, adjacencySids: 0, previous: -1, sid: '' };
  const relax = (from: number, to: number, sid: string, adjacency: number): void => {
    const origin = best[from]!;
    const step: Step = {
      segments: origin.segments + 1,
      adjacencySids: origin.adjacencySids + adjacency,
      previous: from,
      sid,
    };
    if (better(step, best[to])) best[to] = step;
  };

  for (let i = 0; i <= last; i++) {
    const stops = stopsAt[i]!;
    for (let s = 0; s < stops.length; s++) {
      if (best[offset[i]! + s] !== undefined)
        relax(offset[i]! + s, offset[i]! + s + 1, stops[s]!, 0);
    }
    const here = offset[i]! + stops.length;
    if (best[here] === undefined) continue;
    if (i === last) relax(here, end, egress.decapSid, 0);
    for (let j = i; j <= last; j++) {
      if (!igpFollows(i, j)) break; // a longer route part cannot be a unique shortest path either
      const stopsAtJ = stopsAt[j]!.length;
      if (j > i) {
        relax(here, offset[j]!, graph.nodes[nodes[j]!]!.sid, 0);
        if (stopsAtJ > 0) relax(here, offset[j]! + 1, stopsAt[j]![0]!, 0);
        else if (j === last) relax(here, end, egress.decapSid, 0);
      }
      if (j > i && stopsAtJ > 0) break; // the packet must stop at j before going further
      const adjSid = j < last ? edges[j]!.adjSid : undefined;
      if (adjSid !== undefined) relax(here, offset[j + 1]!, adjSid, 1);
    }
  }

  const done = best[end];
  if (done === undefined) return { ok: false, reason: unencodableReason(graph, igp, route) };
  const segments: string[] = [];
  for (let state = end; state > 0; state = best[state]!.previous) segments.push(best[state]!.sid);
  segments.reverse();
  return { ok: true, segments, adjacencySids: done.adjacencySids };
}

/** Encodes and also enforces the datapath limit of MAX_SEGMENTS SIDs. */
export function encodeWithinLimit(
  graph: TopologyGraph,
  igp: IgpOracle,
  route: Route,
): SegmentEncoding {
  const encoding = encodeSegmentList(graph, igp, route);
  if (encoding.ok && encoding.segments.length > MAX_SEGMENTS) {
    return {
      ok: false,
      reason: `the path needs ${encoding.segments.length} segments, more than the ${MAX_SEGMENTS} the datapath carries`,
    };
  }
  return encoding;
}

function unencodableReason(graph: TopologyGraph, igp: IgpOracle, route: Route): string {
  const edge = route.edges.find((candidate) => !igp.encodable(candidate));
  if (edge === undefined) return 'no segment list reproduces the path';
  const from = graph.nodes[edge.from]!.name;
  const to = graph.nodes[edge.to]!.name;
  return (
    `link ${edge.link.name} from ${from} to ${to} is not the only IGP shortest path between ` +
    `them and ${from} has no adjacency SID for it`
  );
}
