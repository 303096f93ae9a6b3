/**
 * Test bed: a real nats-server (max_payload raised so oversized bodies reach the service), the
 * service started in-process on a free HTTP port, a raw NATS client and store snapshots.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { BUCKETS, EVENTS_STREAM, startNatsServer, type NatsServerProcess } from '@srv6/bus';
import { loadIntentSvcConfig } from '../src/config.js';
import { startIntentSvc, type RunningIntentSvc } from '../src/intent-svc.app.js';

/** Replies are checked field by field; typing every shape would add only noise. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Reply = any;

export const TOPOLOGY = {
  apiVersion: 'srv6.intents/v1',
  kind: 'Topology',
  metadata: { name: 'lab' },
  spec: {
    nodes: [
      { name: 'r1', sid: 'fc00:0:1::1' },
      { name: 'r2', sid: 'fc00:0:2::1' },
      { name: 'r3', sid: 'fc00:0:3::1', decapSid: 'fc00:0:3::d6', prefixes: ['2001:db8:b::/64'] },
    ],
    links: [
      { a: 'r1', b: 'r2', igpMetric: 10, delayMs: 5, bandwidthMbps: 1000 },
      { a: 'r2', b: 'r3', igpMetric: 10, delayMs: 5, bandwidthMbps: 1000 },
      { a: 'r1', b: 'r3', igpMetric: 30, delayMs: 2, bandwidthMbps: 100 },
    ],
    hosts: [{ name: 'host-a', attachedTo: 'r1', address: '2001:db8:a::10' }],
  },
};

export function intent(name: string, objective = 'low-latency'): Record<string, unknown> {
  return {
    apiVersion: 'srv6.intents/v1',
    kind: 'Intent',
    metadata: { name },
    spec: {
      hosts: ['host-a'],
      match: { destination: '2001:db8:b::/64', protocol: 'udp', ports: [3478, '5000-5100'] },
      objective,
      constraints: { avoidNodes: ['r2'] },
    },
  };
}

export const intentYaml = (name: string): string => `apiVersion: srv6.intents/v1
kind: Intent
metadata: { name: ${name} }
spec:
  hosts: [host-a]
  match:
    destination: 2001:db8:b::/64
    protocol: tcp
  objective: low-cost
`;

export interface StoreSnapshot {
  readonly streams: Record<string, { messages: number; lastSeq: number }>;
  readonly intents: Record<string, unknown>;
  readonly topology: unknown;
}

export interface TestBed {
  readonly nc: NatsConnection;
  readonly baseUrl: string;
  /** A raw request: JSON for objects, the bytes or text as given otherwise. */
  request(subject: string, body: unknown): Promise<Reply>;
  http(method: string, path: string, body?: string | Uint8Array, type?: string): Promise<Reply>;
  snapshot(): Promise<StoreSnapshot>;
  close(): Promise<void>;
}

export async function startTestBed(): Promise<TestBed> {
  const configDirectory = mkdtempSync(join(tmpdir(), 'intent-svc-test-'));
  const configFile = join(configDirectory, 'nats.conf');
  writeFileSync(configFile, 'max_payload: 4MB\n');
  let nats: NatsServerProcess | undefined;
  let service: RunningIntentSvc | undefined;
  let nc: NatsConnection | undefined;
  const close = async (): Promise<void> => {
    await service?.app.close();
    await nc?.close();
    await nats?.destroy();
    rmSync(configDirectory, { recursive: true, force: true });
  };
  try {
    nats = await startNatsServer({ extraArgs: ['-c', configFile] });
    const config = loadIntentSvcConfig({ NATS_URL: nats.url, HTTP_PORT: '0' });
    service = await startIntentSvc(config);
    nc = await connect({ servers: nats.url });
  } catch (error) {
    await close();
    throw error;
  }
  const client = nc;
  const baseUrl = `http://127.0.0.1:${service.httpPort}`;
  const jsm = await jetstreamManager(client);
  const kvm = new Kvm(client);

  const entries = async (bucket: string): Promise<Record<string, unknown>> => {
    const kv = await kvm.open(bucket);
    const result: Record<string, unknown> = {};
    for await (const key of await kv.keys()) {
      const entry = await kv.get(key);
      if (entry) result[key] = { revision: entry.revision, value: entry.string() };
    }
    return result;
  };

  return {
    nc: client,
    baseUrl,
    request: async (subject, body) => {
      const data =
        typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
      return (await client.request(subject, data, { timeout: 5000 })).json();
    },
    http: async (method, path, body, type = 'application/json') => {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        body,
        headers: body === undefined ? {} : { 'content-type': type },
      });
      return { status: response.status, body: await response.json() };
    },
    snapshot: async () => {
      const streams: StoreSnapshot['streams'] = {};
      for (const name of [`KV_${BUCKETS.intents}`, `KV_${BUCKETS.topology}`, EVENTS_STREAM]) {
        const { state } = await jsm.streams.info(name);
        streams[name] = { messages: state.messages, lastSeq: state.last_seq };
      }
      return {
        streams,
        intents: await entries(BUCKETS.intents),
        topology: await entries(BUCKETS.topology),
      };
    },
    close,
  };
}
