/**
 * Section "compute": computePaths (what path-svc calls per intent) on the generated topology,
 * per objective kind, over the same random (host, destination) pairs; every call timed on its
 * own. Kinds take turns per pair (order rotated) so drift of the VM spreads over all of them.
 *
 * Measured: computePaths(prepared, intent) on ONE PreparedTopology (prepareTopology once, as
 * path-svc does per topology document). Its memo (IGP trees, per-edge encodability) fills
 * during the measured calls, as it would in path-svc; that cost is in the figures.
 *
 * Baselines, same pairs, in the same loop:
 *   noCache         computePaths(topology, intent): the graph and IGP oracle rebuilt per call
 *                   (the library before the cache; still what a one-off call does). Every result
 *                   is checked to equal the cached one;
 *   dijkstra        plain Dijkstra on igpMetric from the ingress (graph built once).
 * Breakdown: prepareTopology once, buildGraph per call, and a fresh IgpOracle deciding every
 * directed edge (the bounded searches a no-cache call repeats for the edges it explores).
 */
import {
  buildGraph,
  computePaths,
  dijkstra,
  IgpOracle,
  prepareTopology,
  type PathResult,
} from '@srv6/path';
import type { Cleanup } from '../common/cleanup.js';
import { progress } from '../common/progress.js';
import { rotate, round } from '../common/statistics.js';
import type { GeneratedSetup } from './generated-setup.js';
import { validated } from './generated-setup.js';
import { since, summarize, timed, type Summary } from './latency.js';
import {
  intentFor,
  KIND_DESCRIPTIONS,
  KINDS,
  lowestDelays,
  randomPairs,
  type Kind,
} from './workload.js';

export interface KindResult {
  readonly kind: Kind;
  readonly description: string;
  readonly summary: Summary;
  /** The same calls without the cache. */
  readonly noCache: Summary;
  readonly ok: number;
  readonly unsatisfiable: number;
  readonly meanHops: number;
  readonly meanSegments: number;
}

export interface ComputeBenchResult {
  readonly pairs: number;
  readonly kinds: readonly KindResult[];
  readonly overall: Summary;
  readonly noCache: Summary;
  /** Cached and uncached results equal (status, path, segments, metrics, reason). */
  readonly identical: number;
  readonly compared: number;
  readonly dijkstra: Summary;
  readonly prepareMs: number;
  readonly buildGraph: Summary;
  readonly oracleFillMs: number;
}

const WARM_UP_PAIRS = 2;

const comparable = (result: PathResult): string =>
  JSON.stringify([result.status, result.path, result.segments, result.metrics, result.reason]);

export async function benchCompute(
  setup: GeneratedSetup,
  pairCount: number,
  seed: number,
  cleanup: Cleanup,
): Promise<ComputeBenchResult> {
  const { topology } = setup;
  const graph = buildGraph(topology);
  const pairs = randomPairs(setup.generated, pairCount + WARM_UP_PAIRS, seed + 1);
  const delays = lowestDelays(graph, pairs);
  const intents = pairs.map((pair, p) =>
    KINDS.map((kind) =>
      validated(intentFor(`c-${kind}-${p}`, kind, pair, delays[p]!, 5000 + p), topology),
    ),
  );

  // Warm-up (JIT) of both variants on a throw-away prepared topology.
  progress(`compute: warm-up (${WARM_UP_PAIRS} pairs × ${KINDS.length} kinds)`);
  const warm = prepareTopology(topology);
  for (let p = 0; p < WARM_UP_PAIRS; p++)
    for (const intent of intents[p]!) {
      computePaths(warm, intent);
      computePaths(topology, intent);
    }

  const preparation = timed(() => prepareTopology(topology));
  const prepared = preparation.value;
  const samples = new Map<Kind, number[]>(KINDS.map((kind) => [kind, []]));
  const uncached = new Map<Kind, number[]>(KINDS.map((kind) => [kind, []]));
  const results = new Map<Kind, PathResult[]>(KINDS.map((kind) => [kind, []]));
  let identical = 0;
  const started = performance.now();
  for (let p = WARM_UP_PAIRS; p < pairs.length; p++) {
    for (const k of rotate(
      KINDS.map((_, index) => index),
      p,
    )) {
      const kind = KINDS[k]!;
      const intent = intents[p]![k]!;
      const cached = timed(() => computePaths(prepared, intent));
      const plain = timed(() => computePaths(topology, intent));
      samples.get(kind)!.push(cached.ms);
      uncached.get(kind)!.push(plain.ms);
      results.get(kind)!.push(cached.value[0]!);
      if (comparable(cached.value[0]!) === comparable(plain.value[0]!)) identical++;
    }
    if ((p - WARM_UP_PAIRS + 1) % 10 === 0 || p === pairs.length - 1) {
      progress(
        `compute: ${p - WARM_UP_PAIRS + 1}/${pairCount} pairs × ${KINDS.length} kinds, cached and not (${(since(started) / 1000).toFixed(1)} s)`,
      );
      await cleanup.checkpoint();
    }
  }

  const kinds = KINDS.map((kind): KindResult => {
    const ok = results.get(kind)!.filter((result) => result.status === 'ok');
    return {
      kind,
      description: KIND_DESCRIPTIONS[kind],
      summary: summarize(samples.get(kind)!),
      noCache: summarize(uncached.get(kind)!),
      ok: ok.length,
      unsatisfiable: pairCount - ok.length,
      meanHops: round(ok.reduce((sum, r) => sum + r.path.length - 1, 0) / (ok.length || 1), 2),
      meanSegments: round(ok.reduce((sum, r) => sum + r.segments.length, 0) / (ok.length || 1), 2),
    };
  });

  progress('compute: baselines (dijkstra, buildGraph, oracle fill)');
  const measured = pairs.slice(WARM_UP_PAIRS);
  const igpWeight = { weight: (edge: { link: { igpMetric: number } }) => edge.link.igpMetric };
  for (const pair of pairs.slice(0, WARM_UP_PAIRS)) dijkstra(graph, pair.source, igpWeight);
  const dijkstraSamples = measured.map(
    (pair) => timed(() => dijkstra(graph, pair.source, igpWeight)).ms,
  );
  const buildSamples = measured.map(() => timed(() => buildGraph(topology)).ms);
  const oracleFillMs = timed(() => {
    const fresh = new IgpOracle(buildGraph(topology));
    for (const edge of fresh.graph.edges) fresh.encodable(edge);
  }).ms;
  await cleanup.checkpoint();

  return {
    pairs: pairCount,
    kinds,
    overall: summarize([...samples.values()].flat()),
    noCache: summarize([...uncached.values()].flat()),
    identical,
    compared: pairCount * KINDS.length,
    dijkstra: summarize(dijkstraSamples),
    prepareMs: round(preparation.ms, 1),
    buildGraph: summarize(buildSamples),
    oracleFillMs: round(oracleFillMs, 1),
  };
}
