import type { Topology } from '@srv6/schema';
import { affectedIntents, CurrentPath } from '../src/affected-intents.js';

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
  { intent: 'via-r2', paths: [['r1', 'r2', 'r4']], unsatisfiable: false },
  { intent: 'via-r3', paths: [['r1', 'r3', 'r4']], unsatisfiable: false },
  { intent: 'stuck', paths: [], unsatisfiable: true },
];

function withLinks(
  change: (links: Topology['spec']['links']) => Topology['spec']['links'],
): Topology {
  return { ...topology, spec: { ...topology.spec, links: change(topology.spec.links) } };
}

describe('affectedIntents', () => {
  it.each([
    [
      'link r2-r4 removed: only the path crossing it',
      withLinks((l) => l.filter((x) => x.name !== 'r2-r4')),
      ['via-r2'],
    ],
    [
      'delay worse on r1-r3: only the path crossing it',
      withLinks((l) => l.map((x) => (x.name === 'r1-r3' ? { ...x, delayMs: 9 } : x))),
      ['via-r3'],
    ],
    [
      'bandwidth lower on r3-r4',
      withLinks((l) => l.map((x) => (x.name === 'r3-r4' ? { ...x, bandwidthMbps: 10 } : x))),
      ['via-r3'],
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
    expect(affectedIntents(topology, withoutR3, current)).toEqual(['via-r3']);
    expect(affectedIntents(undefined, topology, current)).toEqual(['via-r2', 'via-r3', 'stuck']);
  });
});
