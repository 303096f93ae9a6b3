import { MAX_WAYPOINTS, validateIntent, validateTopology, type Topology } from '@srv6/schema';
import { edited, errorsOf, loadFixture, matches, type EditableDocument } from './support.js';

/** SPEC.md's Intent block verbatim. */
const specIntent = loadFixture('spec-intent.yaml');

const topologyResult = validateTopology(
  edited(loadFixture('spec-topology.yaml'), (doc) => {
    doc.spec.nodes.push(
      { name: 'r2', sid: 'fc00:0:2::1' },
      { name: 'r3', sid: 'fc00:0:3::1', decapSid: 'fc00:0:3::d6', prefixes: ['2001:db8::/32'] },
    );
  }),
);
if (!topologyResult.ok) throw new Error(JSON.stringify(topologyResult.errors));
const topology: Topology = topologyResult.value;

/** The SPEC intent minus its one conflict with the SPEC topology (via fw1 sits on avoided r3). */
const consistentIntent = edited(specIntent, (doc) => (doc.spec.constraints.avoidNodes = ['r2']));

describe('validateIntent', () => {
  test('the SPEC example passes on its own, with defaults kept', () => {
    const result = validateIntent(specIntent);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.spec.encapsulation).toBe('srh');
  });

  test('against the SPEC topology, only via-on-an-avoided-node is reported', () => {
    expect(errorsOf(validateIntent(specIntent, topology))).toEqual([
      {
        path: 'spec.constraints.via[0]',
        message: "via 'fw1' sits on node 'r3', which is in avoidNodes",
      },
    ]);
    expect(validateIntent(consistentIntent, topology).ok).toBe(true);
  });

  test('fills in protocol any and encapsulation srh', () => {
    const result = validateIntent(
      edited(specIntent, (d) => {
        delete d.spec.match.protocol;
        delete d.spec.encapsulation;
      }),
    );
    expect(
      result.ok && [result.value.spec.match.protocol, result.value.spec.encapsulation],
    ).toEqual(['any', 'srh']);
  });

  test('accepts weighted additive objectives and reduced encapsulation', () => {
    const result = validateIntent(
      edited(specIntent, (d) => {
        delete d.spec.objective;
        d.spec.objectives = [
          { type: 'low-latency', weight: 0.7 },
          { type: 'low-packet-loss', weight: 0.3 },
        ];
        d.spec.encapsulation = 'reduced';
      }),
    );
    expect(errorsOf(result)).toEqual([]);
  });

  const objectives = (d: EditableDocument, list: unknown): void => {
    delete d.spec.objective;
    d.spec.objectives = list;
  };

  test.each<[string, (doc: EditableDocument) => void, string, string | RegExp]>([
    ['unknown field', (d) => (d.spec.match.vlan = 5), 'spec.match.vlan', "unknown field 'vlan'"],
    ['unknown top-level field', (d) => (d.status = {}), 'status', "unknown field 'status'"],
    ['bad kind', (d) => (d.kind = 'Topology'), 'kind', /must be equal to Intent/],
    ['long name', (d) => (d.metadata.name = 'a'.repeat(64)), 'metadata.name', /1..63 characters/],
    [
      'bad name',
      (d) => (d.metadata.name = 'Video_Call'),
      'metadata.name',
      /may only hold a-z, 0-9/,
    ],
    ['no hosts', (d) => (d.spec.hosts = []), 'spec.hosts', 'hosts must name at least one host'],
    [
      'host twice',
      (d) => (d.spec.hosts = ['host-a', 'host-a']),
      'spec.hosts[1]',
      "host 'host-a' is listed twice",
    ],
    [
      'bad destination',
      (d) => (d.spec.match.destination = '2001:db8:b::/64x'),
      'spec.match.destination',
      /length must be 0..128/,
    ],
    [
      'protocol icmp',
      (d) => (d.spec.match.protocol = 'icmp'),
      'spec.match.protocol',
      'protocol must be one of: tcp, udp, any',
    ],
    [
      'port too big',
      (d) => (d.spec.match.ports = [80, 70000]),
      'spec.match.ports[1]',
      'port 70000 must be an integer 0..65535',
    ],
    [
      'reversed range',
      (d) => (d.spec.match.ports = ['5100-5000']),
      'spec.match.ports[0]',
      "port range '5100-5000' is reversed (low must be ≤ high)",
    ],
    [
      'range out of bounds',
      (d) => (d.spec.match.ports = ['1-65536']),
      'spec.match.ports[0]',
      "port range '1-65536' exceeds 65535",
    ],
    [
      'port text',
      (d) => (d.spec.match.ports = ['http']),
      'spec.match.ports[0]',
      `port range 'http' must look like "5000-5100"`,
    ],
    [
      'empty ports',
      (d) => (d.spec.match.ports = []),
      'spec.match.ports',
      'ports must not be empty (omit it to match all ports)',
    ],
    [
      '65 ports',
      (d) => (d.spec.match.ports = Array.from({ length: 65 }, (_, i) => i)),
      'spec.match.ports',
      /no more than 64 elements/,
    ],
    [
      'unknown objective',
      (d) => (d.spec.objective = 'fast'),
      'spec.objective',
      /objective must be one of: low-latency, /,
    ],
    [
      'objective and objectives',
      (d) => (d.spec.objectives = [{ type: 'low-cost', weight: 1 }]),
      'spec.objective',
      'set either objective or objectives, not both',
    ],
    [
      'neither objective',
      (d) => delete d.spec.objective,
      'spec.objective',
      'one of objective or objectives is required',
    ],
    [
      'non-additive weighted',
      (d) => objectives(d, [{ type: 'high-bandwidth', weight: 1 }]),
      'spec.objectives[0].type',
      /must be additive/,
    ],
    [
      'zero weight',
      (d) => objectives(d, [{ type: 'low-cost', weight: 0 }]),
      'spec.objectives[0].weight',
      'weight must be greater than 0',
    ],
    [
      'same objective twice',
      (d) =>
        objectives(d, [
          { type: 'low-cost', weight: 1 },
          { type: 'low-cost', weight: 2 },
        ]),
      'spec.objectives[1].type',
      "objective 'low-cost' is listed twice",
    ],
    [
      'encapsulation',
      (d) => (d.spec.encapsulation = 'gre'),
      'spec.encapsulation',
      'encapsulation must be one of: srh, reduced',
    ],
    [
      'flexAlgo 0',
      (d) => (d.spec.constraints.flexAlgo = 0),
      'spec.constraints.flexAlgo',
      /128..255/,
    ],
    [
      'loss > 100',
      (d) => (d.spec.constraints.maxLossPercent = 200),
      'spec.constraints.maxLossPercent',
      /not be greater than 100/,
    ],
    [
      'negative delay',
      (d) => (d.spec.constraints.maxDelayMs = -1),
      'spec.constraints.maxDelayMs',
      /not be less than 0/,
    ],
    [
      'bad avoidNodes entry',
      (d) => (d.spec.constraints.avoidNodes = ['r1', 'R 2']),
      'spec.constraints.avoidNodes[1]',
      /may only hold a-z/,
    ],
    [
      'too many via',
      (d) =>
        (d.spec.constraints.via = Array.from({ length: MAX_WAYPOINTS + 1 }, (_, i) => `r${i}`)),
      'spec.constraints.via',
      /no more than 15 elements/,
    ],
    [
      'via + chain over segments',
      (d) => (d.spec.constraints.via = Array.from({ length: MAX_WAYPOINTS }, () => 'r1')),
      'spec.constraints.via',
      /16 waypoints \(via \+ serviceChain\) exceed the 15/,
    ],
  ])('%s', (_name, edit, path, message) => {
    expect(errorsOf(validateIntent(edited(consistentIntent, edit)))).toContainEqual({
      path,
      message: matches(message),
    });
  });

  test.each<[string, (doc: EditableDocument) => void, string, string]>([
    [
      'unknown host',
      (d) => (d.spec.hosts = ['host-a', 'host-z']),
      'spec.hosts[1]',
      "unknown host 'host-z'",
    ],
    [
      'unknown avoided node',
      (d) => (d.spec.constraints.avoidNodes = ['r9']),
      'spec.constraints.avoidNodes[0]',
      "unknown node 'r9'",
    ],
    [
      'unknown avoided link',
      (d) => (d.spec.constraints.avoidLinks = ['r1-r9']),
      'spec.constraints.avoidLinks[0]',
      "unknown link 'r1-r9'",
    ],
    [
      'unknown via',
      (d) => (d.spec.constraints.via = ['fw9']),
      'spec.constraints.via[0]',
      "unknown node or service 'fw9'",
    ],
    [
      'unknown service type',
      (d) => (d.spec.constraints.serviceChain = ['firewall', 'nat']),
      'spec.constraints.serviceChain[1]',
      "unknown service type 'nat'",
    ],
    [
      'via node avoided',
      (d) => (d.spec.constraints.via = ['r2']),
      'spec.constraints.via[0]',
      "via 'r2' is also in avoidNodes",
    ],
    [
      'destination without egress',
      (d) => (d.spec.match.destination = '2002::1'),
      'spec.match.destination',
      'no node of the topology owns a prefix covering 2002::1',
    ],
  ])('against the topology: %s', (_name, edit, path, message) => {
    expect(errorsOf(validateIntent(edited(consistentIntent, edit), topology))).toContainEqual({
      path,
      message,
    });
  });

  test('a destination covered only by a shorter prefix still has an egress (longest match)', () => {
    const intent = edited(
      consistentIntent,
      (d) => (d.spec.match.destination = '2001:db8:ffff::/48'),
    );
    expect(validateIntent(intent, topology).ok).toBe(true);
  });

  test('reports several problems of one intent at once', () => {
    const errors = errorsOf(
      validateIntent(
        edited(consistentIntent, (d) => {
          d.spec.match.ports = [3478, '9-1', -1];
          d.spec.match.protocol = 'sctp';
          d.spec.constraints.color = 'blue';
          d.apiVersion = 'srv6.intents/v2';
        }),
      ),
    );
    expect(errors.map((error) => error.path).sort()).toEqual([
      'apiVersion',
      'spec.constraints.color',
      'spec.match.ports[1]',
      'spec.match.ports[2]',
      'spec.match.protocol',
    ]);
  });
});
