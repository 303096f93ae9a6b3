import { validateTopology } from '@srv6/schema';
import { edited, errorsOf, loadFixture, matches, type EditableDocument } from './support.js';

/** SPEC.md's Topology block verbatim: an excerpt that names nodes r2 and r3 without defining them. */
const specTopology = loadFixture('spec-topology.yaml');

/** The SPEC example completed with the nodes it refers to. */
const completeTopology = edited(specTopology, (doc) => {
  doc.spec.nodes.push({ name: 'r2', sid: 'fc00:0:2::1' }, { name: 'r3', sid: 'fc00:0:3::1' });
});

describe('validateTopology', () => {
  test('the SPEC example is well-formed; only its undefined nodes r2/r3 are reported', () => {
    expect(errorsOf(validateTopology(specTopology))).toEqual([
      { path: 'spec.links[0].b', message: "link endpoint 'r2' is not a node of the topology" },
      { path: 'spec.services[0].node', message: "service node 'r3' is not a node of the topology" },
    ]);
  });

  test('the completed SPEC example passes and unnamed links get "<a>-<b>"', () => {
    const result = validateTopology(
      edited(completeTopology, (doc) => delete doc.spec.links[0].name),
    );
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.spec.links[0]!.name).toBe('r1-r2');
  });

  test.each<[string, (doc: EditableDocument) => void, string, string | RegExp]>([
    [
      'unknown field',
      (d) => (d.spec.links[0].colour = 'red'),
      'spec.links[0].colour',
      "unknown field 'colour'",
    ],
    [
      'bad apiVersion',
      (d) => (d.apiVersion = 'v2'),
      'apiVersion',
      /must be equal to srv6.intents\/v1/,
    ],
    ['bad kind', (d) => (d.kind = 'Intent'), 'kind', /must be equal to Topology/],
    ['missing metadata', (d) => delete d.metadata, 'metadata', 'metadata is required'],
    [
      'upper-case node name',
      (d) => (d.spec.nodes[0].name = 'R1'),
      'spec.nodes[0].name',
      /may only hold a-z, 0-9/,
    ],
    [
      'long node name',
      (d) => (d.spec.nodes[0].name = 'r'.repeat(33)),
      'spec.nodes[0].name',
      /1..32 characters/,
    ],
    [
      'bad sid',
      (d) => (d.spec.nodes[0].sid = 'fc00::1::2'),
      'spec.nodes[0].sid',
      /more than one '::'/,
    ],
    [
      'sid with length',
      (d) => (d.spec.nodes[0].sid = 'fc00::1/128'),
      'spec.nodes[0].sid',
      /without a prefix length/,
    ],
    [
      'bad prefix',
      (d) => (d.spec.nodes[0].prefixes = ['2001:db8::/129']),
      'spec.nodes[0].prefixes[0]',
      /length must be 0..128/,
    ],
    [
      'utilization > 1',
      (d) => (d.spec.links[0].utilization = 1.5),
      'spec.links[0].utilization',
      /must not be greater than 1/,
    ],
    [
      'loss > 100',
      (d) => (d.spec.links[0].lossPercent = 101),
      'spec.links[0].lossPercent',
      /must not be greater than 100/,
    ],
    [
      'igpMetric 0',
      (d) => (d.spec.links[0].igpMetric = 0),
      'spec.links[0].igpMetric',
      /must not be less than 1/,
    ],
    [
      'string delay',
      (d) => (d.spec.links[0].delayMs = '5'),
      'spec.links[0].delayMs',
      /must be a number/,
    ],
    [
      'missing bandwidth',
      (d) => delete d.spec.links[0].bandwidthMbps,
      'spec.links[0].bandwidthMbps',
      /must be a number/,
    ],
    [
      'flex algo 127',
      (d) => (d.spec.links[0].flexAlgos = [128, 127]),
      'spec.links[0].flexAlgos[1]',
      /128..255/,
    ],
    [
      'adjSid key not endpoint',
      (d) => (d.spec.links[0].adjSids.r9 = 'fc00:0:9::e1'),
      'spec.links[0].adjSids.r9',
      "'r9' is not an endpoint of link r1-r2",
    ],
    [
      'bad adjSid',
      (d) => (d.spec.links[0].adjSids.r2 = 'zz::1'),
      'spec.links[0].adjSids.r2',
      /invalid IPv6 address 'zz::1'/,
    ],
    [
      'duplicate node',
      (d) => d.spec.nodes.push({ name: 'r1', sid: 'fc00:0:4::1' }),
      'spec.nodes[3].name',
      "duplicate node name 'r1' (first used at spec.nodes[0].name)",
    ],
    [
      'duplicate link',
      (d) => d.spec.links.push({ ...d.spec.links[0], name: undefined, adjSids: undefined }),
      'spec.links[1].name',
      /duplicate link name 'r1-r2'/,
    ],
    [
      'duplicate service',
      (d) => d.spec.services.push({ ...d.spec.services[0], sid: 'fc00:0:3::f2' }),
      'spec.services[1].name',
      /duplicate service name 'fw1'/,
    ],
    [
      'duplicate host',
      (d) => d.spec.hosts.push({ ...d.spec.hosts[0] }),
      'spec.hosts[1].name',
      /duplicate host name 'host-a'/,
    ],
    [
      'duplicate SID (other spelling)',
      (d) => (d.spec.services[0].sid = 'FC00:0:1:0::1'),
      'spec.services[0].sid',
      'SID fc00:0:1::1 is already used at spec.nodes[0].sid',
    ],
    [
      'adjSid reusing a node SID',
      (d) => (d.spec.links[0].adjSids.r2 = 'fc00:0:2::1'),
      'spec.links[0].adjSids.r2',
      /already used at spec.nodes\[1\].sid/,
    ],
    [
      'prefixes without decapSid',
      (d) => delete d.spec.nodes[0].decapSid,
      'spec.nodes[0].decapSid',
      "node 'r1' owns prefixes and needs a decapSid",
    ],
    [
      'prefix owned twice',
      (d) =>
        Object.assign(d.spec.nodes[1], {
          decapSid: 'fc00:0:2::d6',
          prefixes: ['2001:db8:b::1/64'],
        }),
      'spec.nodes[1].prefixes[0]',
      /2001:db8:b::\/64 is already owned by node 'r1'/,
    ],
    [
      'unknown attachedTo',
      (d) => (d.spec.hosts[0].attachedTo = 'r7'),
      'spec.hosts[0].attachedTo',
      "attachedTo 'r7' is not a node of the topology",
    ],
    [
      'self loop',
      (d) => (d.spec.links[0].b = 'r1'),
      'spec.links[0].b',
      "link connects node 'r1' to itself",
    ],
  ])('%s', (_name, edit, path, message) => {
    const errors = errorsOf(validateTopology(edited(completeTopology, edit)));
    expect(errors).toContainEqual({ path, message: matches(message) });
  });

  test('reports every structural problem of one document at once', () => {
    const errors = errorsOf(
      validateTopology(
        edited(completeTopology, (d) => {
          d.spec.nodes[0].sid = 'nope';
          d.spec.links[0].utilization = -1;
          d.spec.hosts[0].extra = true;
          d.spec.services = 'fw1';
        }),
      ),
    );
    expect(errors.map((error) => error.path).sort()).toEqual([
      'spec.hosts[0].extra',
      'spec.links[0].utilization',
      'spec.nodes[0].sid',
      'spec.services',
    ]);
  });

  test('reports every cross-reference problem at once', () => {
    const errors = errorsOf(
      validateTopology(
        edited(completeTopology, (d) => {
          d.spec.links[0].a = 'x1';
          d.spec.services[0].node = 'x2';
          d.spec.hosts[0].attachedTo = 'x3';
        }),
      ),
    );
    expect(errors.map((error) => error.path)).toEqual([
      'spec.links[0].a',
      'spec.links[0].adjSids.r1',
      'spec.services[0].node',
      'spec.hosts[0].attachedTo',
    ]);
  });

  test.each([null, 'text', [1, 2]])('refuses a non-object document: %p', (input) => {
    expect(errorsOf(validateTopology(input))).toEqual([
      { path: '', message: 'a Topology must be an object' },
    ]);
  });
});
