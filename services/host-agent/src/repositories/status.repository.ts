/**
 * Publishes this host's per-intent status: KV `srv6-status` (key `<host>.<intent>`) and a report
 * on this host's own subject `srv6.agent.<host>.status.<intent>`, which intent-svc checks and
 * republishes on the public srv6.status.intents.<name> (agents may not publish there: an agent
 * could then speak for any host; docs/security.md).
 */
import { NatsConnection } from '@nats-io/transport-node';
import { KV } from '@nats-io/kv';
import { agentStatusSubject, encodeJson, StatusRecord } from '@srv6/bus';

export class StatusRepository {
  constructor(
    private readonly nc: NatsConnection,
    private readonly status: KV,
  ) {}

  async publish(key: string, record: StatusRecord): Promise<void> {
    const body = encodeJson(record);
    await this.status.put(key, body);
    this.nc.publish(agentStatusSubject(record.host, record.intent), body);
  }

  async remove(key: string): Promise<void> {
    await this.status.delete(key);
  }
}
