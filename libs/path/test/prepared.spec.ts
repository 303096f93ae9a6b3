/**
 * prepareTopology: computations on one PreparedTopology give exactly what computePaths gives on
 * the plain topology (on the property generators, memo shared across intents and with a memo
 * too small to keep anything), and a changed topology never sees a stale graph or oracle.
 */
import fc from 'fast-check';
import type { Topology } from '@srv6/schema';
import { computePaths, prepareTopology, type PathResult } from '../src/index.js';
import { build, randomIntent, randomTopology, RUNS, SEED } from './generators.js';
import { makeIntent, makeTopology } from './support.js';

const comparable = (results: readonly PathResult[]): string => JSON.stringify(results);

describe('prepareTopology', () => {
  test('same results as computePaths(topology), memo shared across intents or evicted', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        randomTopology.chain((t) =>
          fc.tuple(fc.constant(t), fc.array(randomIntent(t), { minLength: 1, maxLength: 5 })),
        ),
        ([t, specs]) => {
          const topology = build(t);
          const shared = prepareTopology(topology);
          const tiny = prepareTopology(topology, { maxTreeBytes: 1 });
          for (const spec of specs) {
            const intent = makeIntent(topology, spec);
            const plain = comparable(computePaths(topology, intent));
            expect(comparable(computePaths(shared, intent))).toBe(plain);
            expect(comparable(computePaths(tiny, intent))).toBe(plain);
            expect(tiny.igp.memoisedTrees).toBeLessThanOrEqual(1);
            compared++;
          }
        },
      ),
      { seed: SEED + 2, numRuns: 300 * RUNS },
    );
    expect(compared).toBeGreaterThan(600 * RUNS);
  });

  // a -1- b -1- d and a -1- c -1- d: an ECMP tie from a to d; c-d is cheaper in delay.
  const diamond = (): Topology =>
    makeTopology(
      ['a', 'b', 'c', 'd'],
      [
        { a: 'a', b: 'b', delay: 1 },
        { a: 'b', b: 'd', delay: 1 },
        { a: 'a', b: 'c', delay: 2 },
        { a: 'c', b: 'd', delay: 2 },
      ],
    );

  test('a changed topology gets its own state: the removed link no longer ties', () => {
    const before = diamond();
    const intent = makeIntent(before, { objective: 'low-latency' });
    const prepared = prepareTopology(before);
    const first = computePaths(prepared, intent)[0]!;
    expect(first.path).toEqual(['a', 'b', 'd']);
    expect(first.segments).toEqual(['fc00:0:2::1', 'fc00:0:4::d6']); // the tie needs b's SID

    const withoutCd = { ...before, spec: { ...before.spec, links: before.spec.links.slice(0, 3) } };
    const after = prepareTopology(withoutCd);
    expect(computePaths(after, intent)[0]!.segments).toEqual(['fc00:0:4::d6']);
    expect(computePaths(prepared, intent)[0]!.segments).toEqual(first.segments);
  });

  test('a snapshot: mutating the topology afterwards changes nothing it computes', () => {
    const topology = diamond();
    const intent = makeIntent(topology, { objective: 'low-latency' });
    const original = structuredClone(topology);
    const prepared = prepareTopology(topology);
    computePaths(prepared, intent); // fill the memo first

    topology.spec.links[1]!.delayMs = 50; // b-d slower: the plain call now goes a-c-d
    expect(computePaths(topology, intent)[0]!.path).toEqual(['a', 'c', 'd']);
    topology.spec.links[2]!.igpMetric = 5;
    topology.spec.hosts![0]!.attachedTo = 'b';
    topology.spec.nodes[3]!.prefixes = [];
    expect(computePaths(topology, intent)[0]!.status).toBe('unsatisfiable');
    expect(comparable(computePaths(prepared, intent))).toBe(
      comparable(computePaths(original, intent)),
    );
  });
});
