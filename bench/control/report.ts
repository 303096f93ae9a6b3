/** The result: a table for people, JSON for machines. Same figures in both. */
import type { Machine } from '../common/machine.js';
import type { ApplyBenchResult, ApplyVariantResult } from './apply-bench.js';
import type { ComputeBenchResult } from './compute-bench.js';
import type { TopologyFacts } from './generated-setup.js';
import type { Summary } from './latency.js';
import type { RecomputeBenchResult } from './recompute-bench.js';

export interface ControlMachine extends Omit<Machine, 'iperf3'> {
  readonly natsServer: string;
}

export interface ControlBenchResult {
  readonly machine: ControlMachine;
  readonly topology?: TopologyFacts;
  readonly compute?: ComputeBenchResult;
  readonly recompute?: RecomputeBenchResult;
  readonly apply?: ApplyBenchResult;
}

const number = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (value: number): string =>
  value >= 100
    ? `${number(value)} ms`
    : value >= 1
      ? `${value.toFixed(1)} ms`
      : `${value.toFixed(3)} ms`;
const seconds = (milliseconds: number): string => `${(milliseconds / 1000).toFixed(1)} s`;
const rate = (summary: Summary): string => `${number(summary.perSecond, 1).padStart(9)} /s`;
const percentiles = (summary: Summary): string =>
  `p50 ${ms(summary.p50Ms).padStart(9)}  p99 ${ms(summary.p99Ms).padStart(9)}`;

function topologyLines(t: TopologyFacts): string[] {
  return [
    `generated topology ${t.name}: ${number(t.nodes)} nodes (${t.tiers.core} core, ${t.tiers.aggregation} aggregation, ` +
      `${t.tiers.access} access), ${number(t.links)} links (${t.linksWithAdjSids} with End.X SIDs), ${t.hosts} hosts, ` +
      `${t.egresses} egresses, ${t.services} service instances;`,
    `  ${number(t.unencodableEdges)} of ${number(t.directedEdges)} directed edges not encodable (IGP ECMP, no End.X SID); ` +
      `generated in ${ms(t.generateMs)}, validateTopology ${ms(t.validateMs)}`,
  ];
}

function computeLines(c: ComputeBenchResult): string[] {
  const lines = [
    `pathComputations — computePaths(prepared, intent) on one prepareTopology(topology) (built in ${ms(c.prepareMs)}, memo filled`,
    `  by the measured calls), one host per call, ${c.pairs} random (host, destination) pairs per kind, the same pairs for`,
    `  every kind, kinds in rotated turns per pair; each call timed alone, then the same call without the cache`,
    `                       cached                                  no cache (topology rebuilt per call)`,
  ];
  for (const k of c.kinds) {
    lines.push(
      `  ${k.kind.padEnd(19)} ${rate(k.summary)}  ${percentiles(k.summary)}  ${rate(k.noCache)}  ${percentiles(k.noCache)}  ` +
        `ok ${k.ok}/${k.ok + k.unsatisfiable}, ${k.meanHops} hops, ${k.meanSegments} segments  (${k.description})`,
    );
  }
  lines.push(
    `  ${'overall'.padEnd(19)} ${rate(c.overall)}  ${percentiles(c.overall)}  ${rate(c.noCache)}  ${percentiles(c.noCache)}  ` +
      `${number(c.overall.count)} calls each; ${c.identical}/${c.compared} results identical`,
    `  baseline dijkstra   ${rate(c.dijkstra)}  ${percentiles(c.dijkstra)}  plain Dijkstra on igpMetric from the ingress (graph built once)`,
    `  buildGraph alone    ${rate(c.buildGraph)}  ${percentiles(c.buildGraph)}  what every no-cache call rebuilds first`,
    `  IgpOracle fill      ${ms(c.oracleFillMs)} for all edges: nodeSidForces (a bounded Dijkstra allocating O(nodes)) per directed edge;`,
    `                      a no-cache call builds a fresh oracle and repeats this for every edge its searches touch`,
    `  ratio cached/dijkstra: ${number(c.overall.meanMs / c.dijkstra.meanMs, 1)}× per call; no cache/cached: ` +
      `${number(c.noCache.meanMs / c.overall.meanMs, 1)}×`,
  );
  return lines;
}

function recomputeLines(r: RecomputeBenchResult): string[] {
  const lines = [
    `recompute — ${number(r.intents)} intents (6 kinds in turn, ~${number(r.perKind)} each, one host each), computed first in ` +
      `${seconds(r.initialMs)} (prepareTopology ${ms(r.initialPrepareMs)} + calls at ${number(r.initial.perSecond, 1)}/s, ` +
      `${r.initialUnsatisfiable} unsatisfiable); ${number(r.linksUsed)} links carry ≥ 1 path; every pass on a prepared topology`,
  ];
  for (const f of r.failures) {
    lines.push(
      `  ${f.which} link ${f.link}: on ${number(f.intentsOnLink)} paths; affected ${number(f.affected)} = ${number(f.intentsOnLink)} on it + ` +
        `${r.initialUnsatisfiable} unsatisfiable + ${number(f.affected - f.intentsOnLink - r.initialUnsatisfiable)} by IGP effects (points 3, 4); ` +
        `recomputed: ${number(f.changed)} changed (${f.rerouted} rerouted, ${f.becameUnsatisfiable} became unsatisfiable)`,
      `    (a) full recompute      ${seconds(f.fullMs).padStart(8)}  = prepareTopology ${ms(f.fullPrepareMs)} + ${number(r.intents)} calls ` +
        `(${number(f.full.perSecond, 1)} intents/s, ${percentiles(f.full)}; ${seconds(f.fullUnsatisfiableMs)} of it the ${f.fullUnsatisfiable} unsatisfiable)`,
      `    (b) incremental         ${seconds(f.incrementalMs).padStart(8)}  = prepareTopology ${ms(f.incrementalPrepareMs)} + affectedIntents ${ms(f.selectMs)} + ` +
        `recompute ${number(f.affected)} in ${seconds(f.recomputeMs)} (${seconds(f.unsatisfiableMs)} of it the ${r.initialUnsatisfiable} unsatisfiable)   → ${f.speedup}× faster`,
      `    verify (b) = (a): ${f.identical === r.intents ? 'PASS' : 'FAIL'} ${number(f.identical)}/${number(r.intents)} identical` +
        (f.identical === r.intents
          ? ''
          : ` (path ${f.mismatchCounts.path}, segments only ${f.mismatchCounts.segments}, other ${f.mismatchCounts.other})`),
    );
    for (const m of f.mismatches) {
      lines.push(
        `      ${m.intent} (${m.kind}, ${m.difference}): incremental ${m.incremental.status} ${m.incremental.path.join('→')} [${m.incremental.segments.join(', ')}]`,
        `        full ${m.full.status} ${m.full.path.join('→')} [${m.full.segments.join(', ')}]${m.full.reason ? ` ${m.full.reason}` : ''}`,
      );
    }
  }
  if (r.sweep) {
    const w = r.sweep;
    lines.push(
      `  sweep: ${w.links} random links failed one at a time, affectedIntents only (${ms(w.selectMeanMs)} each with prepareTopology):`,
      `    ${w.everything}/${w.links} selected every intent` +
        (w.affectedP50 === undefined
          ? ''
          : `; the others selected p50 ${number(w.affectedP50)}, p90 ${number(w.affectedP90!)}, max ${number(w.affectedMax!)} of ${number(r.intents)}`),
    );
  }
  if (r.intents < 10_000) {
    // The calls scale with the intents; prepareTopology does not.
    const at10k = (total: number, prepare: number): string =>
      seconds(prepare + ((total - prepare) * 10_000) / r.intents);
    const worst = r.failures[0];
    if (worst) {
      lines.push(
        `  at 10,000 intents (linear extrapolation, intents are independent): initial ${at10k(r.initialMs, r.initialPrepareMs)}, ` +
          `full recompute ${at10k(worst.fullMs, worst.fullPrepareMs)}, incremental (${worst.which}) ` +
          `${at10k(worst.incrementalMs, worst.incrementalPrepareMs)}`,
      );
    }
  }
  return lines;
}

function variantLine(v: ApplyVariantResult): string[] {
  const cpu = Object.entries(v.cpuSeconds)
    .map(([name, value]) => `${name} ${value.toFixed(1)}`)
    .join(', ');
  return [
    `  ${v.mode.padEnd(10)} ${v.pathSvcInstances} path-svc: ${number(v.intentsPerSecond, 1)} intents/s (${number(v.intents)} in ${seconds(v.totalMs)}` +
      `${v.allRepliesMs !== undefined ? `; all replies in ${seconds(v.allRepliesMs)}` : ''}; all policies written in ${seconds(v.allPoliciesMs)})`,
    `      apply-reply        ${percentiles(v.applyReply)}`,
    `      apply→policy       ${percentiles(v.applyToPolicy)}  (path-svc's record seen in KV srv6-policies)`,
    `      apply→programmed   ${percentiles(v.applyToProgrammed)}  (median first 100: ${ms(v.firstHundredMedianMs)}, last 100: ${ms(v.lastHundredMedianMs)})`,
    `      CPU s: ${cpu}; machine ${v.machineBusyPercent} % busy; ${v.statusEventsPerIntent} status events per intent; ${number(v.agentRoutes)} agent routes`,
  ];
}

function applyLines(a: ApplyBenchResult): string[] {
  return [
    `apply → programmed — real nats-server, intent-svc, path-svc, host-agent (BPF on a veth in a netns, CAPACITY ${a.capacity});`,
    `  topology ${a.topology} (4 routers), distinct /128 destinations + UDP ports; fresh stack per variant;`,
    `  sequential: one intent in flight (reply, then wait for 'programmed' on srv6.status.intents.>); pipelined: all sent at once`,
    ...a.variants.flatMap(variantLine),
  ];
}

export function formatTable(result: ControlBenchResult): string {
  const m = result.machine;
  const lines = [
    'SRv6 control-plane benchmark',
    `machine: Linux ${m.kernel}, ${m.cpuModel} × ${m.cpus} CPUs, ${m.memoryGiB} GiB; Node ${m.node}; ${m.natsServer}; ${m.date}`,
    '',
  ];
  if (result.topology) lines.push(...topologyLines(result.topology), '');
  if (result.compute) lines.push(...computeLines(result.compute), '');
  if (result.recompute) lines.push(...recomputeLines(result.recompute), '');
  if (result.apply) lines.push(...applyLines(result.apply), '');
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The full result, headed by the figures most readers want (`headline`). */
export function toJson(result: ControlBenchResult): unknown {
  const { compute, recompute, apply } = result;
  const sequential = apply?.variants.find((variant) => variant.mode === 'sequential');
  const pipelined = apply?.variants.filter((variant) => variant.mode === 'pipelined') ?? [];
  const headline = {
    ...(compute && {
      pathComputationsPerSecond: {
        overall: compute.overall.perSecond,
        p50Ms: compute.overall.p50Ms,
        p99Ms: compute.overall.p99Ms,
        perKind: Object.fromEntries(compute.kinds.map((k) => [k.kind, k.summary.perSecond])),
        noCache: compute.noCache.perSecond,
        dijkstraBaseline: compute.dijkstra.perSecond,
      },
    }),
    ...(recompute && {
      recompute: {
        intents: recompute.intents,
        verified: recompute.verified,
        failures: recompute.failures.map((f) => ({
          which: f.which,
          link: f.link,
          affected: f.affected,
          fullMs: f.fullMs,
          incrementalMs: f.incrementalMs,
          speedup: f.speedup,
        })),
      },
    }),
    ...(sequential && {
      applyToProgrammedMs: {
        p50: sequential.applyToProgrammed.p50Ms,
        p99: sequential.applyToProgrammed.p99Ms,
      },
      applyReplyMs: { p50: sequential.applyReply.p50Ms, p99: sequential.applyReply.p99Ms },
      sequentialIntentsPerSecond: sequential.intentsPerSecond,
    }),
    ...(pipelined.length > 0 && {
      pipelinedIntentsPerSecond: Object.fromEntries(
        pipelined.map((variant) => [
          `pathSvc${variant.pathSvcInstances}`,
          variant.intentsPerSecond,
        ]),
      ),
    }),
  };
  return { headline, ...result };
}
