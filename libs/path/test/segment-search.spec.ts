/**
 * searchBySegments against brute force on small random topologies with a small segment limit
 * (so the limit binds), and computePaths where the best paths all need more than 16 segments:
 * before the segment search, an intent there was refused as "needs more than 16 segments"
 * although a 2-segment path existed.
 */
import fc from 'fast-check';
import {
  buildGraph,
  computePaths,
  delayWeight,
  encodeSegmentList,
  IgpOracle,
  igpWeight,
  lossWeight,
  searchBySegments,
  type DirectedEdge,
  type EdgeWeight,
  type Route,
  type TopologyGraph,
} from '../src/index.js';
import { build, randomTopology, RUNS, SEED } from './generators.js';
import { adjSid, decapSid, makeIntent, makeTopology, type LinkSpec } from './support.js';

const KEYS: Record<string, readonly EdgeWeight[]> = {
  delay: [delayWeight],
  loss: [lossWeight, delayWeight],
  cost: [igpWeight, delayWeight],
};

const figuresOf = (route: Route, key: readonly EdgeWeight[]): number[] => [
  ...key.map((weight) => route.edges.reduce((total, edge) => total + weight(edge), 0)),
  route.edges.length,
];

/** Lexicographic, equal within 1e-9 relative (sums of decimals). */
function compare(x: readonly number[], y: readonly number[]): number {
  for (let d = 0; d < x.length; d++) {
    const scale = Math.max(1, Math.abs(x[d]!), Math.abs(y[d]!));
    if (Math.abs(x[d]! - y[d]!) > 1e-9 * scale) return x[d]! - y[d]!;
  }
  return 0;
}

/** Every simple route from source to target over what the filters allow. */
function simpleRoutes(
  graph: TopologyGraph,
  source: number,
  target: number,
  allowNode: (node: number) => boolean,
  allowEdge: (edge: DirectedEdge) => boolean,
): Route[] {
  const routes: Route[] = [];
  const nodes = [source];
  const edges: DirectedEdge[] = [];
  const walk = (node: number): void => {
    if (node === target) {
      routes.push({ nodes: [...nodes], edges: [...edges], stops: [] });
      return;
    }
    for (const edge of graph.outgoing[node]!) {
      if (nodes.includes(edge.to) || !allowEdge(edge) || !allowNode(edge.to)) continue;
      nodes.push(edge.to);
      edges.push(edge);
      walk(edge.to);
      nodes.pop();
      edges.pop();
    }
  };
  if (allowNode(source)) walk(source);
  return routes;
}

describe('searchBySegments against brute force', () => {
  test('the best route within the limit: never worse than the best simple one, correct, within the limit', () => {
    let bound = 0; // cases where the limit refused the overall best simple route
    fc.assert(
      fc.property(
        randomTopology,
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(...Object.keys(KEYS)),
        fc.boolean(),
        (t, maxSegments, keyName, avoidUntrusted) => {
          const topology = build(t);
          const graph = buildGraph(topology);
          const igp = new IgpOracle(graph);
          const key = KEYS[keyName]!;
          const source = 0;
          const target = t.n - 1;
          const allowNode = (node: number) =>
            !avoidUntrusted || !graph.nodes[node]!.tags.has('untrusted');
          const allowEdge = (edge: DirectedEdge) =>
            !avoidUntrusted || !edge.link.tags.has('untrusted');

          const fitting = simpleRoutes(graph, source, target, allowNode, allowEdge).filter(
            (route) => {
              const encoding = encodeSegmentList(graph, igp, route);
              return encoding.ok && encoding.segments.length <= maxSegments;
            },
          );
          const all = simpleRoutes(graph, source, target, allowNode, allowEdge);
          const route = searchBySegments({
            graph,
            igp,
            source,
            target,
            allowNode,
            allowEdge,
            key,
            maxSegments,
          });

          if (fitting.length === 0) {
            // No simple route fits; a route passing a node twice still may.
            if (route === undefined) return;
          } else {
            expect(route).toBeDefined();
          }
          const found = route!;
          // A route: source to target, links in order, every link and node allowed.
          expect(found.nodes[0]).toBe(source);
          expect(found.nodes.at(-1)).toBe(target);
          found.edges.forEach((edge, i) => {
            expect(edge.from).toBe(found.nodes[i]);
            expect(edge.to).toBe(found.nodes[i + 1]);
            expect(allowEdge(edge)).toBe(true);
          });
          expect(found.nodes.every(allowNode)).toBe(true);
          // Encodable within the limit.
          const encoding = encodeSegmentList(graph, igp, found);
          expect(encoding.ok).toBe(true);
          if (encoding.ok) expect(encoding.segments.length).toBeLessThanOrEqual(maxSegments);
          if (fitting.length === 0) return;
          // Optimal: no fitting simple route is better, and a simple result is one of them.
          const best = fitting
            .map((candidate) => figuresOf(candidate, key))
            .reduce((x, y) => (compare(x, y) <= 0 ? x : y));
          const figures = figuresOf(found, key);
          expect(compare(figures, best)).toBeLessThanOrEqual(0);
          if (new Set(found.nodes).size === found.nodes.length)
            expect(compare(figures, best)).toBe(0);
          const overall = all
            .map((candidate) => figuresOf(candidate, key))
            .reduce((x, y) => (compare(x, y) <= 0 ? x : y));
          if (compare(overall, best) < 0) bound++;
        },
      ),
      { seed: SEED, numRuns: 800 * RUNS },
    );
    // The limit must actually have refused better routes in a good share of the cases.
    expect(bound).toBeGreaterThan(20);
  });
});

/**
 * `diamonds` diamonds in a row, s = d0 … d<n> = t: from each d<i> two equal-cost branches
 * (ECMP, so one segment per diamond picks a branch), no loss; and a direct s–t link with 1 %
 * loss, too expensive for the IGP, forced by an End.X SID of s. The lowest-loss paths cross
 * the diamonds: 2^diamonds of them, each needing diamonds + 1 segments.
 */
function diamondChain(diamonds: number) {
  const nodes: string[] = ['d0'];
  const links: LinkSpec[] = [];
  for (let i = 0; i < diamonds; i++) {
    nodes.push(`u${i}`, `l${i}`, `d${i + 1}`);
    for (const branch of [`u${i}`, `l${i}`])
      links.push({ a: `d${i}`, b: branch, loss: 0 }, { a: branch, b: `d${i + 1}`, loss: 0 });
  }
  const direct = links.length;
  links.push({ a: 'd0', b: `d${diamonds}`, igp: 1000, loss: 1, adj: ['d0'] });
  const topology = makeTopology(nodes, links, { ingress: 'd0', egress: `d${diamonds}` });
  const egressIndex = nodes.indexOf(`d${diamonds}`);
  return { topology, directSegments: [adjSid(direct, 0), decapSid(egressIndex)] };
}

describe('computePaths when the best paths need more than 16 segments', () => {
  test('15 diamonds: the lossless path fits in exactly 16 segments and is chosen', () => {
    const { topology } = diamondChain(15);
    const [result] = computePaths(topology, makeIntent(topology, { objective: 'low-packet-loss' }));
    expect(result!.status).toBe('ok');
    expect(result!.segments).toHaveLength(16);
    expect(result!.path).toHaveLength(31);
  });

  test('18 diamonds (262,144 lossless paths, 19 segments each): the 2-segment direct path, not "unsatisfiable"', () => {
    const { topology, directSegments } = diamondChain(18);
    const [result] = computePaths(topology, makeIntent(topology, { objective: 'low-packet-loss' }));
    expect(result!.reason).toBeUndefined();
    expect(result!.status).toBe('ok');
    expect(result!.path).toEqual(['d0', 'd18']);
    expect(result!.segments).toEqual(directSegments);
  });

  test('with a waypoint (searched link by link, within a budget) the reason says the search stopped', () => {
    const { topology } = diamondChain(18);
    const intent = makeIntent(topology, {
      objective: 'low-packet-loss',
      constraints: { via: ['d0'] },
    });
    const [result] = computePaths(topology, intent);
    expect(result!.status).toBe('unsatisfiable');
    expect(result!.reason).toMatch(
      /^no path from d0 to d18 within 16 segments was found: the search stopped after 200,000 candidate steps/,
    );
  });
});
