import fc from 'fast-check';
import { validateTopology, type Intent, type Topology, type TopologyLink } from '@srv6/schema';
import { affectedIntents, CurrentPath, objectiveKind } from '../src/affected-intents.js';
import { computePaths, type PathResult } from '../src/compute.js';
import { build, name, randomIntent, randomTopology, RUNS, SEED } from './generators.js';
import { makeIntent, makeTopology, type IntentSpec, type LinkSpec } from './support.js';

const topology: Topology = {
  apiVersion: 'srv6.intents/v1',
  kind: 'Topology',
  metadata: { name: 't' },
  spec: {
    nodes: ['r1', 'r2', 'r3', 'r4'].map((name, i) => ({ name, sid: `fc00:0:${i + 1}::1` })),
    links: [
      { name: 'r1-r2', a: 'r1', b: 'r2', igpMetric: 10, delayMs: 5, bandwidthMbps: 1000 },
      { name: 'r2-r4', a: 'r2', b: 'r4', igpMetric: 10, delayMs: 5, bandwidthMbps: 1000 },
      { name: 'r1-r3', a: 'r1', b: 'r3', igpMetric: 20, delayMs: 2, bandwidthMbps: 100 },
      { name: 'r3-r4', a: 'r3', b: 'r4', igpMetric: 20, delayMs: 2, bandwidthMbps: 100 },
    ],
    hosts: [{ name: 'host-a', attachedTo: 'r1', address: '2001:db8:a::10' }],
  },
};

const current: CurrentPath[] = [
  { intent: 'via-r2', paths: [['r1', 'r2', 'r4']], unsatisfiable: false, objective: 'low-latency' },
  { intent: 'via-r3', paths: [['r1', 'r3', 'r4']], unsatisfiable: false, objective: 'low-cost' },
  { intent: 'stuck', paths: [], unsatisfiable: true, objective: 'low-latency' },
];

function withLinksOf(
  base: Topology,
  change: (links: Topology['spec']['links']) => Topology['spec']['links'],
): Topology {
  return { ...base, spec: { ...base.spec, links: change(base.spec.links) } };
}

const withLinks = (change: Parameters<typeof withLinksOf>[1]): Topology =>
  withLinksOf(topology, change);

describe('affectedIntents', () => {
  it.each([
    [
      // via-r3 pinned r3 because r1→r4 went over r2: now r4's SID alone is exact.
      'link r2-r4 removed: the path crossing it, and the one whose IGP expansion changes',
      withLinks((l) => l.filter((x) => x.name !== 'r2-r4')),
      ['via-r2', 'via-r3', 'stuck'],
    ],
    [
      'delay worse on r1-r3: the path crossing it (and the unsatisfiable one, always)',
      withLinks((l) => l.map((x) => (x.name === 'r1-r3' ? { ...x, delayMs: 9 } : x))),
      ['via-r3', 'stuck'],
    ],
    [
      'bandwidth lower on r3-r4',
      withLinks((l) => l.map((x) => (x.name === 'r3-r4' ? { ...x, bandwidthMbps: 10 } : x))),
      ['via-r3', 'stuck'],
    ],
    [
      'delay better on r1-r3: every intent may improve',
      withLinks((l) => l.map((x) => (x.name === 'r1-r3' ? { ...x, delayMs: 1 } : x))),
      ['via-r2', 'via-r3', 'stuck'],
    ],
    [
      'IGP metric changed: every expansion may change',
      withLinks((l) => l.map((x) => (x.name === 'r1-r2' ? { ...x, igpMetric: 11 } : x))),
      ['via-r2', 'via-r3', 'stuck'],
    ],
    [
      'link added',
      withLinks((l) => [
        ...l,
        { name: 'r2-r3', a: 'r2', b: 'r3', igpMetric: 5, delayMs: 1, bandwidthMbps: 10 },
      ]),
      ['via-r2', 'via-r3', 'stuck'],
    ],
    ['nothing changed', topology, []],
  ])('%s', (_name, after, expected) => {
    expect(affectedIntents(topology, after, current)).toEqual(expected);
  });

  it('a node removed affects the paths through it; no previous topology: everything', () => {
    const withoutR3 = {
      ...topology,
      spec: {
        ...topology.spec,
        nodes: topology.spec.nodes.filter((n) => n.name !== 'r3'),
        links: topology.spec.links.filter((l) => l.a !== 'r3' && l.b !== 'r3'),
      },
    };
    expect(affectedIntents(topology, withoutR3, current)).toEqual(['via-r3', 'stuck']);
    expect(affectedIntents(undefined, topology, current)).toEqual(['via-r2', 'via-r3', 'stuck']);
  });
});

/** The topology without some links (and nodes), everything else kept (SIDs included). */
function without(topology: Topology, links: readonly string[], nodes: readonly string[] = []) {
  const result = validateTopology({
    ...topology,
    spec: {
      ...topology.spec,
      nodes: topology.spec.nodes.filter((node) => !nodes.includes(node.name)),
      links: topology.spec.links.filter(
        (link) => !links.includes(link.name!) && !nodes.includes(link.a) && !nodes.includes(link.b),
      ),
    },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

const comparable = (results: readonly PathResult[]): string =>
  JSON.stringify(results.map((r) => [r.status, r.path, r.segments, r.metrics, r.reason]));

function currentOf(intent: Intent, results: readonly PathResult[]): CurrentPath {
  return {
    intent: intent.metadata.name,
    paths: results.map((result) => result.path),
    unsatisfiable: results.some((result) => result.status !== 'ok'),
    objective: objectiveKind(intent),
  };
}

/**
 * Removals (and a worsening) that change an intent whose path does not cross them: each must be
 * reported. All fail with an affectedIntents that only looks at the elements a path crosses.
 */
describe('affectedIntents after a change the path does not cross', () => {
  /** 'ab:10:1' = link ab between a and b, igpMetric 10, delay 1; '!' untrusted, '@100' Mbps. */
  const links = (text: string): LinkSpec[] =>
    text.split(' ').map((token) => {
      const [ends, igp, delay] = token.replace(/[!@].*/, '').split(':') as [string, string, string];
      const bw = /@(\d+)/.exec(token)?.[1];
      return {
        name: ends,
        a: ends[0]!,
        b: ends[1]!,
        igp: Number(igp),
        delay: Number(delay),
        ...(token.includes('!') ? { tags: ['untrusted'] } : {}),
        ...(bw ? { bw: Number(bw) } : {}),
      };
    });
  type Case = [
    string,
    LinkSpec[],
    IntentSpec,
    string,
    Partial<PathResult>,
    Partial<TopologyLink> | undefined,
  ];
  // a-f-d is slow; a-b-c-d fast, but b-c ties with b-e-c (untrusted, no End.X SID) until e-c goes.
  const detour = links('af:1:10 fd:1:10 ab:10:1 bc:10:1 cd:10:1 be:5:1! ec:5:1!');
  const cases: Case[] = [
    [
      // a→d ties over b and c; the path a-b-d pins b. Without c-d, d's decapSid alone is exact.
      'an ECMP tie broken: the segment list gets shorter',
      links('ab:1:1 bd:1:1 ac:1:2 cd:1:2'),
      { objective: 'low-latency' },
      'cd',
      { path: ['a', 'b', 'd'], segments: ['fc00:0:4::d6'] },
      undefined,
    ],
    [
      // b-c ties with b-e-c (no End.X SID), so the fast a-b-c-d is not encodable; it is once
      // e-c is gone. The current path a-f-d is far (in IGP terms) from the removed link.
      'an edge elsewhere becomes encodable: a better path',
      detour,
      { objective: 'low-latency', constraints: { avoidTags: ['untrusted'] } },
      'ec',
      { path: ['a', 'b', 'c', 'd'] },
      undefined,
    ],
    [
      // As above for low-packet-loss: no link loses anything, the delay tie-break decides.
      'low-packet-loss: an equally lossless, faster path becomes encodable',
      detour,
      { objective: 'low-packet-loss', constraints: { avoidTags: ['untrusted'] } },
      'ec',
      { path: ['a', 'b', 'c', 'd'] },
      undefined,
    ],
    [
      // As above for high-bandwidth: a-b-c-d is slower but 1,000 Mbps wide, not 100.
      'high-bandwidth: a wider path becomes encodable',
      links(
        'af:1:1@100 fd:1:1@100 ab:10:10@1000 bc:10:10@1000 cd:10:10@1000 be:5:1!@1000 ec:5:1!@1000',
      ),
      { objective: 'high-bandwidth', constraints: { avoidTags: ['untrusted'] } },
      'ec',
      { path: ['a', 'b', 'c', 'd'], metrics: { bottleneckMbps: 1000 } as PathResult['metrics'] },
      undefined,
    ],
    [
      // The same 100 Mbps bottleneck, but 3 ms instead of 20: the delay tie-break picks it.
      'high-bandwidth: as wide and faster',
      links(
        'af:1:10@100 fd:1:10@100 ab:10:1@100 bc:10:1@1000 cd:10:1@1000 be:5:1!@1000 ec:5:1!@1000',
      ),
      { objective: 'high-bandwidth', constraints: { avoidTags: ['untrusted'] } },
      'ec',
      { path: ['a', 'b', 'c', 'd'] },
      undefined,
    ],
    [
      // The only trusted way, a-d, ties with a-b-d: unsatisfiable until b-d is gone.
      'an unsatisfiable intent becomes satisfiable',
      links('ad:2:1 ab:1:1! bd:1:1!'),
      { objective: 'low-latency', constraints: { avoidTags: ['untrusted'] } },
      'bd',
      { status: 'ok', path: ['a', 'd'] },
      undefined,
    ],
    [
      // Delay normalised by its optimum (over e), cost by its optimum (over b): c wins, 5/1 +
      // 4/2 = 7. Without e-d the delay optimum is 5 and b wins: 8/5 + 2/2 < 5/5 + 4/2.
      "a weighted mix: a part's optimum moved",
      links('ab:1:4 bd:1:4 ac:2:2.5 cd:2:2.5 ae:10:0.5 ed:10:0.5'),
      {
        objectives: [
          { type: 'low-latency', weight: 1 },
          { type: 'low-cost', weight: 1 },
        ],
      },
      'ed',
      { path: ['a', 'b', 'd'] },
      undefined,
    ],
    [
      // The smallest bottleneck wins: a lower bandwidth on c-d makes a-c-d the better path.
      'low-bandwidth: a link elsewhere gets less bandwidth',
      links('ab:1:1@100 bd:1:1@100 ac:2:1@1000 cd:2:1@1000'),
      { objective: 'low-bandwidth' },
      'cd',
      { path: ['a', 'c', 'd'] },
      { bandwidthMbps: 50 },
    ],
  ];

  it.each(cases)('%s', (_title, linkSpecs, spec, removed, expected, worse) => {
    const nodes = [...new Set(linkSpecs.flatMap((link) => [link.a, link.b]))].sort();
    const before = makeTopology(nodes, linkSpecs, { ingress: 'a', egress: 'd' });
    const after = worse
      ? withLinksOf(before, (l) => l.map((x) => (x.name === removed ? { ...x, ...worse } : x)))
      : without(before, [removed]);
    const intent = makeIntent(before, spec);
    const [was] = computePaths(before, intent);
    const [now] = computePaths(after, intent);
    expect(now).toMatchObject(expected);
    expect(comparable([now!])).not.toBe(comparable([was!])); // the removal does change it
    expect(was!.path.join('|')).not.toMatch(new RegExp(`${removed[0]}\\|${removed[1]}`));
    expect(affectedIntents(before, after, [currentOf(intent, [was!])])).toEqual(['test']);
  });
});

/**
 * Random removals (a link, or a node with its links) and worsenings of a link on the property
 * generators: every intent affectedIntents leaves out must keep exactly its result.
 */
describe('affectedIntents against full recompute', () => {
  type Change = { kind: 'link' | 'node' | 'worse'; pick: number };
  const change: fc.Arbitrary<Change> = fc.record({
    kind: fc.constantFrom('link', 'node', 'worse'),
    pick: fc.nat(),
  });

  function changed(topology: Topology, intents: readonly Intent[], what: Change): Topology {
    const links = topology.spec.links;
    if (what.kind === 'link') return without(topology, [links[what.pick % links.length]!.name!]);
    if (what.kind === 'worse') {
      const target = links[what.pick % links.length]!;
      const worse = { ...target, delayMs: target.delayMs + 3, bandwidthMbps: 5 };
      const spec = { ...topology.spec, links: links.map((l) => (l === target ? worse : l)) };
      return { ...topology, spec };
    }
    // A node no host, prefix, service or intent refers to.
    const named = new Set(
      intents.flatMap((intent) => [
        ...(intent.spec.constraints?.avoidNodes ?? []),
        ...(intent.spec.constraints?.via ?? []),
      ]),
    );
    const services = new Set((topology.spec.services ?? []).map((service) => service.node));
    const free = topology.spec.nodes
      .map((node) => node.name)
      .filter((node) => node !== name(0) && !node.endsWith(String(topology.spec.nodes.length - 1)))
      .filter((node) => !named.has(node) && !services.has(node));
    if (free.length === 0) return without(topology, [links[what.pick % links.length]!.name!]);
    return without(topology, [], [free[what.pick % free.length]!]);
  }

  test('an intent left out gets the same result from a full recompute', () => {
    let keptOut = 0;
    fc.assert(
      fc.property(
        randomTopology.chain((t) =>
          fc.tuple(
            fc.constant(t),
            fc.array(randomIntent(t), { minLength: 1, maxLength: 6 }),
            change,
          ),
        ),
        ([t, specs, what]) => {
          const before = build(t);
          if (before.spec.links.length === 0) return;
          const intents = specs.map((spec, i) => {
            const intent = makeIntent(before, spec);
            return { ...intent, metadata: { name: `i${i}` } };
          });
          const after = changed(before, intents, what);
          const results = intents.map((intent) => computePaths(before, intent));
          const current = intents.map((intent, i) => currentOf(intent, results[i]!));
          const affected = new Set(affectedIntents(before, after, current));
          intents.forEach((intent, i) => {
            if (affected.has(intent.metadata.name)) return;
            keptOut++;
            expect(comparable(computePaths(after, intent))).toBe(comparable(results[i]!));
          });
        },
      ),
      { seed: SEED + 3, numRuns: 500 * RUNS },
    );
    expect(keptOut).toBeGreaterThan(100 * RUNS); // the property is not vacuous
  });
});
