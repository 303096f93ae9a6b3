/**
 * Issue 5, "Bad input (nothing half-applied, nothing crashes)", case by case, end to end: the
 * real nats-server (TLS, per-process users), intent-svc and path-svc as processes, real
 * host-agents. Each bad request goes over NATS (a raw client on the SPEC subject), over HTTP
 * (with the write token) and through `srv6 apply -f`, is refused with errors naming the field
 * path and the reason, and leaves the stored intents, the topology and the streams as they were.
 * Then what only the whole system shows: a client ignoring the size limit is cut off by
 * nats-server; a path needing more than 16 segments is unsatisfiable with the reason while one
 * of exactly 16 is programmed; a host whose maps are full refuses the one policy too many and
 * keeps the others programmed; the default capacity is ≥ 100,000 policies.
 */
import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { parse } from 'yaml';
import { CLIENT_USER, MAX_MESSAGE_BYTES, SUBJECTS, type FieldError } from '@srv6/bus';
import {
  decodeDestinationKey,
  decodePolicy,
  decodeRuleSet,
  DEFAULT_CAPACITY,
  encodeSlot,
  formatIpv6Address,
  lookupSlot,
  MAX_SEGMENTS,
  NO_POLICY,
  openPinnedMap,
  parseIpv6Address,
} from '@srv6/datapath';
import { eventually, SecureStack, type Reply } from './support/secure-stack.js';

jest.setTimeout(120_000);

const FULL_HOST = 'host-a2'; // its agent holds CAPACITY policies
const CAPACITY = 4;
const DEFAULT_HOST = 'host-a1'; // its agent runs with the default capacity
const encoder = new TextEncoder();
const topologyText = readFileSync('examples/topology.yaml', 'utf8');
const topology = parse(topologyText) as Reply;
let stack: SecureStack | undefined;

function intent(name: string, spec: Record<string, unknown> = {}): Reply {
  return {
    apiVersion: 'srv6.intents/v1',
    kind: 'Intent',
    metadata: { name },
    spec: {
      hosts: [DEFAULT_HOST],
      match: { destination: '2001:db8:b::/64', protocol: 'udp', ports: [3478] },
      objective: 'low-latency',
      ...spec,
    },
  };
}

const withMatch = (match: Record<string, unknown>): Reply =>
  intent('bad', { match: { destination: '2001:db8:b::/64', ...match } });

beforeAll(async () => {
  stack = await SecureStack.start('s6bi', [
    { host: DEFAULT_HOST, mtu: 9000 },
    { host: FULL_HOST, capacity: CAPACITY },
  ]);
  expect(await stack.request(SUBJECTS.topologyApply, topology)).toMatchObject({ ok: true });
  for (const name of ['kept-a', 'kept-b'])
    expect(await stack.request(SUBJECTS.intentsApply, intent(name))).toMatchObject({ ok: true });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** Everything a refused request must leave as it was. */
async function snapshot(): Promise<unknown> {
  return { stored: await stack!.storedState(), streams: await stack!.streamSequences() };
}

interface BadCase {
  readonly title: string;
  readonly target: 'intent' | 'topology';
  readonly body: string | Uint8Array;
  /** Paths that must be reported ('' = the whole document). */
  readonly paths: readonly string[];
  /** A reason that must be among the messages. */
  readonly message: RegExp;
  readonly httpStatus: number;
  /** Answered within this many ms on every transport (a cheap refusal, not a stall). */
  readonly withinMs?: number;
}

const json = (value: unknown): string => JSON.stringify(value);
const bigTopology = (): string => {
  // 2,000 nodes and ~14,000 links in YAML flow style: under 1 MiB as sent, ~1.3 MB as stored.
  const lines = ['apiVersion: srv6.intents/v1', 'kind: Topology', 'metadata: {name: big}', 'spec:'];
  lines.push('  nodes:');
  for (let i = 0; i < 2000; i++) lines.push(`  - {name: n${i}, sid: 'fc00:1::${i.toString(16)}'}`);
  lines.push('  links:');
  for (let i = 0; i < 14_000; i++)
    lines.push(
      `  - {a: n${i % 2000}, b: n${(i + 1 + Math.floor(i / 2000)) % 2000}, igpMetric: 1, delayMs: 1, bandwidthMbps: 1}`,
    );
  return lines.join('\n');
};

const CASES: BadCase[] = [
  {
    title: 'a message larger than MAX_MESSAGE_BYTES',
    target: 'intent',
    body: `${json(intent('too-big'))}\n${' '.repeat(MAX_MESSAGE_BYTES)}`,
    paths: [''],
    message: /larger than the limit of 1048576 bytes|max_payload/,
    httpStatus: 413,
  },
  {
    title: 'a topology within the limit as YAML whose stored JSON is not',
    target: 'topology',
    body: bigTopology(),
    paths: [''],
    message: /the topology is \d+ bytes as stored .*more than the \d+ a stored document may have/,
    httpStatus: 413,
  },
  {
    title: 'wrong types in an intent',
    target: 'intent',
    body: json(intent('bad', { hosts: 'host-a1', objective: 5, constraints: [] })),
    paths: ['spec.hosts', 'spec.objective', 'spec.constraints'],
    message: /hosts must be an array/,
    httpStatus: 400,
  },
  {
    title: 'wrong types in a topology',
    target: 'topology',
    body: json({
      ...topology,
      spec: {
        ...topology.spec,
        nodes: [{ ...topology.spec.nodes[0], sid: 5 }, ...topology.spec.nodes.slice(1)],
        links: [{ ...topology.spec.links[0], igpMetric: '10' }, ...topology.spec.links.slice(1)],
      },
    }),
    paths: ['spec.nodes[0].sid', 'spec.links[0].igpMetric'],
    message: /igpMetric must be an integer number/,
    httpStatus: 400,
  },
  {
    title: 'arrays where objects belong (weighted objectives, nodes)',
    target: 'intent',
    body: json(
      intent('bad', { objective: undefined, objectives: [[{ type: 'low-latency', weight: 1 }]] }),
    ),
    paths: ['spec.objectives[0]'],
    message: /must be a weighted objective \{type, weight\} \(an object\), not an array/,
    httpStatus: 400,
  },
  {
    title: 'a node given as an array',
    target: 'topology',
    body: json({
      ...topology,
      spec: {
        ...topology.spec,
        nodes: [[topology.spec.nodes[0]], ...topology.spec.nodes.slice(1)],
      },
    }),
    paths: ['spec.nodes[0]'],
    message: /must be a node \(an object\), not an array/,
    httpStatus: 400,
  },
  {
    title: 'invalid UTF-8',
    target: 'intent',
    body: new Uint8Array([
      ...encoder.encode('apiVersion: srv6.intents/v1\nkind: Intent\nmetadata: {name: h'),
      0xc3,
      0x28,
      ...encoder.encode('}\n'),
    ]),
    paths: [''],
    message: /not valid UTF-8/,
    httpStatus: 400,
  },
  {
    title: 'a YAML alias bomb ("billion laughs")',
    target: 'intent',
    body: [
      'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
      ...'bcdefghi'
        .split('')
        .map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ].join('\n'),
    paths: [''],
    message: /too many aliases \(limit 100\)/,
    httpStatus: 400,
    withinMs: 1000,
  },
  {
    title: 'a YAML bracket bomb of 1 MiB (nested 520,000 deep)',
    target: 'intent',
    body: `a: ${'['.repeat(520_000)}${']'.repeat(520_000)}`,
    paths: [''],
    message: /nests objects and arrays more than 32 levels deep/,
    httpStatus: 400,
    withinMs: 1000,
  },
  {
    title: 'JSON nested 200,000 deep',
    target: 'topology',
    body: `{"apiVersion":"srv6.intents/v1","kind":"Topology","x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`,
    paths: [''],
    message: /nests objects and arrays more than 32 levels deep/,
    httpStatus: 400,
    withinMs: 1000,
  },
  {
    title: 'a YAML mapping of 90,000 keys (parsed in linear time)',
    target: 'intent',
    body: Array.from({ length: 90_000 }, (_, i) => `k${i}: x`).join('\n'),
    paths: [''],
    message: /^90000 fields, more than any object of the format has \(at most 64\)/,
    httpStatus: 400,
    withinMs: 6000,
  },
  {
    title: 'port numbers and ranges out of range',
    target: 'intent',
    body: json(
      withMatch({ ports: ['0-65536', '70000-80000', '5000-4000', 65536, -1, 1.5, '1-2-3'] }),
    ),
    paths: [0, 1, 2, 3, 4, 5, 6].map((i) => `spec.match.ports[${i}]`),
    message: /port range '5000-4000' is reversed/,
    httpStatus: 400,
  },
  {
    title: 'more port entries than the datapath expands (65)',
    target: 'intent',
    body: json(withMatch({ ports: Array.from({ length: 65 }, (_, i) => 1000 + i) })),
    paths: ['spec.match.ports'],
    message: /ports must contain no more than 64 elements/,
    httpStatus: 400,
  },
  {
    title: '100,000 port entries: the size limit is the error, not each entry',
    target: 'intent',
    body: json(withMatch({ ports: Array(100_000).fill(-1) })),
    paths: ['spec.match.ports'],
    message: /^ports must contain no more than 64 elements$/,
    httpStatus: 400,
  },
  {
    title: '1,000 bad host names: the first 100 errors and a count of the rest',
    target: 'intent',
    body: json(intent('bad', { hosts: Array.from({ length: 1000 }, (_, i) => `Host ${i}`) })),
    paths: ['spec.hosts[0]', 'spec.hosts[99]', ''],
    message: /^and 900 more problems \(only the first 100 are listed\)$/,
    httpStatus: 400,
  },
  {
    title: 'a value of 900,000 characters is quoted shortened',
    target: 'intent',
    body: json(intent('bad', { hosts: ['h'.repeat(900_000)] })),
    paths: ['spec.hosts[0]'],
    message: /^name 'h{200,}… \(\d+ characters\)$/,
    httpStatus: 400,
  },
  {
    title: `an intent bringing ${MAX_SEGMENTS + 1} SIDs of its own`,
    target: 'intent',
    body: json(
      intent('bad', {
        segments: Array.from({ length: MAX_SEGMENTS + 1 }, (_, i) => `fc00:0:${i + 1}::1`),
      }),
    ),
    paths: ['spec.segments'],
    message: /an intent cannot set segments, SIDs, a path or a source address/,
    httpStatus: 400,
  },
  {
    title: `more waypoints than the ${MAX_SEGMENTS} segments hold`,
    target: 'intent',
    body: json(intent('bad', { constraints: { via: Array(MAX_SEGMENTS).fill('r2') } })),
    paths: ['spec.constraints.via'],
    message: /via must contain no more than 15 elements/,
    httpStatus: 400,
  },
  {
    title: 'duplicate names in a topology',
    target: 'topology',
    body: json({
      ...topology,
      spec: { ...topology.spec, hosts: [...topology.spec.hosts, topology.spec.hosts[0]] },
    }),
    paths: ['spec.hosts[4].name'],
    message: /duplicate host name 'host-a1'/,
    httpStatus: 400,
  },
  {
    // The CLI used to re-encode the file as JSON, where .inf becomes null: "no constraint".
    title: 'YAML .inf where a finite number belongs',
    target: 'intent',
    body: 'apiVersion: srv6.intents/v1\nkind: Intent\nmetadata: {name: bad}\nspec:\n  hosts: [host-a1]\n  match: {destination: 2001:db8:b::/64}\n  objective: low-latency\n  constraints: {maxDelayMs: .inf}\n',
    paths: ['spec.constraints.maxDelayMs'],
    message: /maxDelayMs must be a number conforming to the specified constraints/,
    httpStatus: 400,
  },
  {
    title: '__proto__ and constructor fields',
    target: 'intent',
    body: `{"apiVersion":"srv6.intents/v1","kind":"Intent","metadata":{"name":"bad","constructor":1},"spec":{"__proto__":{"hosts":5},"hosts":["host-a1"],"match":{"destination":"2001:db8:b::/64"},"objective":"low-latency"}}`,
    paths: ['metadata.constructor', 'spec.__proto__'],
    message: /unknown field '__proto__'/,
    httpStatus: 400,
  },
];

function expectRefusal(errors: readonly FieldError[], badCase: BadCase): void {
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) {
    expect(typeof error.path).toBe('string');
    expect(error.message).toMatch(/\S/);
    expect(error.message).not.toMatch(/internal error/);
  }
  expect(errors.map((error) => error.path)).toEqual(expect.arrayContaining([...badCase.paths]));
  expect(errors.map((error) => error.message)).toContainEqual(
    expect.stringMatching(badCase.message),
  );
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const result = await work();
  return [result, Date.now() - started];
}

describe.each(CASES)('$title', (badCase) => {
  const bytes = typeof badCase.body === 'string' ? encoder.encode(badCase.body) : badCase.body;
  const subject = badCase.target === 'intent' ? SUBJECTS.intentsApply : SUBJECTS.topologyApply;

  it('is refused over NATS with the field paths; nothing changes', async () => {
    const before = await snapshot();
    if (bytes.byteLength > MAX_MESSAGE_BYTES) {
      // nats.js does not send what nats-server's max_payload refuses (the raw-protocol test below
      // shows the server's side).
      await expect(stack!.request(subject, bytes)).rejects.toThrow(/max_payload/);
    } else {
      const [reply, ms] = await timed(() => stack!.request(subject, bytes));
      expect(reply.ok).toBe(false);
      expectRefusal(reply.errors, badCase);
      if (badCase.withinMs) expect(ms).toBeLessThan(badCase.withinMs);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('is refused over HTTP with the write token; nothing changes', async () => {
    const before = await snapshot();
    const [{ status, body }, ms] = await timed(() =>
      stack!.httpApply(badCase.target, bytes, 'text/yaml'),
    );
    expect(status).toBe(badCase.httpStatus);
    expect(body.ok).toBe(false);
    expectRefusal(body.errors, badCase);
    if (badCase.withinMs) expect(ms).toBeLessThan(badCase.withinMs);
    expect(await snapshot()).toEqual(before);
  });

  it('is refused by srv6 apply -f: exit 1, the paths and reasons on stderr; nothing changes', async () => {
    const before = await snapshot();
    // The CLI parses the file first: a document it cannot parse is refused before any request.
    const { status, stdout, errors } = await stack!.cliApply(badCase.target, bytes);
    expect({ status, stdout }).toEqual({ status: 1, stdout: '' });
    expectRefusal(errors, badCase);
    expect(await snapshot()).toEqual(before);
  });
});

describe('what the whole system shows', () => {
  it('a client that ignores the size limit is cut off by nats-server; the services do not notice', async () => {
    const before = await snapshot();
    const { url, caFile, pass } = {
      url: new URL(stack!.natsUrl),
      ...stack!.userCredentials(CLIENT_USER),
    };
    const payload = Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20);
    const received = await new Promise<string>((done, failed) => {
      // nats-server 2.9 sends INFO in plain text, then the client upgrades to TLS.
      const plain = tcpConnect({ host: url.hostname, port: Number(url.port) });
      plain.once('error', failed);
      plain.once('data', () => {
        const secure = tlsConnect({
          socket: plain,
          ca: readFileSync(caFile),
          servername: 'localhost',
        });
        let text = '';
        secure.on('data', (chunk: Buffer) => (text += chunk.toString()));
        secure.on('error', () => undefined); // the server closes the connection
        secure.on('close', () => done(text));
        secure.once('secureConnect', () => {
          secure.write(
            `CONNECT {"verbose":false,"pedantic":false,"tls_required":true,"user":"${CLIENT_USER}","pass":"${pass}"}\r\n`,
          );
          secure.write(
            `PUB ${SUBJECTS.intentsApply} _INBOX.${CLIENT_USER}.raw ${payload.byteLength}\r\n`,
          );
          secure.write(payload);
          secure.write('\r\n');
        });
      });
    });
    expect(received).toMatch(/-ERR 'Maximum Payload Violation'/);
    expect(await snapshot()).toEqual(before);
    expect(stack!.deadServices()).toEqual([]);
  });

  it('five 1 MiB YAML bombs at once: each refused within a second; intent-svc stays up, grows < 100 MB', async () => {
    // Before the nesting check the YAML parser built the whole tree of each: ~660 MB and ~3 s
    // apiece, and five at once killed intent-svc (out of memory).
    const before = await snapshot();
    const rss = stack!.rssBytes('intent-svc');
    const bomb = encoder.encode(`a: ${'['.repeat(520_000)}${']'.repeat(520_000)}`);
    const [replies, ms] = await timed(() =>
      Promise.all(Array.from({ length: 5 }, () => stack!.request(SUBJECTS.intentsApply, bomb))),
    );
    for (const reply of replies)
      expect(reply).toEqual({
        ok: false,
        errors: [{ path: '', message: expect.stringMatching(/more than 32 levels deep/) }],
      });
    expect(ms).toBeLessThan(1000);
    expect(stack!.rssBytes('intent-svc') - rss).toBeLessThan(100 * 2 ** 20);
    expect(stack!.deadServices()).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it(`a path needing ${MAX_SEGMENTS + 1} segments is unsatisfiable with the reason; one of ${MAX_SEGMENTS} is programmed`, async () => {
    // Two chains from r1: each hop has an equal-IGP twin, so every hop needs its End.X SID.
    // 15 hops = 15 End.X + the egress's decapSid = 16 segments; 16 hops = 17.
    const chain = (tag: string, hops: number, prefix: string) => {
      const names = ['r1', ...Array.from({ length: hops }, (_, i) => `${tag}${i + 1}`)];
      const nodes = names.slice(1).map((name, i) => ({
        name,
        sid: `fc00:${tag === 'p' ? 'a' : 'b'}:${i + 1}::1`,
        ...(i === hops - 1
          ? { decapSid: `fc00:${tag === 'p' ? 'a' : 'b'}:${i + 1}::d6`, prefixes: [prefix] }
          : {}),
      }));
      const links = names.slice(1).flatMap((name, i) => [
        {
          name: `${tag}f${i}`,
          a: names[i]!,
          b: name,
          igpMetric: 1,
          delayMs: 0.1,
          bandwidthMbps: 1000,
          adjSids: { [names[i]!]: `fc00:${tag === 'p' ? 'a' : 'b'}:${i + 1}::e${i}` },
        },
        {
          name: `${tag}s${i}`,
          a: names[i]!,
          b: name,
          igpMetric: 1,
          delayMs: 0.2,
          bandwidthMbps: 1000,
        },
      ]);
      return { nodes, links };
    };
    const fits = chain('p', MAX_SEGMENTS - 1, '2001:db8:c::/64');
    const tooLong = chain('q', MAX_SEGMENTS, '2001:db8:d::/64');
    const chains = structuredClone(topology);
    chains.spec.nodes.push(...fits.nodes, ...tooLong.nodes);
    chains.spec.links.push(...fits.links, ...tooLong.links);
    expect(await stack!.request(SUBJECTS.topologyApply, chains)).toMatchObject({ ok: true });
    const reduced = {
      match: { destination: '2001:db8:c::/64', protocol: 'udp', ports: [4000] },
      encapsulation: 'reduced',
    };
    expect(await stack!.request(SUBJECTS.intentsApply, intent('sixteen', reduced))).toMatchObject({
      ok: true,
    });
    const beyond = { ...reduced, match: { ...reduced.match, destination: '2001:db8:d::/64' } };
    expect(await stack!.request(SUBJECTS.intentsApply, intent('seventeen', beyond))).toMatchObject({
      ok: true,
    });

    const reason =
      /every path from r1 to q16 that meets the constraints needs more than 16 segments/;
    const unsatisfiable = await eventually('seventeen unsatisfiable on the host', async () => {
      const status = await stack!.status(`${DEFAULT_HOST}.seventeen`);
      return status?.state === 'unsatisfiable' ? status : undefined;
    });
    expect(unsatisfiable.reason).toMatch(reason);
    expect((await stack!.policy(`${DEFAULT_HOST}.seventeen`))?.reason).toMatch(reason);
    const programmed = await eventually('sixteen programmed', async () => {
      const status = await stack!.status(`${DEFAULT_HOST}.sixteen`);
      return status?.state === 'programmed' ? status : undefined;
    });
    expect(programmed.segments).toHaveLength(MAX_SEGMENTS);
    // What the kernel holds for that traffic: the 16 SIDs.
    expect(kernelSegments(DEFAULT_HOST, '2001:db8:c::1', 4000)).toEqual(programmed.segments);
    for (const name of ['sixteen', 'seventeen'])
      expect(await stack!.request(SUBJECTS.intentsDelete, { name })).toMatchObject({ ok: true });
    expect(await stack!.request(SUBJECTS.topologyApply, topology)).toMatchObject({ ok: true });
  });

  it(`a host whose maps hold ${CAPACITY} policies: the one too many gets an error status, the others stay programmed`, async () => {
    const full = (i: number): Reply =>
      intent(`full-${i}`, {
        hosts: [FULL_HOST],
        match: { destination: '2001:db8:b::/64', protocol: 'udp', ports: [7000 + i] },
      });
    for (let i = 1; i <= CAPACITY; i++)
      expect(await stack!.request(SUBJECTS.intentsApply, full(i))).toMatchObject({ ok: true });
    const programmed = async (i: number) =>
      eventually(`full-${i} programmed`, async () => {
        const status = await stack!.status(`${FULL_HOST}.full-${i}`);
        return status?.state === 'programmed' ? status : undefined;
      });
    const earlier = [];
    for (let i = 1; i <= CAPACITY; i++) earlier.push(await programmed(i));

    // One more than the maps hold.
    expect(await stack!.request(SUBJECTS.intentsApply, full(CAPACITY + 1))).toMatchObject({
      ok: true,
    });
    const refused = await eventually('the extra policy refused', async () => {
      const status = await stack!.status(`${FULL_HOST}.full-${CAPACITY + 1}`);
      return status?.state === 'error' ? status : undefined;
    });
    expect(refused.reason).toMatch(
      new RegExp(
        `this host's datapath holds ${CAPACITY} policies and all are in use .*raise the host-agent's CAPACITY`,
      ),
    );
    // The earlier ones: still reported programmed, and their entries in the kernel maps intact.
    for (let i = 1; i <= CAPACITY; i++) {
      expect(await stack!.status(`${FULL_HOST}.full-${i}`)).toMatchObject({
        state: 'programmed',
        segments: earlier[i - 1]!.segments,
      });
      expect(kernelSegments(FULL_HOST, '2001:db8:b::1', 7000 + i)).toEqual(
        earlier[i - 1]!.segments,
      );
    }
    expect(kernelSegments(FULL_HOST, '2001:db8:b::1', 7000 + CAPACITY + 1)).toBeUndefined();
    expect(stack!.deadServices()).toEqual([]);

    // A slot freed: the refused one is programmed.
    expect(await stack!.request(SUBJECTS.intentsDelete, { name: 'full-1' })).toMatchObject({
      ok: true,
    });
    const later = await programmed(CAPACITY + 1);
    expect(kernelSegments(FULL_HOST, '2001:db8:b::1', 7000 + CAPACITY + 1)).toEqual(later.segments);
    for (let i = 2; i <= CAPACITY + 1; i++)
      expect(await stack!.request(SUBJECTS.intentsDelete, { name: `full-${i}` })).toMatchObject({
        ok: true,
      });
  });

  it(`an agent without CAPACITY holds DEFAULT_CAPACITY = ${DEFAULT_CAPACITY} ≥ 100,000 policies`, () => {
    expect(DEFAULT_CAPACITY).toBeGreaterThanOrEqual(100_000);
    for (const name of ['srv6_policies', 'srv6_prefixes', 'srv6_counters']) {
      const map = openPinnedMap(`${stack!.pinDirectory(DEFAULT_HOST)}/${name}`);
      try {
        expect([name, map.maxEntries]).toEqual([name, DEFAULT_CAPACITY]);
      } finally {
        map.close();
      }
    }
    const small = openPinnedMap(`${stack!.pinDirectory(FULL_HOST)}/srv6_policies`);
    expect(small.maxEntries).toBe(CAPACITY);
    small.close();
  });

  it('after all of it: no service exited or restarted, none logged an internal error', () => {
    expect(stack!.deadServices()).toEqual([]);
    expect(stack!.services.get('intent-svc')!.errorLines).toEqual([]);
    expect(stack!.services.get('path-svc')!.errorLines).toEqual([]);
  });
});

/**
 * The segments the agent's kernel maps give a UDP packet to `destination`:`port` (the lookup of
 * the tc program, read from the pinned maps), or undefined when no policy matches.
 */
function kernelSegments(host: string, destination: string, port: number): string[] | undefined {
  const prefixes = openPinnedMap(`${stack!.pinDirectory(host)}/srv6_prefixes`);
  const policies = openPinnedMap(`${stack!.pinDirectory(host)}/srv6_policies`);
  try {
    const compiled = prefixes.entries().map(([key, value]) => ({
      prefix: decodeDestinationKey(key),
      ruleSet: decodeRuleSet(value),
    }));
    const slot = lookupSlot(compiled, {
      destination: parseIpv6Address(destination),
      protocol: 17,
      port,
    });
    if (slot === NO_POLICY) return undefined;
    return decodePolicy(policies.lookup(encodeSlot(slot))!)?.segments.map(formatIpv6Address);
  } finally {
    prefixes.close();
    policies.close();
  }
}
