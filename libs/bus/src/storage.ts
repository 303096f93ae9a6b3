/** Opens (creating when missing, idempotently) the KV buckets and the events stream. */
import { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamClient, RetentionPolicy } from '@nats-io/jetstream';
import { KV, Kvm } from '@nats-io/kv';
import { BUCKETS, EVENTS_STREAM, EVENTS_SUBJECTS } from './names.js';

export interface BusStorage {
  readonly js: JetStreamClient;
  readonly intents: KV;
  readonly topology: KV;
  readonly policies: KV;
  readonly status: KV;
}

export async function openStorage(nc: NatsConnection): Promise<BusStorage> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(EVENTS_STREAM);
  } catch {
    await jsm.streams.add({
      name: EVENTS_STREAM,
      subjects: [EVENTS_SUBJECTS],
      retention: RetentionPolicy.Limits,
      max_age: 7 * 24 * 3600 * 1e9,
    });
  }
  const js = jetstream(nc);
  const kvm = new Kvm(js);
  const [intents, topology, policies, status] = await Promise.all([
    kvm.create(BUCKETS.intents, { history: 5 }),
    kvm.create(BUCKETS.topology, { history: 5 }),
    kvm.create(BUCKETS.policies, { history: 1 }),
    kvm.create(BUCKETS.status, { history: 1 }),
  ]);
  return { js, intents, topology, policies, status };
}
