/**
 * Issue 5, observability: the real services (real nats-server, the real agent on host-a of the
 * diamond lab) scraped on /metrics before and after real work — each counter moves by exactly
 * what was done; every log line is JSON, and each line about an intent names it; a nats-server
 * restart shows up as one disconnect and one reconnect per connection.
 */
import { readFileSync } from 'node:fs';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { parse } from 'yaml';
import { BUCKETS, decodeJson, encodeJson, IntentState, StatusRecord, SUBJECTS } from '@srv6/bus';
import { DiamondStack } from './support/diamond-stack.js';

/** Service names as started below (one of each). */
const SERVICES = ['intent-svc', 'path-svc', 'host-agent'];
const stack = new DiamondStack('s6ob');
const topology = parse(readFileSync('test/fixtures/diamond-topology.yaml', 'utf8'));
let nc: NatsConnection;

/** Where a service serves /metrics (its ready line names the port). */
function metricsUrl(service: string): string {
  const ready = stack.services.get(service)!.ready;
  return `http://127.0.0.1:${String(ready.metricsPort ?? ready.httpPort)}/metrics`;
}

type Samples = Array<{ name: string; labels: Record<string, string>; value: number }>;

async function scrape(service: string): Promise<Samples> {
  const response = await fetch(metricsUrl(service));
  expect(response.status).toBe(200);
  const samples: Samples = [];
  for (const line of (await response.text()).split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples of `name` carrying every label given (0 when none does). */
function value(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name)
    .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Scrapes until `check` passes (metrics are recorded right after the work they count). */
async function eventually(service: string, check: (samples: Samples) => void): Promise<Samples> {
  const deadline = Date.now() + 15000;
  for (;;) {
    const samples = await scrape(service);
    try {
      check(samples);
      return samples;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function request(subject: string, body: unknown): Promise<{ ok: boolean }> {
  return decodeJson((await nc.request(subject, encodeJson(body), { timeout: 5000 })).data);
}

function intent(name: string, objective: string, port: number, extra = {}): object {
  return {
    apiVersion: 'srv6.intents/v1',
    kind: 'Intent',
    metadata: { name },
    spec: {
      hosts: ['host-a'],
      match: { destination: '2001:db8:b::/64', protocol: 'tcp', ports: [port] },
      objective,
      ...extra,
    },
  };
}

async function state(name: string, wanted: IntentState | 'gone'): Promise<void> {
  const kv = await new Kvm(nc).open(BUCKETS.status);
  const deadline = Date.now() + 15000;
  let last: StatusRecord | undefined;
  while (Date.now() < deadline) {
    const entry = await kv.get(`host-a.${name}`);
    last = entry?.operation === 'PUT' ? decodeJson<StatusRecord>(entry.value) : undefined;
    if (wanted === 'gone' ? last === undefined : last?.state === wanted) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} never became ${wanted}; last: ${JSON.stringify(last)}`);
}

/** Every line a service printed, each parsed as JSON (a line that is not JSON fails). */
function lines(service: string): Array<Record<string, unknown>> {
  return stack
    .output(service)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`${service} printed a line that is not JSON: ${line}`);
      }
    });
}

beforeAll(async () => {
  await stack.start();
  nc = await connect({
    servers: stack.nats.url,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
  await stack.service('intent-svc', 'intent-svc', { HTTP_PORT: '0', INSTANCE: 'obs-intents' });
  await stack.service('path-svc', 'path-svc', { INSTANCE: 'obs-p1', METRICS_PORT: '0' });
  await stack.agent({ METRICS_PORT: '0' });
}, 120000);

afterAll(async () => {
  await nc?.close();
  await stack.destroy();
});

describe('metrics after real work', () => {
  it('path-svc and the agent print where they serve /metrics; the default stays off', () => {
    for (const service of ['path-svc', 'host-agent']) {
      expect(stack.output(service)).toMatch(
        new RegExp(
          `"service":"${service}","event":"ready".*"metricsHost":"127.0.0.1","metricsPort":\\d+`,
        ),
      );
    }
    expect(lines('intent-svc').find((l) => l['event'] === 'ready')).not.toHaveProperty(
      'metricsPort',
    );
  });

  it('an applied intent moves each service’s counters by exactly its work', async () => {
    const before = {
      intents: await scrape('intent-svc'),
      paths: await scrape('path-svc'),
      agent: await scrape('host-agent'),
    };
    expect(value(before.paths, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(value(before.agent, 'srv6_nats_reconnects_total', { connection: 'bus' })).toBe(0);

    expect((await request(SUBJECTS.topologyApply, topology)).ok).toBe(true);
    expect(
      (await request(SUBJECTS.intentsApply, intent('obs-video', 'low-latency', 5201))).ok,
    ).toBe(true);
    await state('obs-video', 'programmed');

    const grew = (samples: Samples, old: Samples, name: string, labels = {}): number =>
      value(samples, name, labels) - value(old, name, labels);
    const intents = await eventually('intent-svc', (s) =>
      expect(value(s, 'srv6_intents_stored')).toBe(1),
    );
    expect(grew(intents, before.intents, 'srv6_intent_requests_total', { result: 'ok' })).toBe(2);
    expect(
      grew(intents, before.intents, 'srv6_intent_requests_total', {
        operation: 'topology-apply',
        result: 'ok',
      }),
    ).toBe(1);
    const paths = await eventually('path-svc', (s) =>
      expect(grew(s, before.paths, 'srv6_path_events_total')).toBe(2),
    );
    const lowLatency = { objective: 'low-latency' };
    expect(grew(paths, before.paths, 'srv6_path_computations_total')).toBe(1);
    expect(
      grew(paths, before.paths, 'srv6_path_computations_total', { ...lowLatency, result: 'ok' }),
    ).toBe(1);
    expect(
      grew(paths, before.paths, 'srv6_path_computation_duration_seconds_count', lowLatency),
    ).toBe(1);
    expect(value(paths, 'srv6_path_computation_duration_seconds_sum', lowLatency)).toBeGreaterThan(
      0,
    );
    expect(grew(paths, before.paths, 'srv6_path_events_total', { type: 'topology' })).toBe(1);
    expect(grew(paths, before.paths, 'srv6_path_policy_writes_total')).toBe(1);
    const agent = await eventually('host-agent', (s) =>
      expect(value(s, 'srv6_agent_intents', { state: 'programmed' })).toBe(1),
    );
    expect(value(agent, 'srv6_datapath_policies_programmed')).toBe(1);
    expect(value(agent, 'srv6_datapath_prefixes')).toBe(1);
    expect(grew(agent, before.agent, 'srv6_datapath_policies_written_total')).toBe(1);
    expect(grew(agent, before.agent, 'srv6_datapath_prefixes_written_total')).toBe(1);
    const reconciles = value(agent, 'srv6_agent_reconciles_total');
    expect(reconciles).toBeGreaterThan(value(before.agent, 'srv6_agent_reconciles_total'));
    expect(value(agent, 'srv6_agent_reconcile_duration_seconds_count')).toBe(reconciles);
    for (const samples of [intents, paths, agent])
      expect(value(samples, 'srv6_errors_total')).toBe(0);
  });

  it('a second port on the same prefix, an unsatisfiable intent, a refusal and a delete', async () => {
    const before = {
      intents: await scrape('intent-svc'),
      paths: await scrape('path-svc'),
      agent: await scrape('host-agent'),
    };
    expect(
      (await request(SUBJECTS.intentsApply, intent('obs-bulk', 'high-bandwidth', 5202))).ok,
    ).toBe(true);
    await state('obs-bulk', 'programmed');
    const tooFast = intent('obs-never', 'low-latency', 5203, { constraints: { maxDelayMs: 0.5 } });
    expect((await request(SUBJECTS.intentsApply, tooFast)).ok).toBe(true);
    await state('obs-never', 'unsatisfiable');
    const bad = intent('obs-bad', 'low-latency', 5204) as { spec: { match: object } };
    bad.spec.match = { destination: '2001:db8:b::/64', protocol: 'sctp' };
    expect((await request(SUBJECTS.intentsApply, bad)).ok).toBe(false);

    // two policies, one destination prefix: one srv6_prefixes entry
    let agent = await eventually('host-agent', (s) => {
      expect(value(s, 'srv6_datapath_policies_programmed')).toBe(2);
      expect(value(s, 'srv6_agent_intents', { state: 'unsatisfiable' })).toBe(1);
    });
    expect(value(agent, 'srv6_datapath_prefixes')).toBe(1);
    expect(value(agent, 'srv6_agent_intents', { state: 'programmed' })).toBe(2);
    const paths = await eventually('path-svc', (s) =>
      expect(
        value(s, 'srv6_path_events_total') - value(before.paths, 'srv6_path_events_total'),
      ).toBe(2),
    );
    const computed = (objective: string, result: string): number =>
      value(paths, 'srv6_path_computations_total', { objective, result }) -
      value(before.paths, 'srv6_path_computations_total', { objective, result });
    expect(computed('high-bandwidth', 'ok')).toBe(1);
    expect(computed('low-latency', 'unsatisfiable')).toBe(1);
    expect(computed('low-latency', 'ok')).toBe(0); // the refused one never reached path-svc

    expect((await request(SUBJECTS.intentsDelete, { name: 'obs-bulk' })).ok).toBe(true);
    await state('obs-bulk', 'gone');
    agent = await eventually('host-agent', (s) =>
      expect(value(s, 'srv6_datapath_policies_programmed')).toBe(1),
    );
    expect(value(agent, 'srv6_datapath_prefixes')).toBe(1);
    const intents = await eventually('intent-svc', (s) =>
      expect(value(s, 'srv6_intents_stored')).toBe(2),
    );
    const requests = (operation: string, result: string): number =>
      value(intents, 'srv6_intent_requests_total', { operation, result }) -
      value(before.intents, 'srv6_intent_requests_total', { operation, result });
    expect(requests('apply', 'ok')).toBe(2);
    expect(requests('apply', 'invalid')).toBe(1);
    expect(requests('delete', 'ok')).toBe(1);
  });
});

describe('logs', () => {
  it('are JSON lines, and every line about an intent names it, with service and instance', () => {
    const expected: Array<[string, Record<string, unknown>]> = [
      ['intent-svc', { event: 'intent-applied', intent: 'obs-video', instance: 'obs-intents' }],
      ['intent-svc', { event: 'request-refused', intent: 'obs-bad', failure: 'invalid' }],
      ['intent-svc', { event: 'intent-deleted', intent: 'obs-bulk' }],
      ['path-svc', { event: 'intent-computed', intent: 'obs-video', instance: 'obs-p1' }],
      ['path-svc', { event: 'intent-computed', intent: 'obs-never' }],
      ['path-svc', { event: 'policies-removed', intent: 'obs-bulk' }],
      ['host-agent', { event: 'intent-status', intent: 'obs-video', state: 'programmed' }],
      ['host-agent', { event: 'intent-status', intent: 'obs-never', state: 'unsatisfiable' }],
      ['host-agent', { event: 'intent-removed', intent: 'obs-bulk', host: 'host-a' }],
    ];
    for (const [service, fields] of expected) {
      expect(lines(service)).toContainEqual(expect.objectContaining({ service, ...fields }));
    }
    const never = lines('path-svc').find((l) => l['intent'] === 'obs-never');
    expect(never?.['hosts']).toEqual([
      expect.objectContaining({ host: 'host-a', status: 'unsatisfiable' }),
    ]);
    for (const service of SERVICES) {
      for (const line of lines(service)) {
        const named = /obs-[a-z]+/.exec(String(line['msg'] ?? ''));
        if (named) expect(line).toMatchObject({ intent: named[0], service });
      }
    }
  });
});

describe('NATS', () => {
  it('a nats-server restart counts one disconnect and one reconnect per connection', async () => {
    const connections: Record<string, string[]> = {
      'intent-svc': ['bus', 'requests'],
      'path-svc': ['bus'],
      'host-agent': ['bus'],
    };
    const before: Record<string, Samples> = {};
    for (const service of SERVICES) before[service] = await scrape(service);
    await stack.nats.restart();
    for (const service of SERVICES) {
      for (const connection of connections[service]!) {
        const grew = (s: Samples, name: string): number =>
          value(s, name, { connection }) - value(before[service]!, name, { connection });
        await eventually(service, (s) => {
          expect(grew(s, 'srv6_nats_disconnects_total')).toBe(1);
          expect(grew(s, 'srv6_nats_reconnects_total')).toBe(1);
        });
      }
    }
    // and the system works again
    expect(
      (await request(SUBJECTS.intentsApply, intent('obs-after', 'low-latency', 5205))).ok,
    ).toBe(true);
    await state('obs-after', 'programmed');
  });
});
