/**
 * Section "compute": computePaths (what path-svc calls per intent) on the generated topology,
 * per objective kind, over the same random (host, destination) pairs; every call timed on its
 * own. Kinds take turns per pair (order rotated) so drift of the VM spreads over all of them.
 *
 * Baselines and breakdown, same pairs:
 *   dijkstra        plain Dijkstra on igpMetric from the ingress (graph built once);
 *   buildGraph      what computePaths spends before searching, per call;
 *   oracleFill      a fresh IgpOracle asked whether every directed edge is encodable (the
 *                   bounded searches computePaths repeats for the edges it explores, per call);
 *   sharedOracle    the same library steps computePaths runs (filterStages, selectPath …), with
 *                   the graph and IgpOracle built once for the topology and shared by all calls;
 *                   not an API today: it shows what per-call rebuilding costs. Checked to give
 *                   the same path and segments as computePaths for every call.
 */
import {
  boundsOf,
  buildGraph,
  combineStages,
  computePaths,
  dijkstra,
  filterStages,
  IgpOracle,
  objectiveOf,
  resolveWaypoints,
  selectPath,
  type PathResult,
  type TopologyGraph,
} from '@srv6/path';
import type { Intent } from '@srv6/schema';
import type { Cleanup } from '../datapath/cleanup.js';
import { progress } from '../datapath/progress.js';
import { rotate, round } from '../datapath/statistics.js';
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
  type Pair,
} from './workload.js';

export interface KindResult {
  readonly kind: Kind;
  readonly description: string;
  readonly summary: Summary;
  readonly ok: number;
  readonly unsatisfiable: number;
  readonly meanHops: number;
  readonly meanSegments: number;
}

export interface ComputeBenchResult {
  readonly pairs: number;
  readonly kinds: readonly KindResult[];
  readonly overall: Summary;
  readonly dijkstra: Summary;
  readonly buildGraph: Summary;
  readonly oracleFillMs: number;
  readonly sharedOracle: {
    readonly overall: Summary;
    readonly perKind: Readonly<Record<Kind, Summary>>;
    readonly identical: number;
    readonly compared: number;
  };
}

const WARM_UP_PAIRS = 2;

/** The steps of computePaths for one host, on a graph and oracle built once (see above). */
function computeShared(
  graph: TopologyGraph,
  igp: IgpOracle,
  intent: Intent,
  pair: Pair,
): { path: string[]; segments: string[] } | undefined {
  const constraints = intent.spec.constraints ?? {};
  const stages = filterStages(graph, igp, constraints);
  const selection = selectPath(
    {
      graph,
      igp,
      source: pair.source,
      target: pair.target,
      waypoints: resolveWaypoints(graph, constraints),
      bounds: boundsOf(constraints),
      ...combineStages(stages),
    },
    objectiveOf(intent),
  );
  if (!selection.ok) return undefined;
  return {
    path: selection.route.nodes.map((node) => graph.nodes[node]!.name),
    segments: [...selection.segments],
  };
}

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

  progress(`compute: warm-up (${WARM_UP_PAIRS} pairs × ${KINDS.length} kinds)`);
  for (let p = 0; p < WARM_UP_PAIRS; p++)
    for (const intent of intents[p]!) computePaths(topology, intent);

  const samples = new Map<Kind, number[]>(KINDS.map((kind) => [kind, []]));
  const results = new Map<Kind, PathResult[]>(KINDS.map((kind) => [kind, []]));
  const started = performance.now();
  for (let p = WARM_UP_PAIRS; p < pairs.length; p++) {
    for (const k of rotate(
      KINDS.map((_, index) => index),
      p,
    )) {
      const kind = KINDS[k]!;
      const { value, ms } = timed(() => computePaths(topology, intents[p]![k]!));
      samples.get(kind)!.push(ms);
      results.get(kind)!.push(value[0]!);
    }
    if ((p - WARM_UP_PAIRS + 1) % 10 === 0 || p === pairs.length - 1) {
      progress(
        `compute: ${p - WARM_UP_PAIRS + 1}/${pairCount} pairs × ${KINDS.length} kinds (${(since(started) / 1000).toFixed(1)} s)`,
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
      ok: ok.length,
      unsatisfiable: pairCount - ok.length,
      meanHops: round(ok.reduce((sum, r) => sum + r.path.length - 1, 0) / (ok.length || 1), 2),
      meanSegments: round(ok.reduce((sum, r) => sum + r.segments.length, 0) / (ok.length || 1), 2),
    };
  });
  const overall = summarize([...samples.values()].flat());

  progress('compute: baselines (dijkstra, buildGraph, oracle fill, shared oracle)');
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

  const sharedGraph = buildGraph(topology);
  const sharedIgp = new IgpOracle(sharedGraph);
  for (let p = 0; p < WARM_UP_PAIRS; p++)
    intents[p]!.forEach((intent) => computeShared(sharedGraph, sharedIgp, intent, pairs[p]!));
  const sharedSamples = new Map<Kind, number[]>(KINDS.map((kind) => [kind, []]));
  let identical = 0;
  let compared = 0;
  for (let p = WARM_UP_PAIRS; p < pairs.length; p++) {
    KINDS.forEach((kind, k) => {
      const { value, ms } = timed(() =>
        computeShared(sharedGraph, sharedIgp, intents[p]![k]!, pairs[p]!),
      );
      sharedSamples.get(kind)!.push(ms);
      const reference = results.get(kind)![p - WARM_UP_PAIRS]!;
      compared++;
      const same =
        value === undefined
          ? reference.status === 'unsatisfiable'
          : reference.status === 'ok' &&
            JSON.stringify([value.path, value.segments]) ===
              JSON.stringify([reference.path, reference.segments]);
      if (same) identical++;
    });
  }
  await cleanup.checkpoint();

  return {
    pairs: pairCount,
    kinds,
    overall,
    dijkstra: summarize(dijkstraSamples),
    buildGraph: summarize(buildSamples),
    oracleFillMs: round(oracleFillMs, 1),
    sharedOracle: {
      overall: summarize([...sharedSamples.values()].flat()),
      perKind: Object.fromEntries(
        KINDS.map((kind) => [kind, summarize(sharedSamples.get(kind)!)]),
      ) as Record<Kind, Summary>,
      identical,
      compared,
    },
  };
}
