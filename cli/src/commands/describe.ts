/** `srv6 describe intent NAME`: the intent, and per host its path, segments, state, counters. */
import type { KV } from '@nats-io/kv';
import {
  decodeJson,
  openClientStorage,
  FieldError,
  PolicyRecord,
  StatusRecord,
  SUBJECTS,
} from '@srv6/bus';
import { request, withBus, type BusTarget } from '../bus-client.js';
import { refuse } from '../documents.js';
import { OutputFormat, render, table } from '../output.js';

interface HostView {
  host: string;
  state: string;
  path: string;
  segments: string;
  packets: string;
  bytes: string;
  reason: string;
}

async function readBucket<T>(kv: KV, filter: string): Promise<Map<string, T>> {
  const result = new Map<string, T>();
  for await (const key of await kv.keys(filter)) {
    const entry = await kv.get(key);
    if (entry?.operation === 'PUT') result.set(key.split('.')[0]!, decodeJson<T>(entry.value));
  }
  return result;
}

export async function describeIntent(
  bus: BusTarget,
  name: string,
  format: OutputFormat,
): Promise<string> {
  return withBus(bus, async (nc) => {
    const reply = await request<
      | { ok: true; intent: Record<string, unknown>; revision: number }
      | { ok: false; errors: FieldError[] }
    >(nc, SUBJECTS.intentsGet, { name });
    if (!reply.ok) refuse(`describe ${name}`, reply.errors);
    const storage = await openClientStorage(nc);
    const policies = await readBucket<PolicyRecord>(storage.policies, `*.${name}`);
    const statuses = await readBucket<StatusRecord>(storage.status, `*.${name}`);
    const hosts = [...new Set([...policies.keys(), ...statuses.keys()])].sort();
    const views: HostView[] = hosts.map((host) => {
      const policy = policies.get(host);
      const status = statuses.get(host);
      return {
        host,
        state: status?.state ?? (policy?.status === 'unsatisfiable' ? 'unsatisfiable' : 'pending'),
        path: (status?.path ?? policy?.path ?? []).join(' → '),
        segments: (status?.segments ?? policy?.segments ?? []).join(', '),
        packets: status?.counters?.packets ?? '0',
        bytes: status?.counters?.bytes ?? '0',
        reason: status?.reason ?? policy?.reason ?? '',
      };
    });
    const value = { name, revision: reply.revision, intent: reply.intent, hosts: views };
    return render(format, value, () =>
      [
        `intent ${name} (revision ${reply.revision})`,
        table(
          ['host', 'state', 'path', 'segments', 'packets', 'bytes', 'reason'],
          views as unknown as Array<Record<string, unknown>>,
        ),
      ].join('\n'),
    );
  });
}
