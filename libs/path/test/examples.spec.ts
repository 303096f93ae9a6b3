/** Every file in examples/ validates, computes, and each objective picks the path it was designed for. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, validateIntent, validateTopology, type Intent } from '@srv6/schema';
import { computePaths } from '../src/index.js';

const examples = join(dirname(fileURLToPath(import.meta.url)), '../../../examples');

function load(name: string): unknown {
  const parsed = parseDocument(readFileSync(join(examples, name), 'utf8'));
  if (!parsed.ok) throw new Error(`${name}: ${JSON.stringify(parsed.errors)}`);
  return parsed.value;
}

const topologyResult = validateTopology(load('topology.yaml'));
if (!topologyResult.ok) throw new Error(JSON.stringify(topologyResult.errors));
const topology = topologyResult.value;

function intent(name: string): Intent {
  const result = validateIntent(load(`${name}.yaml`), topology);
  if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.errors)}`);
  return result.value;
}

const intentFiles = readdirSync(examples)
  .filter((file) => file.endsWith('.yaml') && file !== 'topology.yaml')
  .map((file) => file.replace(/\.yaml$/, ''))
  .sort();

/** [example, expected path, expected segments] */
const expectations: Array<[string, string[], string[]]> = [
  ['low-latency', ['r1', 'r2', 'r6'], ['fc00:0:2::1', 'fc00:0:6::d6']],
  ['low-jitter', ['r1', 'r5', 'r6'], ['fc00:0:1::e15', 'fc00:0:5::e56', 'fc00:0:6::d6']],
  ['low-packet-loss', ['r1', 'r3', 'r6'], ['fc00:0:3::e36', 'fc00:0:6::d6']],
  ['low-cost', ['r1', 'r4', 'r6'], ['fc00:0:6::d6']],
  ['high-bandwidth', ['r1', 'r3', 'r6'], ['fc00:0:3::e36', 'fc00:0:6::d6']],
  ['low-bandwidth', ['r1', 'r4', 'r5', 'r6'], ['fc00:0:5::e56', 'fc00:0:6::d6']],
  ['low-utilization', ['r1', 'r3', 'r6'], ['fc00:0:3::e36', 'fc00:0:6::d6']],
  ['weighted-objectives', ['r1', 'r5', 'r6'], ['fc00:0:1::e15', 'fc00:0:5::e56', 'fc00:0:6::d6']],
  ['max-delay', ['r1', 'r2', 'r6'], ['fc00:0:2::1', 'fc00:0:6::d6']],
  ['avoid-untrusted', ['r1', 'r4', 'r6'], ['fc00:0:6::d6']],
  ['avoid-nodes', ['r1', 'r3', 'r6'], ['fc00:0:3::e36', 'fc00:0:6::d6']],
  ['avoid-links', ['r1', 'r4', 'r5', 'r6'], ['fc00:0:5::e56', 'fc00:0:6::d6']],
  ['flex-algo', ['r1', 'r5', 'r6'], ['fc00:0:1::e15', 'fc00:0:5::e56', 'fc00:0:6::d6']],
  ['via', ['r1', 'r5', 'r6'], ['fc00:0:1::e15', 'fc00:0:5::e56', 'fc00:0:6::d6']],
  ['service-chain', ['r1', 'r3', 'r6'], ['fc00:0:3::f1', 'fc00:0:3::e36', 'fc00:0:6::d6']],
];

describe('examples/', () => {
  test('the topology has the promised shape', () => {
    expect(topology.spec.nodes.length).toBeGreaterThanOrEqual(6);
    expect(topology.spec.hosts?.map((host) => host.name)).toEqual([
      'host-a1',
      'host-a2',
      'host-b1',
      'host-b2',
    ]);
  });

  test('every objective and constraint has an example', () => {
    expect(intentFiles).toEqual([...expectations.map(([name]) => name), 'unsatisfiable'].sort());
  });

  test.each(intentFiles)('%s validates and computes for both hosts', (name) => {
    const results = computePaths(topology, intent(name));
    expect(results.map((result) => result.host)).toEqual(['host-a1', 'host-a2']);
    for (const result of results)
      expect(result.status).toBe(name === 'unsatisfiable' ? 'unsatisfiable' : 'ok');
  });

  test.each(expectations)('%s takes %j with segments %j', (name, path, segments) => {
    const [result] = computePaths(topology, intent(name), { host: 'host-a1' });
    expect(result).toMatchObject({ status: 'ok', path, segments });
  });

  test('objectives designed apart choose different paths', () => {
    const pathOf = (name: string): string =>
      computePaths(topology, intent(name), { host: 'host-a1' })[0]!.path.join(' ');
    const chosen = new Set(
      ['low-latency', 'low-jitter', 'low-packet-loss', 'low-cost', 'low-bandwidth'].map(pathOf),
    );
    expect(chosen.size).toBe(5);
  });

  test('unsatisfiable names the bound and the best figure', () => {
    const [result] = computePaths(topology, intent('unsatisfiable'), { host: 'host-a1' });
    expect(result).toEqual({
      intent: 'unsatisfiable',
      host: 'host-a1',
      status: 'unsatisfiable',
      path: [],
      segments: [],
      reason: 'no path from r1 to r6 within maxDelayMs 3 (best is 4 ms)',
    });
  });

  test('metrics of the low-latency path', () => {
    const [result] = computePaths(topology, intent('low-latency'), { host: 'host-a1' });
    expect(result!.metrics).toEqual({ delayMs: 4, bottleneckMbps: 100, igpCost: 100, hops: 2 });
  });
});
