/**
 * Bad input over NATS and over HTTP: every problem is listed with its path, the service never
 * crashes or hangs, and the store (KV entries, stream sequences, events) is identical after.
 */
import { MAX_MESSAGE_BYTES, SUBJECTS } from '@srv6/bus';
import { intent, startTestBed, TOPOLOGY, type Reply, type TestBed } from './support.js';

let bed: TestBed;

beforeAll(async () => {
  bed = await startTestBed();
  expect((await bed.request(SUBJECTS.topologyApply, TOPOLOGY)).ok).toBe(true);
  expect((await bed.request(SUBJECTS.intentsApply, intent('kept'))).ok).toBe(true);
});

afterAll(async () => {
  await bed?.close();
});

const manyProblems = {
  apiVersion: 'srv6.intents/v2',
  kind: 'Intent',
  metadata: { name: 'Bad Name' },
  spec: {
    hosts: ['host-a'],
    match: { destination: '2001:db8:b::/129', protocol: 'sctp', ports: [70000] },
    objective: 'fastest',
  },
};

/** A YAML "billion laughs": a few hundred bytes that expand to millions of nodes. */
const yamlBomb = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((name, i) => {
    const previous = String.fromCharCode('a'.charCodeAt(0) + i);
    return `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`;
  }),
].join('\n');

const withUnknownField = { ...intent('extra'), colour: 'blue' };
const unknownNames = intent('lost');
(unknownNames['spec'] as Reply).hosts = ['host-z'];
(unknownNames['spec'] as Reply).constraints = { avoidNodes: ['r9'] };

interface BadCase {
  readonly title: string;
  readonly body: string | Uint8Array;
  /** Paths that must all be reported ('' = the whole document). */
  readonly paths: string[];
  readonly message?: RegExp;
  readonly httpStatus: number;
}

const CASES: BadCase[] = [
  {
    title: 'an intent with several problems lists every one',
    body: JSON.stringify(manyProblems),
    paths: [
      'apiVersion',
      'metadata.name',
      'spec.match.destination',
      'spec.match.protocol',
      'spec.match.ports[0]',
      'spec.objective',
    ],
    httpStatus: 400,
  },
  {
    title: 'an oversized body',
    body: `# ${'x'.repeat(MAX_MESSAGE_BYTES)}\n${JSON.stringify(intent('big'))}`,
    paths: [''],
    message: /limit/,
    httpStatus: 413,
  },
  {
    title: 'invalid UTF-8',
    body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    paths: [''],
    message: /not valid UTF-8/,
    httpStatus: 400,
  },
  {
    title: 'a YAML alias bomb',
    body: yamlBomb,
    paths: [''],
    message: /alias/,
    httpStatus: 400,
  },
  {
    title: 'an unknown field',
    body: JSON.stringify(withUnknownField),
    paths: ['colour'],
    httpStatus: 400,
  },
  {
    title: 'an intent naming a host and a node the topology lacks',
    body: JSON.stringify(unknownNames),
    paths: ['spec.hosts[0]', 'spec.constraints.avoidNodes[0]'],
    httpStatus: 400,
  },
  { title: 'invalid JSON', body: '{"apiVersion": ', paths: [''], message: /JSON/, httpStatus: 400 },
  { title: 'an empty body', body: '', paths: [''], message: /empty/, httpStatus: 400 },
  {
    title: 'a topology sent as an intent',
    body: JSON.stringify(TOPOLOGY),
    paths: ['kind'],
    httpStatus: 400,
  },
];

function expectRefusal(reply: Reply, badCase: BadCase): void {
  expect(Object.keys(reply).sort()).toEqual(['errors', 'ok']);
  expect(reply.ok).toBe(false);
  const paths = reply.errors.map((error: Reply) => error.path);
  for (const path of badCase.paths) expect(paths).toContain(path);
  for (const error of reply.errors) expect(typeof error.message).toBe('string');
  if (badCase.message)
    expect(reply.errors.map((e: Reply) => e.message).join('\n')).toMatch(badCase.message);
}

describe.each(CASES)('$title', (badCase) => {
  it('is refused over NATS (srv6.intents.apply) and the store is unchanged', async () => {
    const before = await bed.snapshot();
    expectRefusal(await bed.request(SUBJECTS.intentsApply, badCase.body), badCase);
    expect(await bed.snapshot()).toEqual(before);
  });

  it('is refused over HTTP (POST /v1/intents) and the store is unchanged', async () => {
    const before = await bed.snapshot();
    const { status, body } = await bed.http('POST', '/v1/intents', badCase.body, 'text/yaml');
    expect(status).toBe(badCase.httpStatus);
    expectRefusal(body, badCase);
    expect(await bed.snapshot()).toEqual(before);
  });
});

describe('other refusals', () => {
  it('a topology with problems is refused on both transports, naming each', async () => {
    const broken = structuredClone(TOPOLOGY) as Reply;
    broken.spec.links[0].igpMetric = -1;
    broken.spec.nodes[0].sid = 'not-an-address';
    const before = await bed.snapshot();
    const nats = await bed.request(SUBJECTS.topologyApply, broken);
    const http = await bed.http('PUT', '/v1/topology', JSON.stringify(broken));
    expect(http.status).toBe(400);
    for (const reply of [nats, http.body]) {
      const paths = reply.errors.map((error: Reply) => error.path);
      expect(paths).toEqual(
        expect.arrayContaining(['spec.nodes[0].sid', 'spec.links[0].igpMetric']),
      );
    }
    expect(await bed.snapshot()).toEqual(before);
  });

  it('get and delete requests are checked before the store is touched', async () => {
    const before = await bed.snapshot();
    const replies = [
      await bed.request(SUBJECTS.intentsGet, {}),
      await bed.request(SUBJECTS.intentsDelete, { name: 'Kept!' }),
      await bed.request(SUBJECTS.intentsDelete, { name: 'kept', force: true }),
      await bed.request(SUBJECTS.intentsDelete, new Uint8Array([0xff])),
      await bed.request(SUBJECTS.intentsDelete, { name: 'kept', revision: 1_000_000 }),
    ];
    expect(replies.map((reply) => reply.errors.map((e: Reply) => e.path))).toEqual([
      ['name'],
      ['name'],
      ['force'],
      [''],
      ['revision'],
    ]);
    const http = await bed.http('DELETE', '/v1/intents/kept?revision=abc');
    expect([http.status, http.body.errors[0].path]).toEqual([400, 'revision']);
    expect((await bed.http('DELETE', '/v1/intents/kept?revision=1000000')).status).toBe(409);
    expect(await bed.snapshot()).toEqual(before);
  });
});
