/**
 * Issue 5, security, with real parts: nats-server 2.9 started with generated credentials (TLS,
 * one user per service, per host-agent and for clients, each with its permissions), intent-svc
 * and path-svc as processes, and the real host-agents of host-a and host-b (tc program in
 * namespaces). Every refusal below is the server's (or the services'), seen from a raw nats.js
 * connection holding that user's credentials.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect, headers, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import {
  agentStatusSubject,
  agentUser,
  CLIENT_USER,
  decodeJson,
  encodeJson,
  ensureCredentials,
  INTENT_SVC_USER,
  openClientStorage,
  PATH_SVC_USER,
  securityOptions,
  startNatsServer,
  STATUS_SUBJECTS,
  statusSubject,
  SUBJECTS,
  type Credentials,
  type HostStorage,
  type NatsServerProcess,
  type PolicyRecord,
  type StatusRecord,
} from '@srv6/bus';
import { removeAgentDatapath } from './support/agent-datapath.js';
import { eventually } from './support/secure-stack.js';
import { NetnsLab, waitForOutput } from '@srv6/netlab';
import { loadIntents, loadTopology } from '@srv6/topology-lab';

const HOSTS = ['host-a', 'host-b'] as const;
const TEST_NAME = 'security-test';
const lab = new NetnsLab('s6se');
const directory = mkdtempSync(join(tmpdir(), 'srv6-security-'));
const children: ChildProcess[] = [];
const opened: NatsConnection[] = [];
const events: Array<{ subject: string; record: StatusRecord }> = [];
let credentials: Credentials;
let nats: NatsServerProcess;
let client: NatsConnection;
let storage: HostStorage;
let httpUrl = '';

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

const TOPOLOGY = {
  apiVersion: 'srv6.intents/v1',
  kind: 'Topology',
  metadata: { name: 'security' },
  spec: {
    nodes: [
      { name: 'r1', sid: 'fc00:0:1::1' },
      { name: 'r2', sid: 'fc00:0:2::1', decapSid: 'fc00:0:2::d6', prefixes: ['2001:db8:b::/64'] },
      { name: 'r3', sid: 'fc00:0:3::1' },
    ],
    links: [
      { a: 'r1', b: 'r2', igpMetric: 10, delayMs: 10, bandwidthMbps: 1000 },
      { a: 'r1', b: 'r3', igpMetric: 10, delayMs: 1, bandwidthMbps: 1000 },
      { a: 'r3', b: 'r2', igpMetric: 10, delayMs: 1, bandwidthMbps: 1000 },
    ],
    hosts: [
      { name: 'host-a', attachedTo: 'r1', address: '2001:db8:a::10' },
      { name: 'host-b', attachedTo: 'r1', address: '2001:db8:a::11' },
    ],
  },
};

function intent(name: string, hosts: string[], port: number, extra: object = {}): object {
  return {
    apiVersion: 'srv6.intents/v1',
    kind: 'Intent',
    metadata: { name },
    spec: {
      hosts,
      match: { destination: '2001:db8:b::/64', protocol: 'udp', ports: [port] },
      objective: 'low-latency',
      ...extra,
    },
  };
}

/** A raw nats.js connection with `user`'s credentials (TLS with the generated CA). */
async function connectAs(user: string): Promise<NatsConnection> {
  const nc = await connect({
    servers: nats.url,
    name: `${TEST_NAME} ${user}`,
    ...securityOptions(credentials.user(user)),
    maxReconnectAttempts: 0,
  });
  opened.push(nc);
  return nc;
}

async function request<T>(subject: string, body: unknown, nc = client): Promise<T> {
  return decodeJson<T>((await nc.request(subject, encodeJson(body), { timeout: 5000 })).data);
}

function start(service: string, user: string, env: Record<string, string> = {}): ChildProcess {
  const child = spawn('node', [resolve(`services/${service}/dist/main.js`)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NATS_URL: nats.url, ...credentials.env(user), ...env },
  });
  children.push(child);
  return child;
}

async function statusOf(key: string): Promise<StatusRecord | undefined> {
  const entry = await storage.status.get(key);
  return entry?.operation === 'PUT' ? decodeJson<StatusRecord>(entry.value) : undefined;
}

async function policyKeys(filter = '>'): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of await storage.policies.keys(filter)) keys.push(key);
  return keys.sort();
}

const programmed = (key: string): Promise<StatusRecord> =>
  eventually(`${key} programmed`, async () => {
    const status = await statusOf(key);
    return status?.state === 'programmed' ? status : undefined;
  });

/** Rejects with the server's permission error (a request to a subject the user may not use). */
const PERMISSION = /Permissions Violation for Publish/;

/** The subscription is closed by the server's permission error. */
async function subscriptionRefused(nc: NatsConnection, subject: string): Promise<string> {
  const subscription = nc.subscribe(subject);
  const closed = (await subscription.closed) as unknown;
  return closed instanceof Error ? closed.message : 'not refused';
}

/** What arrives on the public status subjects of `intent` within `ms`. */
async function publicEventsFor(intent: string, ms = 700): Promise<StatusRecord[]> {
  const before = events.length;
  await sleep(ms);
  return events
    .slice(before)
    .filter((event) => event.subject === statusSubject(intent))
    .map((event) => event.record);
}

/** Permission errors the server logged for anything but this test's own raw connections. */
function systemViolations(): string[] {
  return nats
    .output()
    .split('\n')
    .filter((line) => /Violation/.test(line) && !line.includes(TEST_NAME));
}

beforeAll(async () => {
  const build = spawnSync(
    'npx',
    ['tsc', '-b', 'services/intent-svc', 'services/path-svc', 'services/host-agent'],
    { encoding: 'utf8' },
  );
  if (build.status !== 0) throw new Error(`tsc -b failed: ${build.stdout}${build.stderr}`);
  credentials = ensureCredentials({ directory, hosts: [...HOSTS] });
  nats = await startNatsServer({ extraArgs: ['-c', credentials.serverConfig] });
  lab.addNode('peer');
  for (const [index, host] of HOSTS.entries()) {
    lab.addNode(host);
    lab.addLink(host, 'eth0', 'peer', `to-${host}`);
    // A default route, as on a real host: the agent copies its next hop into route MTUs (without
    // one, programming fails and the intent is reported `error`).
    lab.addAddress(host, 'eth0', `2001:db8:ff::${index + 1}/64`);
    lab.addRoute(host, ['default', 'dev', 'eth0']);
  }

  // Agents first: they wait for the buckets the services create (they may not create them).
  const agents = HOSTS.map((host) =>
    start('host-agent', agentUser(host), {
      HOST_NAME: host,
      INTERFACE: 'eth0',
      NETNS: lab.ns(host),
      DATAPATH_INSTANCE: `${lab.prefix}-${host}`,
      STATE_DIRECTORY: join(directory, 'agents', host),
      CAPACITY: '1024',
      REPORT_INTERVAL_MS: '500',
    }),
  );
  const intentSvc = start('intent-svc', INTENT_SVC_USER, { HTTP_PORT: '0' });
  const ready = await waitForOutput(intentSvc, /"event":"ready".*\n?/, 20_000);
  httpUrl = `http://127.0.0.1:${/"httpPort":(\d+)/.exec(ready)?.[1]}`;
  await waitForOutput(start('path-svc', PATH_SVC_USER), /"event":"ready"/, 20_000);
  for (const agent of agents) await waitForOutput(agent, /"event":"ready"/, 30_000);

  client = await connectAs(CLIENT_USER);
  storage = await openClientStorage(client);
  client.subscribe(STATUS_SUBJECTS, {
    callback: (error, message: Msg) => {
      if (!error) events.push({ subject: message.subject, record: message.json<StatusRecord>() });
    },
  });
  expect(await request(SUBJECTS.topologyApply, TOPOLOGY)).toMatchObject({ ok: true });
  for (const [name, host, port] of [
    ['only-a', 'host-a', 5000],
    ['only-b', 'host-b', 6000],
  ] as const) {
    expect(await request(SUBJECTS.intentsApply, intent(name, [host], port))).toMatchObject({
      ok: true,
    });
  }
  await programmed('host-a.only-a');
  await programmed('host-b.only-b');
}, 120_000);

afterAll(async () => {
  for (const nc of opened) await nc.close().catch(() => undefined);
  for (const child of children) child.kill('SIGKILL');
  await nats?.destroy();
  for (const host of HOSTS) {
    removeAgentDatapath(lab.ns(host), `${lab.prefix}-${host}`);
  }
  rmSync(directory, { recursive: true, force: true });
  await lab.destroy();
});

describe('each host-agent with its own NATS user', () => {
  it('programs its own intents; the public status events come through intent-svc', async () => {
    const a = await programmed('host-a.only-a');
    expect(a).toMatchObject({ host: 'host-a', intent: 'only-a', state: 'programmed' });
    expect(a.segments).toEqual(['fc00:0:3::1', 'fc00:0:2::d6']);
    expect(await programmed('host-b.only-b')).toMatchObject({ host: 'host-b' });
    // intent-svc relays the agents' status to the public subjects: one more hop after KV.
    const published = await eventually('both status events relayed', async () => {
      const seen = events.map((event) => [event.subject, event.record.host]);
      const relayed = [statusSubject('only-a'), statusSubject('only-b')].every((subject) =>
        seen.some(([seenSubject]) => seenSubject === subject),
      );
      return relayed ? seen : undefined;
    });
    expect(published).toContainEqual([statusSubject('only-a'), 'host-a']);
    expect(published).toContainEqual([statusSubject('only-b'), 'host-b']);
    // Nothing the system itself did was refused by the permissions.
    expect(systemViolations()).toEqual([]);
  });

  it("host-a cannot read host-b's policies", async () => {
    const nc = await connectAs(agentUser('host-a'));
    const policies = await new Kvm(jetstream(nc)).open('srv6-policies', { allow_direct: true });

    const own: string[] = [];
    for await (const key of await policies.keys('host-a.*')) own.push(key);
    expect(own).toEqual(['host-a.only-a']); // what its agent does works

    // A KV watch or key listing of host-b's keys, or of every key: the consumer is refused.
    await expect(policies.keys('host-b.*')).rejects.toThrow(
      /Permissions Violation for Publish to "\$JS\.API\.CONSUMER\.CREATE\.KV_srv6-policies\.[^.]+\.\$KV\.srv6-policies\.host-b\.\*"/,
    );
    await expect(policies.watch({ key: '>' })).rejects.toThrow(PERMISSION);
    await expect(policies.watch({ key: 'host-b.only-b' })).rejects.toThrow(PERMISSION);
    // Get by key (direct get names the key) and the stream's message get (key in the body).
    await expect(policies.get('host-b.only-b')).rejects.toThrow(
      /Permissions Violation for Publish to "\$JS\.API\.DIRECT\.GET\.KV_srv6-policies\.\$KV\.srv6-policies\.host-b\.only-b"/,
    );
    await expect(
      nc.request(
        '$JS.API.STREAM.MSG.GET.KV_srv6-policies',
        encodeJson({ last_by_subj: '$KV.srv6-policies.host-b.only-b' }),
      ),
    ).rejects.toThrow(PERMISSION);
    // Consumers without a filter in the subject (ephemeral, durable) are not allowed at all.
    const body = { stream_name: 'KV_srv6-policies', config: { ack_policy: 'none' } };
    for (const subject of [
      '$JS.API.CONSUMER.CREATE.KV_srv6-policies',
      '$JS.API.CONSUMER.CREATE.KV_srv6-policies.thief',
      '$JS.API.CONSUMER.DURABLE.CREATE.KV_srv6-policies.thief',
    ]) {
      await expect(nc.request(subject, encodeJson(body))).rejects.toThrow(PERMISSION);
    }
    // The allowed subject with another filter in the body: nats-server itself refuses it.
    const smuggled = await request<{ error?: { err_code: number } }>(
      '$JS.API.CONSUMER.CREATE.KV_srv6-policies.thief.$KV.srv6-policies.host-a.*',
      {
        stream_name: 'KV_srv6-policies',
        config: {
          name: 'thief',
          filter_subject: '$KV.srv6-policies.host-b.*',
          ack_policy: 'none',
          deliver_subject: '_INBOX.agent-host-a.thief',
        },
      },
      nc,
    );
    expect(smuggled.error?.err_code).toBe(10131); // filter does not match the create subject
    // The messages themselves: the stream's subjects, other users' inboxes (where path-svc's
    // watch of every policy is delivered).
    for (const subject of ['$KV.srv6-policies.>', '_INBOX.>', '_INBOX.path-svc.>', '>']) {
      expect(await subscriptionRefused(nc, subject)).toMatch(
        /Permissions Violation for Subscription/,
      );
    }
  });

  it("host-a cannot forge host-b's status, on the bucket or on the subjects", async () => {
    const nc = await connectAs(agentUser('host-a'));
    const status = await new Kvm(jetstream(nc)).open('srv6-status', { allow_direct: true });
    const forged: StatusRecord = {
      intent: 'only-b',
      host: 'host-b',
      state: 'error',
      reason: 'forged by host-a',
      updatedAt: new Date().toISOString(),
    };
    const before = await statusOf('host-b.only-b');

    await expect(status.put('host-b.only-b', encodeJson(forged))).rejects.toThrow(
      /Permissions Violation for Publish to "\$KV\.srv6-status\.host-b\.only-b"/,
    );
    await expect(status.delete('host-b.only-b')).rejects.toThrow(PERMISSION);
    // A rollup on its own key would purge every host's statuses: the bucket refuses rollups.
    const rollup = headers();
    rollup.set('Nats-Rollup', 'all');
    await expect(
      jetstream(nc).publish('$KV.srv6-status.host-a.probe', encodeJson({}), { headers: rollup }),
    ).rejects.toThrow(/rollup/i);
    // Its own keys it may write (what its agent does).
    expect(await status.put('host-a.probe', encodeJson({ probe: true }))).toBeGreaterThan(0);
    await status.delete('host-a.probe');

    // Status events: not on the public subject, not on host-b's report subject, and a report
    // on its own subject that claims host-b is dropped by intent-svc.
    const errors: string[] = [];
    void (async () => {
      for await (const s of nc.status()) if (s.type === 'error') errors.push(String(s.error));
    })();
    nc.publish(statusSubject('only-b'), encodeJson(forged));
    nc.publish(agentStatusSubject('host-b', 'only-b'), encodeJson(forged));
    nc.publish(agentStatusSubject('host-a', 'only-b'), encodeJson(forged));
    await nc.flush();
    expect(await publicEventsFor('only-b')).toEqual([]);
    expect(errors.join('\n')).toMatch(
      /Permissions Violation for Publish to "srv6\.status\.intents\.only-b"/,
    );
    expect(errors.join('\n')).toMatch(
      /Permissions Violation for Publish to "srv6\.agent\.host-b\.status\.only-b"/,
    );
    // Nor can it change intents or the topology.
    await expect(
      nc.request(SUBJECTS.intentsApply, encodeJson(intent('x', ['host-a'], 1))),
    ).rejects.toThrow(PERMISSION);
    expect(await statusOf('host-b.only-b')).toEqual(before);
  });
});

describe('least privilege for services and clients', () => {
  it('path-svc writes policies only; intent-svc intents, topology and events only', async () => {
    const path = await connectAs(PATH_SVC_USER);
    const pathJs = jetstream(path);
    await expect(pathJs.publish('$KV.srv6-intents.only-a', encodeJson({}))).rejects.toThrow(
      PERMISSION,
    );
    await expect(pathJs.publish('$KV.srv6-status.host-a.only-a', encodeJson({}))).rejects.toThrow(
      PERMISSION,
    );
    await expect(pathJs.publish('srv6.events.intents.x', encodeJson({}))).rejects.toThrow(
      PERMISSION,
    );
    await expect(path.request(SUBJECTS.intentsApply, encodeJson({}))).rejects.toThrow(PERMISSION);
    await expect(
      path.request('$JS.API.STREAM.DELETE.KV_srv6-intents', encodeJson({})),
    ).rejects.toThrow(PERMISSION);

    const svc = await connectAs(INTENT_SVC_USER);
    await expect(
      jetstream(svc).publish('$KV.srv6-policies.host-a.only-a', encodeJson({})),
    ).rejects.toThrow(PERMISSION);
    await expect(
      svc.request('$JS.API.CONSUMER.MSG.NEXT.SRV6_EVENTS.path-svc', encodeJson({ batch: 1 })),
    ).rejects.toThrow(PERMISSION);
    expect(await subscriptionRefused(svc, '_INBOX.agent-host-a.>')).toMatch(/Violation/);
  });

  it('the client user: public requests, status events, reading policies; no writes behind the services', async () => {
    const nc = await connectAs(CLIENT_USER);
    expect(await request(SUBJECTS.intentsList, {}, nc)).toMatchObject({ ok: true });
    expect(await policyKeys()).toEqual(['host-a.only-a', 'host-b.only-b']);
    const js = jetstream(nc);
    for (const subject of [
      '$KV.srv6-intents.only-a',
      '$KV.srv6-topology.current',
      '$KV.srv6-policies.host-a.only-a',
      '$KV.srv6-status.host-a.only-a',
      'srv6.events.topology',
    ]) {
      await expect(js.publish(subject, encodeJson({}))).rejects.toThrow(PERMISSION);
    }
    for (const subject of [
      '$JS.API.STREAM.DELETE.KV_srv6-intents',
      '$JS.API.STREAM.PURGE.KV_srv6-policies',
      '$JS.API.CONSUMER.MSG.NEXT.SRV6_EVENTS.path-svc',
    ]) {
      await expect(nc.request(subject, encodeJson({}))).rejects.toThrow(PERMISSION);
    }
    expect(await subscriptionRefused(nc, 'srv6.agent.>')).toMatch(/Violation/);
  });

  it('refuses connections without credentials or with a wrong password', async () => {
    const base = { servers: nats.url, name: TEST_NAME, maxReconnectAttempts: 0 };
    await expect(connect({ ...base, tls: { caFile: credentials.caFile } })).rejects.toThrow(
      /Authorization Violation/,
    );
    await expect(
      connect({ ...base, ...securityOptions({ ...credentials.user(CLIENT_USER), pass: 'wrong' }) }),
    ).rejects.toThrow(/Authorization Violation/);
    // One agent's password is not another's.
    await expect(
      connect({
        ...base,
        ...securityOptions({
          ...credentials.user(agentUser('host-a')),
          pass: credentials.passwords[agentUser('host-b')],
        }),
      }),
    ).rejects.toThrow(/Authorization Violation/);
  });
});

describe('TLS', () => {
  it('connects over TLS with the generated CA; refuses plain text and an unknown CA', async () => {
    // Plain TCP: the server announces TLS and closes on plain-text CONNECT, no PONG.
    const received = await new Promise<string>((done) => {
      const socket = tcpConnect({ host: '127.0.0.1', port: nats.port });
      let text = '';
      let sent = false;
      socket.on('data', (chunk) => {
        text += chunk.toString();
        if (!sent && text.includes('\r\n')) {
          sent = true;
          const { pass } = credentials.user(CLIENT_USER);
          socket.write(`CONNECT {"verbose":false,"user":"client","pass":"${pass}"}\r\nPING\r\n`);
        }
      });
      const timer = setTimeout(() => socket.destroy(), 5000);
      socket.on('close', () => {
        clearTimeout(timer);
        done(text);
      });
      socket.on('error', () => undefined);
    });
    const info = JSON.parse(/^INFO (.*)\r\n/.exec(received)![1]!) as Record<string, unknown>;
    expect(info).toMatchObject({ tls_required: true, auth_required: true });
    expect(received).not.toMatch(/PONG/);
    // nats.js without TLS material trusts only the system CAs: the certificate is refused.
    await expect(
      connect({
        servers: nats.url,
        name: TEST_NAME,
        user: CLIENT_USER,
        pass: credentials.user(CLIENT_USER).pass,
        maxReconnectAttempts: 0,
      }),
    ).rejects.toThrow(/certificate/i);
    expect(client.info?.tls_required).toBe(true);
  });
});

describe('HTTP API token', () => {
  const http = async (method: string, path: string, token?: string, body?: unknown) => {
    const response = await fetch(`${httpUrl}${path}`, {
      method,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('writes need the bearer token (401 without or wrong, 200 with it); reads stay open', async () => {
    const write = intent('http-write', ['host-a'], 7000);
    const missing = await http('POST', '/v1/intents', undefined, write);
    expect(missing).toEqual({
      status: 401,
      body: { ok: false, errors: [{ path: '', message: expect.stringMatching(/Bearer/) }] },
    });
    expect((await http('POST', '/v1/intents', 'not-the-token-at-all', write)).status).toBe(401);
    expect((await http('PUT', '/v1/topology', undefined, TOPOLOGY)).status).toBe(401);
    expect((await http('DELETE', '/v1/intents/only-a')).status).toBe(401);
    expect(await request(SUBJECTS.intentsGet, { name: 'http-write' })).toMatchObject({ ok: false });

    const accepted = await http('POST', '/v1/intents', credentials.httpToken, write);
    expect(accepted).toMatchObject({ status: 200, body: { ok: true, name: 'http-write' } });
    expect((await http('GET', '/v1/intents')).status).toBe(200);
    expect((await http('GET', '/v1/intents/http-write')).status).toBe(200);
    expect((await http('GET', '/v1/topology')).status).toBe(200);
    const deleted = await http('DELETE', '/v1/intents/http-write', credentials.httpToken);
    expect(deleted.status).toBe(200);
  });
});

describe('an intent steers only the traffic of the hosts it names, with SIDs from the topology', () => {
  it('refuses an intent that brings its own segments or SIDs, with why', async () => {
    for (const field of ['segments', 'sids']) {
      const reply = await request<{
        ok: boolean;
        errors: Array<{ path: string; message: string }>;
      }>(SUBJECTS.intentsApply, intent('own-sids', ['host-a'], 8000, { [field]: ['fc00:0:9::1'] }));
      expect(reply.ok).toBe(false);
      expect(reply.errors).toContainEqual({
        path: `spec.${field}`,
        message: expect.stringMatching(
          /cannot set segments, SIDs.*computes them from the topology/,
        ),
      });
    }
    expect(await request(SUBJECTS.intentsGet, { name: 'own-sids' })).toMatchObject({ ok: false });
  });

  it('moving an intent to another host moves its policy: the first host no longer has it', async () => {
    expect(await request(SUBJECTS.intentsApply, intent('only-a', ['host-b'], 5000))).toMatchObject({
      ok: true,
    });
    await eventually('policy moved to host-b', async () =>
      JSON.stringify(await policyKeys('*.only-a')) === '["host-b.only-a"]' ? true : undefined,
    );
    await programmed('host-b.only-a');
    await eventually('host-a dropped only-a', async () =>
      (await statusOf('host-a.only-a')) === undefined ? true : undefined,
    );
    expect(await request(SUBJECTS.intentsApply, intent('only-a', ['host-a'], 5000))).toMatchObject({
      ok: true,
    });
    await programmed('host-a.only-a');
  });

  it('every example intent: policies for exactly its hosts, every segment a topology SID', async () => {
    for (const name of ['only-a', 'only-b']) {
      expect(await request(SUBJECTS.intentsDelete, { name })).toMatchObject({ ok: true });
    }
    const topology = loadTopology('examples/topology.yaml');
    const intents = loadIntents('examples', topology);
    expect(await request(SUBJECTS.topologyApply, topology)).toMatchObject({ ok: true });
    for (const item of intents) {
      expect(await request(SUBJECTS.intentsApply, item)).toMatchObject({ ok: true });
    }
    const sids = new Set<string>();
    for (const node of topology.spec.nodes) {
      sids.add(node.sid);
      if (node.decapSid) sids.add(node.decapSid);
    }
    for (const link of topology.spec.links)
      for (const sid of Object.values(link.adjSids ?? {})) sids.add(sid);
    for (const service of topology.spec.services ?? []) sids.add(service.sid);
    const addresses = new Map((topology.spec.hosts ?? []).map((h) => [h.name, h.address]));

    for (const item of intents) {
      const name = item.metadata.name;
      const hosts = [...item.spec.hosts].sort();
      const keys = await eventually(`${name}: a policy per host`, async () => {
        const found = await policyKeys(`*.${name}`);
        return JSON.stringify(found) === JSON.stringify(hosts.map((h) => `${h}.${name}`))
          ? found
          : undefined;
      });
      for (const key of keys) {
        const entry = await storage.policies.get(key);
        const record = decodeJson<PolicyRecord>(entry!.value);
        expect(hosts).toContain(record.host);
        expect(record.source).toBe(addresses.get(record.host));
        for (const segment of record.segments) expect(sids).toContain(segment);
      }
    }
    expect(systemViolations()).toEqual([]);
  });
});

// The agents' credentials directory is what the lab and compose use too: nothing in it is
// readable by other users.
it('keeps the secrets of the credentials directory private', () => {
  for (const file of ['nats-server.conf', 'users.json', 'tls/ca-key.pem', 'tls/server-key.pem']) {
    const mode = spawnSync('stat', ['-c', '%a', join(directory, file)], { encoding: 'utf8' });
    expect(`${file} ${mode.stdout.trim()}`).toBe(`${file} 600`);
  }
  expect(readFileSync(join(directory, 'env', 'agent-host-a.env'), 'utf8')).toMatch(
    /^NATS_USER=agent-host-a\nNATS_PASS=\S+\nNATS_CA=\S+ca\.pem\n$/,
  );
});
