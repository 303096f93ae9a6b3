/**
 * Seeded random small topologies (≤ 7 nodes) and intents for the property tests, built with
 * the helpers of support.ts (validated like stored documents).
 */
import fc from 'fast-check';
import { OBJECTIVE_TYPES, type IntentConstraints, type Topology } from '@srv6/schema';
import { makeTopology, type IntentSpec, type LinkSpec, type ServiceSpec } from './support.js';

/** Fixed for reproducibility; PATH_PROPERTY_SEED explores others. */
export const SEED = Number(process.env.PATH_PROPERTY_SEED ?? 20240611);
export const RUNS = Number(process.env.PATH_PROPERTY_RUNS ?? 1);

export interface RandomTopology {
  n: number;
  links: LinkSpec[];
  untrusted: boolean[];
  services: ServiceSpec[];
}

export const name = (i: number): string => `n${i}`;

export const randomTopology: fc.Arbitrary<RandomTopology> = fc
  .integer({ min: 2, max: 7 })
  .chain((n) =>
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

export const randomIntent = (t: RandomTopology): fc.Arbitrary<IntentSpec> =>
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

export function build(t: RandomTopology): Topology {
  const nodes = Array.from({ length: t.n }, (_, i) => ({
    name: name(i),
    ...(t.untrusted[i] ? { tags: ['untrusted'] } : {}),
  }));
  return makeTopology(nodes, t.links, { services: t.services });
}
