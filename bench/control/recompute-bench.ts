/**
 * Section "recompute": N intents on the generated topology (objective kinds in turn, random
 * host and destination each), all computed first. Then one link fails, twice: the link the most
 * intents' paths cross, and a median-used one (the median of the links that carry at least one
 * path). For each:
 *   (a) full recompute: computePaths for every intent on the topology without the link;
 *   (b) incremental: affectedIntents(before, after, current paths) — what path-svc does on a
 *       topology event — then computePaths for those only; the others keep their result.
 * (b) must give every intent exactly (a)'s result: status, path, segments, metrics, reason.
 * A difference is printed and fails the run (exit 1) after the report.
 */
import { affectedIntents, computePaths, type CurrentPath, type PathResult } from '@srv6/path';
import type { Intent, Topology } from '@srv6/schema';
import type { Cleanup } from '../datapath/cleanup.js';
import { progress } from '../datapath/progress.js';
import { round } from '../datapath/statistics.js';
import type { GeneratedSetup } from './generated-setup.js';
import { validated } from './generated-setup.js';
import { since, summarize, timed, type Summary } from './latency.js';
import { buildGraph } from '@srv6/path';
import { intentFor, KINDS, lowestDelays, randomPairs, withoutLink, type Kind } from './workload.js';

export interface Mismatch {
  readonly intent: string;
  readonly kind: Kind;
  /** path: status or nodes differ; segments: only the segment list; other: metrics or reason. */
  readonly difference: 'path' | 'segments' | 'other';
  readonly incremental: PathResult;
  readonly full: PathResult;
}

export interface FailureResult {
  readonly which: 'most-used' | 'median-used';
  readonly link: string;
  /** Intents whose computed path crosses the link before it fails. */
  readonly intentsOnLink: number;
  readonly affected: number;
  /** Affected intents that got a different path / became unsatisfiable. */
  readonly rerouted: number;
  readonly becameUnsatisfiable: number;
  readonly fullMs: number;
  readonly full: Summary;
  readonly selectMs: number;
  readonly recomputeMs: number;
  readonly incrementalMs: number;
  readonly speedup: number;
  readonly identical: number;
  readonly mismatchCounts: {
    readonly path: number;
    readonly segments: number;
    readonly other: number;
  };
  /** The first few differences, for the report. */
  readonly mismatches: readonly Mismatch[];
}

export interface RecomputeBenchResult {
  readonly intents: number;
  readonly perKind: number;
  readonly initialMs: number;
  readonly initial: Summary;
  readonly initialUnsatisfiable: number;
  readonly linksUsed: number;
  readonly failures: readonly FailureResult[];
  readonly verified: boolean;
}

const MISMATCHES_KEPT = 5;
const PROGRESS_EVERY = 200;

interface Workload {
  readonly intents: readonly Intent[];
  readonly kinds: readonly Kind[];
}

function workload(setup: GeneratedSetup, count: number, seed: number): Workload {
  const pairs = randomPairs(setup.generated, count, seed + 2);
  const delays = lowestDelays(buildGraph(setup.topology), pairs);
  const kinds = pairs.map((_, i) => KINDS[i % KINDS.length]!);
  const intents = pairs.map((pair, i) =>
    validated(
      intentFor(
        `i-${String(i + 1).padStart(5, '0')}`,
        kinds[i]!,
        pair,
        delays[i]!,
        10000 + (i % 50000),
      ),
      setup.topology,
    ),
  );
  return { intents, kinds };
}

/** computePaths for each intent (one host each), timed per call, with progress. */
async function computeAll(
  label: string,
  topology: Topology,
  intents: readonly Intent[],
  cleanup: Cleanup,
): Promise<{ results: PathResult[]; samples: number[]; ms: number }> {
  const results: PathResult[] = [];
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < intents.length; i++) {
    const { value, ms } = timed(() => computePaths(topology, intents[i]!));
    results.push(value[0]!);
    samples.push(ms);
    if ((i + 1) % PROGRESS_EVERY === 0 || i === intents.length - 1) {
      progress(
        `recompute: ${label} ${i + 1}/${intents.length} (${(since(started) / 1000).toFixed(1)} s)`,
      );
      await cleanup.checkpoint();
    }
  }
  return { results, samples, ms: samples.reduce((sum, value) => sum + value, 0) };
}

/** Intents per link name (both directions), from the computed paths. */
function linkUsage(topology: Topology, results: readonly PathResult[]): Map<string, number> {
  const byEnds = new Map<string, string>();
  for (const link of topology.spec.links) {
    byEnds.set(`${link.a}|${link.b}`, link.name);
    byEnds.set(`${link.b}|${link.a}`, link.name);
  }
  const usage = new Map<string, number>();
  for (const result of results) {
    for (let i = 1; i < result.path.length; i++) {
      const name = byEnds.get(`${result.path[i - 1]}|${result.path[i]}`);
      if (name === undefined) throw new Error(`path of ${result.intent} uses no known link`);
      usage.set(name, (usage.get(name) ?? 0) + 1);
    }
  }
  return usage;
}

const comparable = (result: PathResult): string =>
  JSON.stringify([result.status, result.path, result.segments, result.metrics, result.reason]);

function classify(incremental: PathResult, full: PathResult): Mismatch['difference'] | undefined {
  if (comparable(incremental) === comparable(full)) return undefined;
  if (
    incremental.status !== full.status ||
    JSON.stringify(incremental.path) !== JSON.stringify(full.path)
  )
    return 'path';
  if (JSON.stringify(incremental.segments) !== JSON.stringify(full.segments)) return 'segments';
  return 'other';
}

async function failLink(
  which: FailureResult['which'],
  link: string,
  intentsOnLink: number,
  before: Topology,
  load: Workload,
  initial: readonly PathResult[],
  cleanup: Cleanup,
): Promise<FailureResult> {
  const after = withoutLink(before, link);
  progress(`recompute: link ${link} fails (${which}, on ${intentsOnLink} paths)`);

  // (b) incremental, as path-svc's onTopologyEvent does it: current paths → affected → compute.
  const current: CurrentPath[] = initial.map((result) => ({
    intent: result.intent,
    paths: [result.path],
    unsatisfiable: result.status !== 'ok',
  }));
  const selection = timed(() => new Set(affectedIntents(before, after, current)));
  const affected = selection.value;
  const incremental = new Map<string, PathResult>(initial.map((result) => [result.intent, result]));
  const affectedIntentsList = load.intents.filter((intent) => affected.has(intent.metadata.name));
  const recomputed = await computeAll(`incremental (${link})`, after, affectedIntentsList, cleanup);
  for (const result of recomputed.results) incremental.set(result.intent, result);

  // (a) full recompute.
  const full = await computeAll(`full (${link})`, after, load.intents, cleanup);

  const counts = { path: 0, segments: 0, other: 0 };
  const mismatches: Mismatch[] = [];
  let identical = 0;
  full.results.forEach((reference, i) => {
    const mine = incremental.get(reference.intent)!;
    const difference = classify(mine, reference);
    if (difference === undefined) {
      identical++;
      return;
    }
    counts[difference]++;
    if (mismatches.length < MISMATCHES_KEPT)
      mismatches.push({
        intent: reference.intent,
        kind: load.kinds[i]!,
        difference,
        incremental: mine,
        full: reference,
      });
  });
  const initialByName = new Map(initial.map((result) => [result.intent, result]));
  const rerouted = recomputed.results.filter(
    (result) =>
      result.status === 'ok' &&
      JSON.stringify(result.path) !== JSON.stringify(initialByName.get(result.intent)!.path),
  ).length;
  const becameUnsatisfiable = recomputed.results.filter((r) => r.status !== 'ok').length;
  const incrementalMs = selection.ms + recomputed.ms;
  return {
    which,
    link,
    intentsOnLink,
    affected: affected.size,
    rerouted,
    becameUnsatisfiable,
    fullMs: round(full.ms, 1),
    full: summarize(full.samples),
    selectMs: round(selection.ms, 3),
    recomputeMs: round(recomputed.ms, 1),
    incrementalMs: round(incrementalMs, 1),
    speedup: round(full.ms / incrementalMs, 1),
    identical,
    mismatchCounts: counts,
    mismatches,
  };
}

export async function benchRecompute(
  setup: GeneratedSetup,
  count: number,
  seed: number,
  cleanup: Cleanup,
): Promise<RecomputeBenchResult> {
  const load = workload(setup, count, seed);
  const before = setup.topology;
  // Warm-up (JIT) on a few intents, untimed.
  for (const intent of load.intents.slice(0, KINDS.length)) computePaths(before, intent);
  const initial = await computeAll('initial', before, load.intents, cleanup);
  const usage = linkUsage(before, initial.results);
  const used = [...usage.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
  if (used.length === 0) throw new Error('no intent has a path: nothing to fail');
  const mostUsed = used[0]!;
  const median = used[Math.floor(used.length / 2)]!;
  const failures: FailureResult[] = [];
  for (const [which, [link, onLink]] of [
    ['most-used', mostUsed],
    ['median-used', median],
  ] as const) {
    failures.push(await failLink(which, link, onLink, before, load, initial.results, cleanup));
  }
  return {
    intents: count,
    perKind: Math.ceil(count / KINDS.length),
    initialMs: round(initial.ms, 1),
    initial: summarize(initial.samples),
    initialUnsatisfiable: initial.results.filter((result) => result.status !== 'ok').length,
    linksUsed: used.length,
    failures,
    verified: failures.every((failure) => failure.identical === count),
  };
}
