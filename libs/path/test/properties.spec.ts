/**
 * Properties on small random topologies (≤ 7 nodes) against the brute-force reference:
 * the optimum equals the best over every candidate path, constraints hold, the segment list
 * expands to exactly the path, and no shorter list is correct. Seeded and reproducible.
 */
import fc from 'fast-check';
import {
  buildGraph,
  computePaths,
  encodeSegmentList,
  IgpOracle,
  type Route,
} from '../src/index.js';
import { build, name, randomIntent, randomTopology, RUNS, SEED } from './generators.js';
import { Reference, ReferenceIntent, near, objectiveValue, type RefRoute } from './reference.js';
import { makeIntent } from './support.js';

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
