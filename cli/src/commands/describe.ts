/** `srv6 describe intent NAME`: the intent, and per host its path, segments, state, counters. */
import { Kvm } from '@nats-io/kv';
import { BUCKETS, decodeJson, FieldError, PolicyRecord, StatusRecord, SUBJECTS } from '@srv6/bus';
import { request, withBus } from '../bus-client.js';
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

async function readBucket<T>(kvm: Kvm, bucket: string, filter: string): Promise<Map<string, T>> {
  const kv = await kvm.open(bucket);
  const result = new Map<string, T>();
  for await (const key of await kv.keys(filter)) {
    const entry = await kv.get(key);
    if (entry?.operation === 'PUT') result.set(key.split('.')[0]!, decodeJson<T>(entry.value));
  }
  return result;
}

export async function describeIntent(
  server: string,
  name: string,
  format: OutputFormat,
): Promise<string> {
  return withBus(server, async (nc) => {
    const reply = await request<
      | { ok: true; intent: Record<string, unknown>; revision: number }
      | { ok: false; errors: FieldError[] }
    >(nc, SUBJECTS.intentsGet, { name });
    if (!reply.ok) refuse(`describe ${name}`, reply.errors);
    const kvm = new Kvm(nc);
    const policies = await readBucket<PolicyRecord>(kvm, BUCKETS.policies, `*.${name}`);
    const statuses = await readBucket<StatusRecord>(kvm, BUCKETS.status, `*.${name}`);
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
