/**
 * The JetStream streams of the system: the events stream and the four KV buckets. The services
 * create them when missing (idempotently); host-agents and clients only open what they use.
 *
 * Buckets are created here rather than by `Kvm.create` so that their settings are explicit: the
 * status bucket, which every host-agent writes (each only its own keys), refuses `Nats-Rollup`
 * headers — a rollup on one key could otherwise purge every host's statuses. Buckets are opened
 * with direct get, whose request subject names the key (`$JS.API.DIRECT.GET.<stream>.<subject>`),
 * so reads can be permitted per key.
 */
import { NatsConnection } from '@nats-io/transport-node';
import {
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  JetStreamClient,
  JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { KV, Kvm } from '@nats-io/kv';
import { BUCKETS, EVENTS_STREAM, EVENTS_SUBJECTS } from './names.js';

export interface BusStorage {
  readonly js: JetStreamClient;
  readonly intents: KV;
  readonly topology: KV;
  readonly policies: KV;
  readonly status: KV;
}

/** What a host-agent uses: its policies (read, own keys only) and its statuses (write). */
export type HostStorage = Pick<BusStorage, 'policies' | 'status'>;

type Bucket = (typeof BUCKETS)[keyof typeof BUCKETS];

/** The stream behind a KV bucket. */
export const kvStream = (bucket: string): string => `KV_${bucket}`;

const BUCKET_SETTINGS: Record<Bucket, { history: number; rollups: boolean }> = {
  [BUCKETS.intents]: { history: 5, rollups: true },
  [BUCKETS.topology]: { history: 5, rollups: true },
  [BUCKETS.policies]: { history: 1, rollups: true },
  [BUCKETS.status]: { history: 1, rollups: false },
};

/** Every stream of the system (what the services may create; docs/security.md). */
export const SYSTEM_STREAMS: readonly string[] = [
  EVENTS_STREAM,
  ...Object.values(BUCKETS).map(kvStream),
];

function streamConfig(name: string): Partial<StreamConfig> & { name: string } {
  if (name === EVENTS_STREAM) {
    return {
      name,
      subjects: [EVENTS_SUBJECTS],
      retention: RetentionPolicy.Limits,
      max_age: 7 * 24 * 3600 * 1e9,
    };
  }
  const bucket = name.slice('KV_'.length) as Bucket;
  const settings = BUCKET_SETTINGS[bucket];
  // What Kvm.create would make on nats-server 2.9, with rollups per bucket.
  return {
    name,
    subjects: [`$KV.${bucket}.>`],
    retention: RetentionPolicy.Limits,
    max_msgs_per_subject: settings.history,
    max_msg_size: -1,
    max_bytes: -1,
    storage: StorageType.File,
    discard: DiscardPolicy.New,
    num_replicas: 1,
    allow_direct: true,
    allow_rollup_hdrs: settings.rollups,
  };
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && /stream not found/.test(error.message);
}

/** Creates the stream when it does not exist (two creators racing both succeed). */
async function ensureStream(jsm: JetStreamManager, name: string): Promise<void> {
  try {
    await jsm.streams.info(name);
    return;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  try {
    await jsm.streams.add(streamConfig(name));
  } catch (error) {
    // created meanwhile by another instance: fine when it is there now
    await jsm.streams.info(name).catch(() => Promise.reject(error));
  }
}

function openBucket(js: JetStreamClient, bucket: Bucket): Promise<KV> {
  return new Kvm(js).open(bucket, { allow_direct: true });
}

/** Opens (creating when missing, idempotently) the KV buckets and the events stream. */
export async function openStorage(nc: NatsConnection): Promise<BusStorage> {
  const jsm = await jetstreamManager(nc);
  for (const name of SYSTEM_STREAMS) await ensureStream(jsm, name);
  const js = jetstream(nc);
  const [intents, topology, policies, status] = await Promise.all([
    openBucket(js, BUCKETS.intents),
    openBucket(js, BUCKETS.topology),
    openBucket(js, BUCKETS.policies),
    openBucket(js, BUCKETS.status),
  ]);
  return { js, intents, topology, policies, status };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A host-agent's buckets. On a server without authentication it creates them when missing, like
 * the services; with users and permissions it may not (docs/security.md), so it waits until a
 * service has created them (`waiting` is told once, with why).
 */
export async function openHostStorage(
  nc: NatsConnection,
  waiting: (reason: string) => void = () => undefined,
): Promise<HostStorage> {
  const jsm = await jetstreamManager(nc);
  const mayCreate = nc.info?.auth_required !== true;
  let told = false;
  for (const name of [kvStream(BUCKETS.policies), kvStream(BUCKETS.status)]) {
    for (;;) {
      try {
        if (mayCreate) await ensureStream(jsm, name);
        else await jsm.streams.info(name);
        break;
      } catch (error) {
        if (!told) waiting(`stream ${name} is not there yet (${String(error)}): waiting for it`);
        told = true;
        await sleep(500);
      }
    }
  }
  const js = jetstream(nc);
  return {
    policies: await openBucket(js, BUCKETS.policies),
    status: await openBucket(js, BUCKETS.status),
  };
}

/** A client's read access to policies and statuses (CLI `describe`, the lab); creates nothing. */
export async function openClientStorage(nc: NatsConnection): Promise<HostStorage> {
  const js = jetstream(nc);
  return {
    policies: await openBucket(js, BUCKETS.policies),
    status: await openBucket(js, BUCKETS.status),
  };
}
