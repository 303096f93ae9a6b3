/**
 * `computePaths`: one result per host (SPEC: `path compute` JSON). Ingress = the host's router,
 * egress = the node owning the longest prefix covering match.destination.
 *
 * Given a Topology, each call prepares it first (graph + IGP oracle, prepare.ts): simple, and
 * the right thing for one computation. Many computations on one topology should prepare it once
 * with prepareTopology() and pass the PreparedTopology: the results are the same, without
 * rebuilding per call (on 1,000 nodes that rebuilding is most of a call's time).
 */
import { parseIpv6Prefix } from '@srv6/datapath/pure';
import type { Intent, Topology } from '@srv6/schema';
import { boundsOf, combineStages, filterStages } from './constraints.js';
import { unsatisfiableReason } from './diagnose.js';
import { routeMetrics, type PathMetrics } from './metrics.js';
import { PreparedTopology } from './prepare.js';
import { selectPath, type Objective } from './select-path.js';
import { resolveWaypoints } from './waypoints.js';

export interface ComputeOptions {
  /** Compute for this host only (default: every host the intent names). */
  readonly host?: string;
}

export interface PathResult {
  readonly intent: string;
  readonly host: string;
  readonly status: 'ok' | 'unsatisfiable';
  /** Node names, ingress first; empty when unsatisfiable. */
  readonly path: string[];
  /** SIDs in the order the packet visits them; the last is the egress decapSid. */
  readonly segments: string[];
  /** Present when status is ok. */
  readonly metrics?: PathMetrics;
  /** Present when status is unsatisfiable. */
  readonly reason?: string;
}

/** Expects a topology and an intent that passed validateTopology / validateIntent. */
export function computePaths(
  topology: Topology | PreparedTopology,
  intent: Intent,
  options: ComputeOptions = {},
): PathResult[] {
  const prepared = topology instanceof PreparedTopology ? topology : new PreparedTopology(topology);
  const hosts = options.host === undefined ? intent.spec.hosts : [options.host];
  return hosts.map((host) => computeForHost(prepared, intent, host));
}

export function objectiveOf(intent: Intent): Objective {
  if (intent.spec.objectives !== undefined)
    return { kind: 'weighted', parts: intent.spec.objectives };
  return { kind: 'single', type: intent.spec.objective ?? 'low-latency' };
}

function computeForHost(prepared: PreparedTopology, intent: Intent, host: string): PathResult {
  const { graph, igp } = prepared;
  const unsatisfiable = (reason: string): PathResult => ({
    intent: intent.metadata.name,
    host,
    status: 'unsatisfiable',
    path: [],
    segments: [],
    reason,
  });
  const attachedTo = prepared.ingressOf(host);
  if (attachedTo === undefined) return unsatisfiable(`host ${host} is not in the topology`);
  const source = graph.nodeIndex.get(attachedTo);
  const egress = prepared.egressFor(parseIpv6Prefix(intent.spec.match.destination));
  const target = egress === undefined ? undefined : graph.nodeIndex.get(egress);
  if (source === undefined)
    return unsatisfiable(`host ${host} is attached to unknown node ${attachedTo}`);
  if (target === undefined)
    return unsatisfiable(`no node owns a prefix covering ${intent.spec.match.destination}`);

  const constraints = intent.spec.constraints ?? {};
  const stages = filterStages(graph, igp, constraints);
  const waypoints = resolveWaypoints(graph, constraints);
  const bounds = boundsOf(constraints);
  const query = { graph, igp, source, target, waypoints, bounds, ...combineStages(stages) };
  const selection = selectPath(query, objectiveOf(intent));
  if (!selection.ok) {
    return unsatisfiable(
      unsatisfiableReason({
        graph,
        source,
        target,
        stages,
        waypoints,
        bounds,
        tooManySegments: selection.tooManySegments,
        searchExhausted: selection.searchExhausted === true,
      }),
    );
  }
  return {
    intent: intent.metadata.name,
    host,
    status: 'ok',
    path: selection.route.nodes.map((node) => graph.nodes[node]!.name),
    segments: [...selection.segments],
    metrics: routeMetrics(selection.route),
  };
}
