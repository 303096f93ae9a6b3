/** Publishes this host's per-intent status: KV `srv6-status` and srv6.status.intents.<name>. */
import { NatsConnection } from '@nats-io/transport-node';
import { KV } from '@nats-io/kv';
import { encodeJson, statusSubject, StatusRecord } from '@srv6/bus';

export class StatusRepository {
  constructor(
    private readonly nc: NatsConnection,
    private readonly status: KV,
  ) {}

  async publish(key: string, record: StatusRecord): Promise<void> {
    const body = encodeJson(record);
    await this.status.put(key, body);
    this.nc.publish(statusSubject(record.intent), body);
  }

  async remove(key: string): Promise<void> {
    await this.status.delete(key);
  }
}
