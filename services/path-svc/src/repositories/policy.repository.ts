/**
 * Per-host policies in KV (`<host>.<intent>`). Every instance keeps a full local copy through a
 * KV watch (topology changes need every current path). Writes never go backwards: a record
 * computed from an older intent or topology revision than the stored one is dropped, with a
 * compare-and-set so two instances racing on one key cannot interleave.
 */
import type { KV } from '@nats-io/kv';
import { decodeJson, encodeJson, policyKey, PolicyRecord } from '@srv6/bus';

export class PolicyRepository {
  private readonly cache = new Map<string, PolicyRecord>();
  private stopWatch?: () => void;

  constructor(private readonly policies: KV) {}

  async start(): Promise<void> {
    const watch = await this.policies.watch();
    this.stopWatch = () => watch.stop();
    let ready!: () => void;
    const initialized = new Promise<void>((resolve) => (ready = resolve));
    const status = await this.policies.status();
    if (status.values === 0) ready();
    void (async () => {
      for await (const entry of watch) {
        if (entry.operation === 'PUT')
          this.cache.set(entry.key, decodeJson<PolicyRecord>(entry.value));
        else this.cache.delete(entry.key);
        if (entry.isUpdate || entry.delta === 0) ready();
      }
    })();
    await initialized;
  }

  stop(): void {
    this.stopWatch?.();
  }

  /** Every record, by intent (from the local copy). */
  byIntent(): Map<string, PolicyRecord[]> {
    const result = new Map<string, PolicyRecord[]>();
    for (const record of this.cache.values()) {
      result.set(record.intent, [...(result.get(record.intent) ?? []), record]);
    }
    return result;
  }

  /** Writes the intent's records and deletes its records for hosts no longer named. */
  async replace(intent: string, records: readonly PolicyRecord[]): Promise<number> {
    let writes = 0;
    const keep = new Set(records.map((record) => policyKey(record.host, intent)));
    for (const record of records) {
      if (await this.write(record)) writes++;
    }
    for await (const key of await this.policies.keys(`*.${intent}`)) {
      if (!keep.has(key)) {
        await this.policies.delete(key);
        writes++;
      }
    }
    return writes;
  }

  private async write(record: PolicyRecord): Promise<boolean> {
    const key = policyKey(record.host, record.intent);
    for (let attempt = 0; attempt < 5; attempt++) {
      const entry = await this.policies.get(key);
      if (entry && entry.operation === 'PUT') {
        const stored = decodeJson<PolicyRecord>(entry.value);
        const newer =
          stored.intentRevision > record.intentRevision ||
          (stored.intentRevision === record.intentRevision &&
            stored.topologyRevision > record.topologyRevision);
        if (newer) return false;
        if (JSON.stringify(stored) === JSON.stringify(record)) return false; // nothing changed
        try {
          await this.policies.update(key, encodeJson(record), entry.revision);
          return true;
        } catch {
          continue; // someone wrote in between: read again
        }
      }
      try {
        await this.policies.create(key, encodeJson(record));
        return true;
      } catch {
        continue;
      }
    }
    throw new Error(`could not write ${key}: it kept changing under us`);
  }
}
