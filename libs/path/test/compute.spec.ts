/** Table-driven: each objective and constraint on small hand-made topologies. */
import { computePaths, type PathResult } from '../src/index.js';
import {
  adjSid,
  decapSid,
  makeIntent,
  makeTopology,
  nodeSid,
  serviceSid,
  type IntentSpec,
} from './support.js';

/**
 *        b (fast, narrow, lossy)
 *      /   \
 *     a --c-- d      a-c-d: cheap (IGP path), wide, busy, jittery
 *      \   /
 *        e (untrusted, smooth, flex-algo 128)
 */
const diamond = makeTopology(
  ['a', 'b', 'c', { name: 'e', tags: ['untrusted'] }, 'd'],
  [
    { a: 'a', b: 'b', igp: 10, delay: 1, bw: 100, loss: 1, jitter: 1, util: 0.2 },
    { a: 'b', b: 'd', igp: 10, delay: 1, bw: 100, loss: 1, jitter: 1, util: 0.2 },
    { a: 'a', b: 'c', igp: 5, delay: 5, bw: 10000, loss: 0.1, jitter: 2, util: 0.9 },
    { a: 'c', b: 'd', igp: 5, delay: 5, bw: 10000, loss: 0.1, jitter: 2, util: 0.9 },
    { a: 'a', b: 'e', igp: 10, delay: 3, bw: 1000, loss: 0, jitter: 0.1, util: 0.5, algos: [128] },
    { a: 'e', b: 'd', igp: 10, delay: 3, bw: 1000, loss: 0, jitter: 0.1, util: 0.5, algos: [128] },
  ],
);
// Node indexes: a 0, b 1, c 2, e 3, d 4.

function compute(spec: IntentSpec, topology = diamond): PathResult {
  return computePaths(topology, makeIntent(topology, spec))[0]!;
}

describe('objectives', () => {
  test.each<[string, IntentSpec, string[]]>([
    ['low-latency: sum of delay', { objective: 'low-latency' }, ['a', 'b', 'd']],
    ['low-jitter: sum of jitter', { objective: 'low-jitter' }, ['a', 'e', 'd']],
    ['low-packet-loss: end-to-end loss', { objective: 'low-packet-loss' }, ['a', 'e', 'd']],
    ['low-cost: sum of igpMetric', { objective: 'low-cost' }, ['a', 'c', 'd']],
    ['high-bandwidth: widest bottleneck', { objective: 'high-bandwidth' }, ['a', 'c', 'd']],
    ['low-bandwidth: narrowest bottleneck', { objective: 'low-bandwidth' }, ['a', 'b', 'd']],
    [
      'low-bandwidth: narrowest meeting minBandwidthMbps',
      { objective: 'low-bandwidth', constraints: { minBandwidthMbps: 500 } },
      ['a', 'e', 'd'],
    ],
    [
      'low-utilization: lowest highest utilization',
      { objective: 'low-utilization' },
      ['a', 'b', 'd'],
    ],
    [
      'weighted: cost-heavy mix picks the cheap path',
      {
        objectives: [
          { type: 'low-cost', weight: 0.9 },
          { type: 'low-latency', weight: 0.1 },
        ],
      },
      ['a', 'c', 'd'],
    ],
    [
      'weighted: latency-heavy mix picks the fast path',
      {
        objectives: [
          { type: 'low-cost', weight: 0.1 },
          { type: 'low-latency', weight: 0.9 },
        ],
      },
      ['a', 'b', 'd'],
    ],
    [
      'weighted: a balanced mix picks the compromise',
      {
        objectives: [
          { type: 'low-cost', weight: 0.5 },
          { type: 'low-latency', weight: 0.5 },
          { type: 'low-jitter', weight: 0.5 },
        ],
      },
      ['a', 'e', 'd'],
    ],
  ])('%s', (_, spec, path) => {
    expect(compute(spec)).toMatchObject({ status: 'ok', path });
  });

  test('ties go to lower delay, then fewer hops, then names', () => {
    const topology = makeTopology(
      ['s', 'x', 'y', 'z', 't'],
      [
        { a: 's', b: 'y', igp: 1, delay: 2 },
        { a: 'y', b: 't', igp: 1, delay: 2 },
        { a: 's', b: 'x', igp: 1, delay: 2 },
        { a: 'x', b: 't', igp: 1, delay: 2 },
        { a: 's', b: 'z', igp: 2, delay: 1 },
        { a: 'z', b: 't', igp: 2, delay: 1, adj: ['z'] },
      ],
    );
    // Equal cost 2 via x and y (ECMP): names decide (x), and a segment pins it.
    expect(compute({ objective: 'low-cost' }, topology)).toMatchObject({
      path: ['s', 'x', 't'],
      segments: [nodeSid(1), decapSid(4)],
    });
    // Equal bottleneck everywhere: lower delay wins (z).
    expect(compute({ objective: 'high-bandwidth' }, topology).path).toEqual(['s', 'z', 't']);
  });

  test('metrics report delay, bottleneck, IGP cost and hops', () => {
    expect(compute({ objective: 'low-latency' }).metrics).toEqual({
      delayMs: 2,
      bottleneckMbps: 100,
      igpCost: 20,
      hops: 2,
    });
  });
});

describe('constraints', () => {
  test.each<[string, IntentSpec, string[]]>([
    [
      'maxDelayMs: cheapest within the bound (cost tie → lower delay)',
      { objective: 'low-cost', constraints: { maxDelayMs: 6 } },
      ['a', 'b', 'd'],
    ],
    ['maxJitterMs', { objective: 'low-latency', constraints: { maxJitterMs: 1 } }, ['a', 'e', 'd']],
    [
      'maxLossPercent',
      { objective: 'low-cost', constraints: { maxLossPercent: 0.1 } },
      ['a', 'e', 'd'],
    ],
    [
      'minBandwidthMbps',
      { objective: 'low-latency', constraints: { minBandwidthMbps: 1000 } },
      ['a', 'e', 'd'],
    ],
    ['flexAlgo', { objective: 'low-cost', constraints: { flexAlgo: 128 } }, ['a', 'e', 'd']],
    [
      'avoidNodes',
      { objective: 'low-latency', constraints: { avoidNodes: ['b'] } },
      ['a', 'e', 'd'],
    ],
    [
      'avoidLinks',
      { objective: 'low-latency', constraints: { avoidLinks: ['b-d'] } },
      ['a', 'e', 'd'],
    ],
    [
      'avoidTags (nodes)',
      { objective: 'low-jitter', constraints: { avoidTags: ['untrusted'] } },
      ['a', 'b', 'd'],
    ],
    ['via a node', { objective: 'low-latency', constraints: { via: ['c'] } }, ['a', 'c', 'd']],
    [
      'via two nodes in order (legs may share nodes)',
      { objective: 'low-latency', constraints: { via: ['b', 'e'] } },
      ['a', 'b', 'a', 'e', 'd'],
    ],
    [
      'low-cost under maxDelayMs and maxJitterMs together (exact CSPF)',
      { objective: 'low-cost', constraints: { maxDelayMs: 10, maxJitterMs: 4 } },
      ['a', 'c', 'd'],
    ],
  ])('%s', (_, spec, path) => {
    expect(compute(spec)).toMatchObject({ status: 'ok', path });
  });

  test('exact CSPF: a cheaper path over the bound loses to a feasible one, not to a heuristic', () => {
    // Cheapest is s-a-t (delay 10); within 6 ms: s-b-c-t (cost 6) beats s-d-t (cost 9).
    const topology = makeTopology(
      ['s', 'a', 'b', 'c', 'd', 't'],
      [
        { a: 's', b: 'a', igp: 1, delay: 5 },
        { a: 'a', b: 't', igp: 1, delay: 5 },
        { a: 's', b: 'b', igp: 2, delay: 2, adj: ['s'] },
        { a: 'b', b: 'c', igp: 2, delay: 2 },
        { a: 'c', b: 't', igp: 2, delay: 2, adj: ['c'] },
        { a: 's', b: 'd', igp: 4, delay: 1, adj: ['s'] },
        { a: 'd', b: 't', igp: 5, delay: 1, adj: ['d'] },
      ],
    );
    expect(
      compute({ objective: 'low-cost', constraints: { maxDelayMs: 6 } }, topology).path,
    ).toEqual(['s', 'b', 'c', 't']);
  });
});

describe('service chains', () => {
  const topology = makeTopology(
    ['a', 'f1', 'f2', 'd'],
    [
      { a: 'a', b: 'f1', igp: 1, delay: 10 },
      { a: 'f1', b: 'd', igp: 1, delay: 10 },
      { a: 'a', b: 'f2', igp: 5, delay: 2 },
      { a: 'f2', b: 'd', igp: 5, delay: 2 },
    ],
    {
      services: [
        { name: 'fw-slow', type: 'firewall', node: 'f1' },
        { name: 'fw-fast', type: 'firewall', node: 'f2' },
        { name: 'ids', type: 'ids', node: 'd' },
      ],
    },
  );

  test.each<[string, IntentSpec, string[], string[]]>([
    [
      'low-latency chooses the instance on the fast branch',
      { objective: 'low-latency', constraints: { serviceChain: ['firewall'] } },
      ['a', 'f2', 'd'],
      [serviceSid(1), decapSid(3)],
    ],
    [
      'low-cost chooses the instance on the cheap branch',
      { objective: 'low-cost', constraints: { serviceChain: ['firewall'] } },
      ['a', 'f1', 'd'],
      [serviceSid(0), decapSid(3)],
    ],
    [
      'via a service instance pins that instance',
      { objective: 'low-latency', constraints: { via: ['fw-slow'] } },
      ['a', 'f1', 'd'],
      [serviceSid(0), decapSid(3)],
    ],
    [
      'a chain of two, the second on the egress itself',
      { objective: 'low-latency', constraints: { serviceChain: ['firewall', 'ids'] } },
      ['a', 'f2', 'd'],
      [serviceSid(1), serviceSid(2), decapSid(3)],
    ],
  ])('%s', (_, spec, path, segments) => {
    expect(compute(spec, topology)).toMatchObject({ status: 'ok', path, segments });
  });
});

describe('segment lists', () => {
  test('one segment when the path is the IGP path', () => {
    expect(compute({ objective: 'low-cost' }).segments).toEqual([decapSid(4)]);
  });

  test('a node SID steers away from the IGP path', () => {
    expect(compute({ objective: 'low-latency' }).segments).toEqual([nodeSid(1), decapSid(4)]);
  });

  test('ECMP: a segment pins one of two equal-cost branches', () => {
    const topology = makeTopology(
      ['s', 'x', 'y', 't'],
      [
        { a: 's', b: 'x', delay: 1 },
        { a: 'x', b: 't', delay: 1 },
        { a: 's', b: 'y', delay: 2 },
        { a: 'y', b: 't', delay: 2 },
      ],
    );
    expect(compute({ objective: 'low-latency' }, topology)).toMatchObject({
      path: ['s', 'x', 't'],
      segments: [nodeSid(1), decapSid(3)],
    });
  });

  test('parallel links: an adjacency SID pins the one the path takes', () => {
    const topology = makeTopology(
      ['s', 't'],
      [
        { name: 'slow', a: 's', b: 't', igp: 1, delay: 5 },
        { name: 'fast', a: 's', b: 't', igp: 1, delay: 1, adj: ['s'] },
      ],
    );
    expect(compute({ objective: 'low-latency' }, topology)).toMatchObject({
      path: ['s', 't'],
      segments: [adjSid(1, 0), decapSid(1)],
    });
  });

  test('a link off the IGP paths needs an adjacency SID; without one the path is no candidate', () => {
    const links = [
      { a: 's', b: 'm', igp: 1, delay: 5 },
      { a: 'm', b: 't', igp: 1, delay: 5 },
    ];
    const withAdj = makeTopology(
      ['s', 'm', 't'],
      [...links, { a: 's', b: 't', igp: 5, delay: 1, adj: ['s'] }],
    );
    expect(compute({ objective: 'low-latency' }, withAdj)).toMatchObject({
      path: ['s', 't'],
      segments: [adjSid(2, 0), decapSid(2)],
    });
    const without = makeTopology(['s', 'm', 't'], [...links, { a: 's', b: 't', igp: 5, delay: 1 }]);
    expect(compute({ objective: 'low-latency' }, without).path).toEqual(['s', 'm', 't']);
  });

  test('more than 16 segments: the best path is skipped for the next best', () => {
    // A chain of 17 hops whose every link has an ECMP twin (only the fast one has End.X SIDs)
    // needs 18 segments; a slower direct detour needs 2.
    const names = Array.from({ length: 18 }, (_, i) => `c${i}`);
    const links = names.slice(1).flatMap((node, i) => [
      { name: `f${i}`, a: names[i]!, b: node, igp: 1, delay: 0.1, adj: [names[i]!] },
      { name: `s${i}`, a: names[i]!, b: node, igp: 1, delay: 0.2 },
    ]);
    const chain = makeTopology(names, links);
    expect(compute({ objective: 'low-latency' }, chain)).toMatchObject({
      status: 'unsatisfiable',
      reason: 'every path from c0 to c17 that meets the constraints needs more than 16 segments',
    });
    const detour = makeTopology(
      [...names, 'x'],
      [...links, { a: 'c0', b: 'x', igp: 100, delay: 5 }, { a: 'x', b: 'c17', igp: 100, delay: 5 }],
      { egress: 'c17' },
    );
    expect(compute({ objective: 'low-latency' }, detour)).toMatchObject({
      status: 'ok',
      path: ['c0', 'x', 'c17'],
      segments: [nodeSid(18), decapSid(17)],
    });
  });
});

describe('unsatisfiable reasons', () => {
  test.each<[string, IntentSpec, string]>([
    [
      'a bound, with the best figure',
      { objective: 'low-cost', constraints: { maxDelayMs: 1 } },
      'no path from a to d within maxDelayMs 1 (best is 2 ms)',
    ],
    [
      'bounds that only fail together',
      { objective: 'low-cost', constraints: { maxDelayMs: 2, maxJitterMs: 0.2 } },
      'no path from a to d meets maxDelayMs 2 and maxJitterMs 0.2 together',
    ],
    [
      'loss bound',
      { objective: 'low-cost', constraints: { maxLossPercent: 0.01, avoidNodes: ['e'] } },
      'no path from a to d within maxLossPercent 0.01 (best is 0.1999 %)',
    ],
    [
      'avoided tag',
      { objective: 'low-cost', constraints: { avoidTags: ['untrusted'], avoidNodes: ['b', 'c'] } },
      'no path avoids tag untrusted between a and d',
    ],
    [
      'avoided nodes',
      { objective: 'low-cost', constraints: { avoidNodes: ['b', 'c', 'e'] } },
      'no path avoids nodes b, c, e between a and d',
    ],
    [
      'the egress itself is avoided',
      { objective: 'low-cost', constraints: { avoidNodes: ['d'] } },
      'the egress d itself is excluded: the path avoids node d',
    ],
    [
      'flex-algo',
      { objective: 'low-cost', constraints: { flexAlgo: 129 } },
      'no path uses only links of flex-algo 129 between a and d',
    ],
    [
      'bandwidth',
      { objective: 'low-cost', constraints: { minBandwidthMbps: 20000 } },
      'no path has at least 20000 Mbps on every link between a and d (minBandwidthMbps 20000)',
    ],
    [
      'waypoints',
      { objective: 'low-cost', constraints: { via: ['b'], avoidLinks: ['a-b', 'b-d'] } },
      'no path from a to d visits b in that order under the other constraints',
    ],
  ])('%s', (_, spec, reason) => {
    expect(compute(spec)).toMatchObject({
      status: 'unsatisfiable',
      path: [],
      segments: [],
      reason,
    });
  });

  test('a path that cannot be encoded', () => {
    // Two equal-cost parallel links and no adjacency SID: no list can choose one.
    const topology = makeTopology(
      ['s', 't'],
      [
        { name: 'one', a: 's', b: 't' },
        { name: 'two', a: 's', b: 't' },
      ],
    );
    expect(compute({ objective: 'low-latency' }, topology).reason).toBe(
      'no path can be encoded as a segment list between s and t (every link must be the only ' +
        'IGP shortest path between its ends or have an adjacency SID owned by the node it leaves)',
    );
  });

  test('disconnected', () => {
    const topology = makeTopology(['s', 'x', 't'], [{ a: 's', b: 'x' }]);
    expect(compute({ objective: 'low-latency' }, topology).reason).toBe(
      'no path from s to t: they are not connected',
    );
  });
});

describe('hosts', () => {
  test('one result per host, or only the requested one', () => {
    const intent = makeIntent(diamond, { objective: 'low-cost' });
    expect(computePaths(diamond, intent).map((r) => r.host)).toEqual(['h']);
    expect(computePaths(diamond, intent, { host: 'nobody' })[0]).toMatchObject({
      status: 'unsatisfiable',
      reason: 'host nobody is not in the topology',
    });
  });
});
