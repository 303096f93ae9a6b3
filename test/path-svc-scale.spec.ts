/**
 * Two path-svc instances on one durable consumer share the events of 60 intents: every intent
 * gets its policy (nothing lost), each policy key is written once (no double work visible to
 * hosts), and work continues when one instance is stopped halfway or killed (SIGKILL) mid-work.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { Kvm, KvWatchInclude } from '@nats-io/kv';
import { parse } from 'yaml';
import { waitForOutput } from '@srv6/netlab';
import {
  BUCKETS,
  decodeJson,
  encodeJson,
  NatsServerProcess,
  startNatsServer,
  SUBJECTS,
} from '@srv6/bus';

const children: ChildProcess[] = [];
let nats: NatsServerProcess;
let nc: NatsConnection;

function start(service: string, env: Record<string, string> = {}): ChildProcess {
  const child = spawn('node', [resolve(`services/${service}/dist/main.js`)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NATS_URL: nats.url, HTTP_PORT: '0', ...env },
  });
  children.push(child);
  return child;
}

async function apply(subject: string, body: unknown): Promise<void> {
  const reply = decodeJson<{ ok: boolean; errors?: unknown }>(
    (await nc.request(subject, encodeJson(body), { timeout: 5000 })).data,
  );
  if (!reply.ok) throw new Error(`${subject}: ${JSON.stringify(reply.errors)}`);
}

const intent = (i: number): Record<string, unknown> => ({
  apiVersion: 'srv6.intents/v1',
  kind: 'Intent',
  metadata: { name: `flow-${i}` },
  spec: {
    hosts: ['host-a'],
    match: {
      destination: `2001:db8:b::${(i + 1).toString(16)}`,
      protocol: 'udp',
      ports: [5000 + i],
    },
    objective: i % 2 === 0 ? 'low-latency' : 'high-bandwidth',
  },
});

beforeAll(async () => {
  const build = spawnSync('npx', ['tsc', '-b', 'services/intent-svc', 'services/path-svc'], {
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`tsc -b failed: ${build.stdout}${build.stderr}`);
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
  await waitForOutput(start('intent-svc'), /"event":"ready"/, 20000);
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await nc?.close();
  await nats?.destroy();
});

it('shares the work without losing or repeating any', async () => {
  await apply(
    SUBJECTS.topologyApply,
    parse(readFileSync('test/fixtures/diamond-topology.yaml', 'utf8')),
  );
  const first = start('path-svc', { INSTANCE: 'p1' });
  const second = start('path-svc', { INSTANCE: 'p2' });
  await Promise.all([
    waitForOutput(first, /"event":"ready"/, 20000),
    waitForOutput(second, /"event":"ready"/, 20000),
  ]);
  for (let i = 0; i < 30; i++) await apply(SUBJECTS.intentsApply, intent(i));
  second.kill('SIGTERM'); // one instance leaves halfway; the other takes the rest
  for (let i = 30; i < 60; i++) await apply(SUBJECTS.intentsApply, intent(i));

  const policies = await new Kvm(nc).open(BUCKETS.policies);
  const deadline = Date.now() + 30000; // a lost ack would come back after the 10 s ack wait
  let keys: string[] = [];
  while (Date.now() < deadline) {
    keys = [];
    for await (const key of await policies.keys()) keys.push(key);
    if (keys.length === 60) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(keys.sort()).toEqual(Array.from({ length: 60 }, (_, i) => `host-a.flow-${i}`).sort());
  for (const key of keys) {
    let writes = 0;
    for await (const entry of await policies.history({ key }))
      if (entry.operation === 'PUT') writes++;
    expect({ key, writes }).toEqual({ key, writes: 1 });
  }
  const low = decodeJson<{ path: string[] }>((await policies.get('host-a.flow-0'))!.value);
  const wide = decodeJson<{ path: string[] }>((await policies.get('host-a.flow-1'))!.value);
  expect(low.path).toEqual(['r1', 'r3', 'r4']);
  expect(wide.path).toEqual(['r1', 'r2', 'r4']);
});

it('loses nothing and writes nothing twice when an instance is killed (SIGKILL) mid-work', async () => {
  const policies = await new Kvm(nc).open(BUCKETS.policies);
  const puts = new Map<string, number>();
  const watch = await policies.watch({ include: KvWatchInclude.UpdatesOnly });
  void (async () => {
    for await (const entry of watch) {
      if (entry.operation === 'PUT') puts.set(entry.key, (puts.get(entry.key) ?? 0) + 1);
    }
  })();
  const doomed = start('path-svc', { INSTANCE: 'p3' });
  const survivor = start('path-svc', { INSTANCE: 'p4' });
  await Promise.all([
    waitForOutput(doomed, /"event":"ready"/, 20000),
    waitForOutput(survivor, /"event":"ready"/, 20000),
  ]);
  const names = Array.from({ length: 60 }, (_, i) => 100 + i);
  const sends = names.map((i) => apply(SUBJECTS.intentsApply, intent(i))); // all in flight
  await sends[20];
  doomed.kill('SIGKILL'); // while events are being computed by all instances
  await Promise.all(sends);
  const wanted = names.map((i) => `host-a.flow-${i}`).sort();
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline && !wanted.every((key) => puts.has(key)))
    await new Promise((r) => setTimeout(r, 100));
  // a message the killed instance held comes back after the 10 s ack wait: watch past it
  await new Promise((r) => setTimeout(r, 11000));
  watch.stop();
  expect(doomed.signalCode).toBe('SIGKILL');
  expect(wanted.filter((key) => !puts.has(key))).toEqual([]);
  expect(wanted.filter((key) => puts.get(key) !== 1)).toEqual([]);
}, 90000);
