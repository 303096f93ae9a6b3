/**
 * Issue 3, acceptance 3: the whole control plane with real parts. A real nats-server, intent-svc,
 * two path-svc instances and the real host-agent on host-a of the diamond lab (real BPF program,
 * real kernel SRv6 routers). An intent applied over NATS (raw client) and one over HTTP are
 * computed, written as policies, programmed and reported `programmed`; traffic follows; a
 * topology change reroutes; a delete removes the policy from the kernel.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { parse } from 'yaml';
import { HOST_B, waitForOutput } from '@srv6/netlab';
import { BUCKETS, decodeJson, encodeJson, StatusRecord, SUBJECTS } from '@srv6/bus';
import { DiamondStack } from './support/diamond-stack.js';

// iperf3 -n 5M moves 5 MiB; some may still be in flight when the client exits.
const MOST_OF_5_MB = 3_000_000;
const stack = new DiamondStack('s6cp');
const { lab, stateDirectory } = stack;
let nc: NatsConnection;
let httpPort = 0;
const topology = parse(readFileSync('test/fixtures/diamond-topology.yaml', 'utf8'));

function intent(name: string, objective: string, port: number): Record<string, unknown> {
  return {
    apiVersion: 'srv6.intents/v1',
    kind: 'Intent',
    metadata: { name },
    spec: {
      hosts: ['host-a'],
      match: { destination: '2001:db8:b::/64', protocol: 'tcp', ports: [port] },
      objective,
    },
  };
}

async function status(
  name: string,
  predicate: (s: StatusRecord) => boolean,
  timeoutMs = 15000,
): Promise<StatusRecord> {
  const kv = await new Kvm(nc).open(BUCKETS.status);
  const deadline = Date.now() + timeoutMs;
  let last: StatusRecord | undefined;
  while (Date.now() < deadline) {
    const entry = await kv.get(`host-a.${name}`);
    if (entry?.operation === 'PUT') {
      last = decodeJson<StatusRecord>(entry.value);
      if (predicate(last)) return last;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`status of ${name} never matched; last: ${JSON.stringify(last)}`);
}

async function bytesVia(router: 'r2' | 'r3', port: number): Promise<number> {
  const before = lab.rxCounters(router, 'to-r1').bytes;
  const server = lab.spawn('host-b', 'iperf3', ['-s', '-1', '--forceflush', '-p', String(port)]);
  try {
    await waitForOutput(server, /Server listening/);
    lab.exec('host-a', 'iperf3', ['-6', '-c', HOST_B, '-p', String(port), '-n', '5M']);
  } finally {
    server.kill('SIGKILL');
  }
  return lab.rxCounters(router, 'to-r1').bytes - before;
}

beforeAll(async () => {
  await stack.start();
  nc = await connect({ servers: stack.nats.url });
  const intentSvc = await stack.service('intent-svc', 'intent-svc', { HTTP_PORT: '0' });
  httpPort = Number(intentSvc.ready.httpPort ?? 0);
  for (const instance of ['p1', 'p2'])
    await stack.service(`path-svc ${instance}`, 'path-svc', { INSTANCE: instance });
  await stack.agent({ REPORT_INTERVAL_MS: '500' });
}, 120000);

afterAll(async () => {
  await nc?.close();
  await stack.destroy();
});

describe('control plane end to end', () => {
  it('an intent applied with a raw NATS client is computed, programmed and steers traffic', async () => {
    const topologyReply = decodeJson<{ ok: boolean }>(
      (await nc.request(SUBJECTS.topologyApply, encodeJson(topology), { timeout: 5000 })).data,
    );
    expect(topologyReply.ok).toBe(true);
    const reply = decodeJson<{ ok: boolean; revision: number }>(
      (
        await nc.request(SUBJECTS.intentsApply, encodeJson(intent('fast', 'low-latency', 5201)), {
          timeout: 5000,
        })
      ).data,
    );
    expect(reply).toMatchObject({ ok: true, revision: expect.any(Number) });
    const programmed = await status('fast', (s) => s.state === 'programmed');
    expect(programmed.path).toEqual(['r1', 'r3', 'r4']);
    expect(programmed.segments).toEqual(['fc00:0:3::1', 'fc00:0:4::d6']);
    expect(await bytesVia('r3', 5201)).toBeGreaterThan(MOST_OF_5_MB);
  });

  it('an intent applied over HTTP is programmed too (high-bandwidth keeps the wide IGP path)', async () => {
    const response = await fetch(`http://127.0.0.1:${httpPort}/v1/intents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(intent('bulk', 'high-bandwidth', 5202)),
    });
    expect(response.status).toBeLessThan(300);
    const programmed = await status('bulk', (s) => s.state === 'programmed');
    expect(programmed.path).toEqual(['r1', 'r2', 'r4']);
    expect(await bytesVia('r2', 5202)).toBeGreaterThan(MOST_OF_5_MB);
  });

  it('a topology change (link r1-r3 down) reroutes the low-latency intent via r2', async () => {
    const down = structuredClone(topology);
    down.spec.links = down.spec.links.filter((link: { name: string }) => link.name !== 'r1-r3');
    const reply = decodeJson<{ ok: boolean }>(
      (await nc.request(SUBJECTS.topologyApply, encodeJson(down), { timeout: 5000 })).data,
    );
    expect(reply.ok).toBe(true);
    const rerouted = await status(
      'fast',
      (s) => s.state === 'programmed' && s.path?.includes('r2') === true,
    );
    expect(rerouted.path).toEqual(['r1', 'r2', 'r4']);
    expect(await bytesVia('r2', 5201)).toBeGreaterThan(MOST_OF_5_MB);
  });

  it('srv6 describe intent shows path, segments, per-host state and counters', async () => {
    await status('bulk', (s) => BigInt(s.counters?.packets ?? '0') > 0n);
    const result = spawnSync(
      'node',
      ['cli/bin/srv6.mjs', 'describe', 'intent', 'bulk', '--server', stack.nats.url, '-o', 'json'],
      {
        encoding: 'utf8',
      },
    );
    expect(result.stderr).toBe('');
    const described = JSON.parse(result.stdout);
    expect(described.hosts).toEqual([
      expect.objectContaining({
        host: 'host-a',
        state: 'programmed',
        path: 'r1 → r2 → r4',
        segments: 'fc00:0:4::d6',
      }),
    ]);
    expect(BigInt(described.hosts[0].packets)).toBeGreaterThan(0n);
    expect(BigInt(described.hosts[0].bytes)).toBeGreaterThan(1_000_000n);
    const table = spawnSync(
      'node',
      ['cli/bin/srv6.mjs', 'get', 'intents', '--server', stack.nats.url],
      {
        encoding: 'utf8',
      },
    );
    expect(table.stdout).toMatch(/^NAME\s+REVISION/m);
    expect(table.stdout).toMatch(/^bulk\s+\d+\s+host-a\s+2001:db8:b::\/64\s+tcp\s+high-bandwidth/m);
  });

  it('srv6 apply of a bad intent exits 1, lists every problem, and changes nothing', async () => {
    const kv = await new Kvm(nc).open(BUCKETS.intents);
    const before = await kv.status();
    const bulkRevision = (await kv.get('bulk'))?.revision;
    const bad = join(stateDirectory, 'bad.yaml');
    writeFileSync(
      bad,
      'apiVersion: srv6.intents/v1\nkind: Intent\nmetadata: { name: bulk }\nspec:\n  hosts: [host-z]\n  match: { destination: 2001:db8:b::/64, protocol: sctp }\n  objective: low-latency\n  constraints: { avoidNodes: [r9] }\n',
    );
    const result = spawnSync(
      'node',
      ['cli/bin/srv6.mjs', 'apply', '-f', bad, '--server', stack.nats.url],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('spec.match.protocol');
    const after = await kv.status();
    expect(after.values).toBe(before.values);
    expect((await kv.get('bulk'))?.revision).toBe(bulkRevision);
    const second = spawnSync(
      'node',
      [
        'cli/bin/srv6.mjs',
        'apply',
        '-f',
        bad.replace('bad', 'missing'),
        '--server',
        stack.nats.url,
      ],
      {
        encoding: 'utf8',
      },
    );
    expect(second.status).toBe(1);
  });

  it('deleting an intent removes its policy from the kernel and its status', async () => {
    const reply = decodeJson<{ ok: boolean }>(
      (await nc.request(SUBJECTS.intentsDelete, encodeJson({ name: 'fast' }), { timeout: 5000 }))
        .data,
    );
    expect(reply.ok).toBe(true);
    const kv = await new Kvm(nc).open(BUCKETS.status);
    const deadline = Date.now() + 15000;
    while ((await kv.get('host-a.fast'))?.operation === 'PUT' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect((await kv.get('host-a.fast'))?.operation).not.toBe('PUT');
    const policies = await new Kvm(nc).open(BUCKETS.policies);
    expect((await policies.get('host-a.fast'))?.operation).not.toBe('PUT');
    expect((await kv.get('host-a.bulk'))?.operation).toBe('PUT');
  });
});
