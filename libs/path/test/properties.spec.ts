/**
 * Properties on small random topologies (≤ 7 nodes) against the brute-force reference:
 * the optimum equals the best over every candidate path, constraints hold, the segment list
 * expands to exactly the path, and no shorter list is correct. Seeded and reproducible.
 */
import fc from 'fast-check';
import { OBJECTIVE_TYPES, type IntentConstraints, type Topology } from '@srv6/schema';
import {
  buildGraph,
  computePaths,
  encodeSegmentList,
  IgpOracle,
  type Route,
} from '../src/index.js';
import { Reference, ReferenceIntent, near, objectiveValue, type RefRoute } from './reference.js';
import {
  makeIntent,
  makeTopology,
  type IntentSpec,
  type LinkSpec,
  type ServiceSpec,
} from './support.js';

/** Fixed for reproducibility; PATH_PROPERTY_SEED explores others. */
const SEED = Number(process.env.PATH_PROPERTY_SEED ?? 20240611);
const RUNS = Number(process.env.PATH_PROPERTY_RUNS ?? 1);

interface RandomTopology {
  n: number;
  links: LinkSpec[];
  untrusted: boolean[];
  services: ServiceSpec[];
}

const name = (i: number): string => `n${i}`;

const randomTopology: fc.Arbitrary<RandomTopology> = fc.integer({ min: 2, max: 7 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    links: fc
      .array(
        fc.record({
          a: fc.integer({ min: 0, max: n - 1 }),
          b: fc.integer({ min: 0, max: n - 1 }),
          igp: fc.integer({ min: 1, max: 3 }),
          delay: fc.constantFrom(0, 1, 2, 3, 5),
          bw: fc.constantFrom(10, 100, 1000),
          loss: fc.constantFrom(0, 0.5, 1, 2),
          jitter: fc.constantFrom(0, 0.5, 1),
          util: fc.constantFrom(0, 0.2, 0.5, 0.9),
          algo: fc.boolean(),
          tagged: fc.integer({ min: 0, max: 5 }),
          adjA: fc.integer({ min: 0, max: 2 }),
          adjB: fc.integer({ min: 0, max: 2 }),
        }),
        { minLength: n, maxLength: n + 4 },
      )
      .map((links) =>
        links
          .filter((link) => link.a !== link.b)
          .map((link, i): LinkSpec => ({
            name: `l${i}`,
            a: name(link.a),
            b: name(link.b),
            igp: link.igp,
            delay: link.delay,
            bw: link.bw,
            loss: link.loss,
            jitter: link.jitter,
            util: link.util,
            ...(link.algo ? { algos: [128] } : {}),
            ...(link.tagged === 0 ? { tags: ['untrusted'] } : {}),
            adj: [
              ...(link.adjA === 0 ? [name(link.a)] : []),
              ...(link.adjB === 0 ? [name(link.b)] : []),
            ],
          })),
      ),
    untrusted: fc.array(
      fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
      {
        minLength: n,
        maxLength: n,
      },
    ),
    services: fc
      .array(
        fc.record({
          type: fc.constantFrom('firewall', 'ids'),
          node: fc.integer({ min: 0, max: n - 1 }).map(name),
        }),
        { maxLength: 3 },
      )
      .map((services) => services.map((service, i) => ({ ...service, name: `s${i}` }))),
  }),
);

/** `arbitrary` in `percent` % of the cases, else undefined (constraints stay the exception). */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | undefined> =>
  fc
    .tuple(fc.integer({ min: 0, max: 99 }), arbitrary)
    .map(([roll, value]) => (roll < percent ? value : undefined));

const randomIntent = (t: RandomTopology): fc.Arbitrary<IntentSpec> =>
  fc
    .record({
      objective: fc.oneof(
        fc.constantFrom(...OBJECTIVE_TYPES).map((objective): IntentSpec => ({ objective })),
        fc
          .subarray(['low-latency', 'low-jitter', 'low-packet-loss', 'low-cost'] as const, {
            minLength: 1,
          })
          .chain((types) =>
            fc
              .tuple(...types.map(() => fc.constantFrom(0.2, 0.5, 1)))
              .map((weights): IntentSpec => ({
                objectives: types.map((type, i) => ({ type, weight: weights[i]! })),
              })),
          ),
      ),
      maxDelayMs: sometimes(fc.integer({ min: 2, max: 12 }), 20),
      maxJitterMs: sometimes(fc.constantFrom(0.5, 1, 2), 15),
      maxLossPercent: sometimes(fc.constantFrom(0.5, 1, 2.5), 15),
      minBandwidthMbps: sometimes(fc.constantFrom(50, 500), 15),
      flexAlgo: sometimes(fc.constant(128), 10),
      avoidNode: sometimes(fc.integer({ min: 1, max: Math.max(1, t.n - 2) }), 15),
      avoidTag: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
      via: sometimes(
        fc.oneof(
          fc.integer({ min: 0, max: t.n - 1 }).map(name),
          ...(t.services.length > 0 ? [fc.constantFrom(...t.services.map((s) => s.name))] : []),
        ),
        20,
      ),
      chain: sometimes(fc.constantFrom('firewall', 'ids'), 20),
    })
    .map(({ objective, avoidNode, avoidTag, via, chain, ...bounds }) => {
      const constraints: IntentConstraints = {};
      for (const [key, value] of Object.entries(bounds))
        if (value !== undefined) Object.assign(constraints, { [key]: value });
      const viaNode = t.services.find((s) => s.name === via)?.node ?? via;
      if (avoidNode !== undefined && avoidNode < t.n - 1 && name(avoidNode) !== viaNode)
        constraints.avoidNodes = [name(avoidNode)];
      if (avoidTag) constraints.avoidTags = ['untrusted'];
      if (via !== undefined) constraints.via = [via];
      if (chain !== undefined && t.services.some((s) => s.type === chain))
        constraints.serviceChain = [chain];
      return { ...objective, constraints };
    });

function build(t: RandomTopology): Topology {
  const nodes = Array.from({ length: t.n }, (_, i) => ({
    name: name(i),
    ...(t.untrusted[i] ? { tags: ['untrusted'] } : {}),
  }));
  return makeTopology(nodes, t.links, { services: t.services });
}

const nodeNames = (reference: Reference, route: RefRoute, ingress: number): string[] => [
  reference.names[ingress]!,
  ...route.edges.map((edge) => reference.names[edge.to]!),
];

describe('computePaths against brute force', () => {
  test('optimal, constrained, correct and minimal segment lists', () => {
    let satisfiable = 0;
    fc.assert(
      fc.property(
        randomTopology.chain((t) => fc.tuple(fc.constant(t), randomIntent(t))),
        ([t, spec]) => {
          const topology = build(t);
          const intent = makeIntent(topology, spec);
          const [result] = computePaths(topology, intent);
          const reference = new Reference(topology);
          const ingress = 0;
          const refIntent = new ReferenceIntent(reference, intent, name(t.n - 1), name(0));
          const candidates = refIntent.candidates();
          if (candidates.length === 0) {
            expect(result!.status).toBe('unsatisfiable');
            expect(result!.reason).toMatch(/\w/);
            return;
          }
          satisfiable++;
          expect(result!.status).toBe('ok');
          const route = reference.expand(result!.segments, ingress);
          expect(route).toBeDefined();
          expect(nodeNames(reference, route!, ingress)).toEqual(result!.path);
          expect(route!.edges.every(refIntent.allowEdge)).toBe(true);
          expect(
            result!.path.every((node) => refIntent.allowNode(reference.index.get(node)!)),
          ).toBe(true);
          expect(refIntent.withinBounds(route!)).toBe(true);
          expect(refIntent.visitsWaypoints(route!)).toBe(true);
          const best = Math.min(...candidates.map((c) => objectiveValue(intent, c, candidates)));
          const chosen = objectiveValue(intent, route!, candidates);
          if (!near(chosen, best)) throw new Error(`objective ${chosen}, brute force ${best}`);
          expect(result!.segments.length).toBe(reference.minimalListLength(route!, ingress));
        },
      ),
      { seed: SEED, numRuns: 600 * RUNS },
    );
    expect(satisfiable).toBeGreaterThan(200 * RUNS);
  });
});

describe('encodeSegmentList against brute force', () => {
  test('exists exactly when brute force finds a list, and is as short', () => {
    fc.assert(
      fc.property(
        randomTopology,
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        (t, pick, stopPick, withStop) => {
          const topology = build(t);
          const reference = new Reference(topology);
          const paths = reference.simplePaths(0, t.n - 1);
          if (paths.length === 0) return;
          const edges = paths[pick % paths.length]!;
          const nodes = [0, ...edges.map((edge) => edge.to)];
          const services = topology.spec.services ?? [];
          const stopCandidates = services.flatMap((service) =>
            nodes
              .map((node, position) => ({ node, position }))
              .filter(({ node }) => reference.names[node] === service.node)
              .map(({ position }) => ({ position, service })),
          );
          const stop =
            withStop && stopCandidates.length > 0
              ? stopCandidates[stopPick % stopCandidates.length]
              : undefined;
          const refRoute: RefRoute = {
            edges,
            stops: stop ? [{ position: stop.position, sid: stop.service.sid }] : [],
          };

          const graph = buildGraph(topology);
          const toGraphEdge = (edge: (typeof edges)[number]) =>
            graph.edges.find(
              (candidate) => candidate.link.name === edge.link.name && candidate.from === edge.from,
            )!;
          const route: Route = {
            nodes,
            edges: edges.map(toGraphEdge),
            stops: stop
              ? [{ position: stop.position, service: graph.serviceByName.get(stop.service.name)! }]
              : [],
          };
          const encoding = encodeSegmentList(graph, new IgpOracle(graph), route);
          const minimal = reference.minimalListLength(refRoute, 0);
          if (minimal === undefined) {
            expect(encoding.ok).toBe(false);
            return;
          }
          expect(encoding.ok).toBe(true);
          if (!encoding.ok) return;
          expect(encoding.segments.length).toBe(minimal);
          const expanded = reference.expand(encoding.segments, 0);
          expect(expanded?.edges).toEqual(refRoute.edges);
          expect(expanded?.stops).toEqual(refRoute.stops);
        },
      ),
      { seed: SEED + 1, numRuns: 400 * RUNS },
    );
  });
});
