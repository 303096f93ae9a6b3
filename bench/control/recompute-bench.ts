/**
 * Section "recompute": N intents (default 10,000) on the generated topology (objective kinds in
 * turn, random host and destination each), all computed first. Then one link fails, twice: the
 * link the most intents' paths cross, and a median-used one (the median of the links that
 * carry at least one path). For each:
 *   (a) full recompute: prepareTopology(after), then computePaths for every intent;
 *   (b) incremental: prepareTopology(after) (its own, so (a) gets no warm memo from it),
 *       affectedIntents(before, after, current paths) — what path-svc does on a topology event —
 *       then computePaths for those only; the others keep their result.
 * Every pass computes on a PreparedTopology, as path-svc does; the preparation is timed in
 * the pass. (b) must give every intent exactly (a)'s result: status, path, segments, metrics,
 * reason. A difference is printed and fails the run (exit 1) after the report.
 *
 * Sweep: how the two links compare with others. `--sweep` random links (seeded, any link)
 * fail one at a time; for each only prepareTopology(after) + affectedIntents run (no
 * recompute): how many intents it selects, and how often that is every intent.
 */
import {
  affectedIntents,
  computePaths,
  objectiveKind,
  prepareTopology,
  type CurrentPath,
  type PathResult,
  type PreparedTopology,
} from '@srv6/path';
import type { Intent, Topology } from '@srv6/schema';
import type { Cleanup } from '../common/cleanup.js';
import { progress } from '../common/progress.js';
import { round } from '../common/statistics.js';
import type { GeneratedSetup } from './generated-setup.js';
import { validated } from './generated-setup.js';
import { percentile, since, summarize, timed, type Summary } from './latency.js';
import { buildGraph } from '@srv6/path';
import { Random } from './random.js';
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
  /** Affected intents whose result differs from before (any field). */
  readonly changed: number;
  /** Affected intents that got a different path / became unsatisfiable. */
  readonly rerouted: number;
  readonly becameUnsatisfiable: number;
  readonly fullMs: number;
  readonly full: Summary;
  /** Part of the full pass spent on the intents unsatisfiable after the failure. */
  readonly fullUnsatisfiableMs: number;
  readonly fullUnsatisfiable: number;
  /** prepareTopology(after), in each pass. */
  readonly fullPrepareMs: number;
  readonly incrementalPrepareMs: number;
  readonly selectMs: number;
  readonly recomputeMs: number;
  /** Part of recomputeMs spent on the intents that were unsatisfiable before (rule 2). */
  readonly unsatisfiableMs: number;
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

export interface SweepResult {
  readonly links: number;
  /** Failures after which affectedIntents selected every intent. */
  readonly everything: number;
  /** Intents selected, over the other failures (nearest rank); undefined when none. */
  readonly affectedP50?: number;
  readonly affectedP90?: number;
  readonly affectedMax?: number;
  /** prepareTopology(after) + affectedIntents, per failure. */
  readonly selectMeanMs: number;
}

export interface RecomputeBenchResult {
  readonly intents: number;
  readonly perKind: number;
  /** prepareTopology(before) + computePaths for every intent. */
  readonly initialMs: number;
  readonly initialPrepareMs: number;
  readonly initial: Summary;
  readonly initialUnsatisfiable: number;
  readonly linksUsed: number;
  readonly failures: readonly FailureResult[];
  readonly sweep?: SweepResult;
  readonly verified: boolean;
}

const MISMATCHES_KEPT = 5;
const PROGRESS_EVERY = 1000;

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

interface Pass {
  readonly results: PathResult[];
  readonly samples: number[];
  /** The calls' sum. */
  readonly ms: number;
}

/** computePaths for each intent (one host each), timed per call, with progress. */
async function computeAll(
  label: string,
  topology: PreparedTopology,
  intents: readonly Intent[],
  cleanup: Cleanup,
): Promise<Pass> {
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
  preparedBefore: PreparedTopology,
  cleanup: Cleanup,
): Promise<FailureResult> {
  const after = withoutLink(before, link);
  progress(`recompute: link ${link} fails (${which}, on ${intentsOnLink} paths)`);

  // (b) incremental, as path-svc's onTopologyEvent does it: current paths → affected → compute.
  const current = currentPaths(load, initial);
  const incrementalPrepare = timed(() => prepareTopology(after));
  const prepared = { before: preparedBefore, after: incrementalPrepare.value };
  const selection = timed(() => new Set(affectedIntents(before, after, current, { prepared })));
  const affected = selection.value;
  const incremental = new Map<string, PathResult>(initial.map((result) => [result.intent, result]));
  const affectedIntentsList = load.intents.filter((intent) => affected.has(intent.metadata.name));
  const recomputed = await computeAll(
    `incremental (${link})`,
    prepared.after,
    affectedIntentsList,
    cleanup,
  );
  for (const result of recomputed.results) incremental.set(result.intent, result);

  // (a) full recompute, on its own prepared topology.
  const fullPrepare = timed(() => prepareTopology(after));
  const full = await computeAll(`full (${link})`, fullPrepare.value, load.intents, cleanup);
  const fullMs = fullPrepare.ms + full.ms;

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
  const becameUnsatisfiable = recomputed.results.filter(
    (r) => r.status !== 'ok' && initialByName.get(r.intent)!.status === 'ok',
  ).length;
  const fullUnsatisfiable = full.results.filter((result) => result.status !== 'ok');
  const fullUnsatisfiableMs = full.samples
    .filter((_, i) => full.results[i]!.status !== 'ok')
    .reduce((sum, value) => sum + value, 0);
  const unsatisfiableMs = recomputed.samples
    .filter((_, i) => initialByName.get(affectedIntentsList[i]!.metadata.name)!.status !== 'ok')
    .reduce((sum, value) => sum + value, 0);
  const changed = recomputed.results.filter(
    (result) => comparable(result) !== comparable(initialByName.get(result.intent)!),
  ).length;
  const incrementalMs = incrementalPrepare.ms + selection.ms + recomputed.ms;
  return {
    which,
    link,
    intentsOnLink,
    affected: affected.size,
    changed,
    rerouted,
    becameUnsatisfiable,
    fullMs: round(fullMs, 1),
    full: summarize(full.samples),
    fullUnsatisfiableMs: round(fullUnsatisfiableMs, 1),
    fullUnsatisfiable: fullUnsatisfiable.length,
    fullPrepareMs: round(fullPrepare.ms, 1),
    incrementalPrepareMs: round(incrementalPrepare.ms, 1),
    selectMs: round(selection.ms, 3),
    recomputeMs: round(recomputed.ms, 1),
    unsatisfiableMs: round(unsatisfiableMs, 1),
    incrementalMs: round(incrementalMs, 1),
    speedup: round(fullMs / incrementalMs, 1),
    identical,
    mismatchCounts: counts,
    mismatches,
  };
}

async function sweep(
  load: Workload,
  before: Topology,
  preparedBefore: PreparedTopology,
  initial: readonly PathResult[],
  links: number,
  seed: number,
  cleanup: Cleanup,
): Promise<SweepResult> {
  const current = currentPaths(load, initial);
  const names = new Random(seed + 3)
    .shuffle(before.spec.links.map((link) => link.name!))
    .slice(0, links);
  const selected: number[] = [];
  let everything = 0;
  let totalMs = 0;
  for (const [i, name] of names.entries()) {
    const after = withoutLink(before, name);
    const { value, ms } = timed(() => {
      const prepared = { before: preparedBefore, after: prepareTopology(after) };
      return affectedIntents(before, after, current, { prepared }).length;
    });
    totalMs += ms;
    if (value === current.length) everything++;
    else selected.push(value);
    if ((i + 1) % 25 === 0) {
      progress(`recompute: sweep ${i + 1}/${names.length} links`);
      await cleanup.checkpoint();
    }
  }
  selected.sort((x, y) => x - y);
  return {
    links: names.length,
    everything,
    ...(selected.length > 0 && {
      affectedP50: percentile(selected, 50),
      affectedP90: percentile(selected, 90),
      affectedMax: selected[selected.length - 1]!,
    }),
    selectMeanMs: round(totalMs / Math.max(1, names.length), 1),
  };
}

/** What path-svc builds from its policy records (one path per host). */
function currentPaths(load: Workload, results: readonly PathResult[]): CurrentPath[] {
  return results.map((result, i) => ({
    intent: result.intent,
    paths: [result.path],
    unsatisfiable: result.status !== 'ok',
    objective: objectiveKind(load.intents[i]!),
  }));
}

export async function benchRecompute(
  setup: GeneratedSetup,
  count: number,
  sweepLinks: number,
  seed: number,
  cleanup: Cleanup,
): Promise<RecomputeBenchResult> {
  const load = workload(setup, count, seed);
  const before = setup.topology;
  // Warm-up (JIT) on a few intents and a throw-away prepared topology, untimed.
  const warm = prepareTopology(before);
  for (const intent of load.intents.slice(0, KINDS.length)) computePaths(warm, intent);
  const initialPrepare = timed(() => prepareTopology(before));
  const preparedBefore = initialPrepare.value;
  const initial = await computeAll('initial', preparedBefore, load.intents, cleanup);
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
    failures.push(
      await failLink(which, link, onLink, before, load, initial.results, preparedBefore, cleanup),
    );
  }
  const swept =
    sweepLinks > 0
      ? await sweep(load, before, preparedBefore, initial.results, sweepLinks, seed, cleanup)
      : undefined;
  return {
    intents: count,
    perKind: Math.ceil(count / KINDS.length),
    initialMs: round(initialPrepare.ms + initial.ms, 1),
    initialPrepareMs: round(initialPrepare.ms, 1),
    initial: summarize(initial.samples),
    initialUnsatisfiable: initial.results.filter((result) => result.status !== 'ok').length,
    linksUsed: used.length,
    failures,
    ...(swept && { sweep: swept }),
    verified: failures.every((failure) => failure.identical === count),
  };
}
