/**
 * Watches this host's policies in KV (`srv6-policies`, keys `<host>.*`). The watch starts with
 * every current value, so a restart or a reconnect re-reads the full desired state.
 */
import { KV } from '@nats-io/kv';
import { decodeJson, hostPolicyFilter, policyKey, PolicyRecord } from '@srv6/bus';

export type PolicyListener = (
  records: ReadonlyMap<string, PolicyRecord>,
  initialized: boolean,
) => void;

export class PolicyWatcher {
  private readonly records = new Map<string, PolicyRecord>();
  private stopWatch?: () => void;

  constructor(
    private readonly policies: KV,
    private readonly host: string,
  ) {}

  async start(listener: PolicyListener): Promise<void> {
    const filter = hostPolicyFilter(this.host);
    let initialized = false;
    const existing = await this.policies.keys(filter);
    const keys: string[] = [];
    for await (const key of existing) keys.push(key);
    if (keys.length === 0) {
      initialized = true;
      listener(this.records, true);
    }
    const watch = await this.policies.watch({ key: filter });
    this.stopWatch = () => watch.stop();
    void (async () => {
      for await (const entry of watch) {
        const record =
          entry.operation === 'PUT' ? decodeJson<PolicyRecord>(entry.value) : undefined;
        // Only this host's policies: a record about another host or intent than its key names
        // is not programmed (path-svc never writes one; the key is what permissions protect).
        if (record && policyKey(record.host, record.intent) === entry.key) {
          this.records.set(entry.key, record);
        } else {
          this.records.delete(entry.key);
        }
        if (!initialized && (entry.isUpdate || entry.delta === 0)) initialized = true;
        if (initialized) listener(this.records, true);
      }
    })();
  }

  stop(): void {
    this.stopWatch?.();
  }
}
