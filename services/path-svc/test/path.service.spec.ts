/**
 * PathService on in-memory KV stand-ins: the topology is prepared once per stored content and
 * shared by every intent; a new topology is prepared again and never computed on the old
 * state; a removal that breaks an IGP tie elsewhere shortens the segment lists it should.
 */
import type { KV } from '@nats-io/kv';
import { encodeJson, type PolicyRecord } from '@srv6/bus';
import { validateTopology, type Topology } from '@srv6/schema';
import { DocumentRepository } from '../src/repositories/document.repository.js';
import type { PolicyRepository } from '../src/repositories/policy.repository.js';
import { PathService } from '../src/services/path.service.js';

interface Entry {
  readonly value: Uint8Array;
  readonly revision: number;
  readonly operation: 'PUT';
}

/** The part of a KV bucket DocumentRepository reads, with every revision kept. */
class MemoryKv {
  private revision = 0;
  private readonly history = new Map<string, Entry[]>();

  put(key: string, value: unknown): number {
    const entry: Entry = { value: encodeJson(value), revision: ++this.revision, operation: 'PUT' };
    this.history.set(key, [...(this.history.get(key) ?? []), entry]);
    return entry.revision;
  }

  async get(key: string, options?: { revision: number }): Promise<Entry | null> {
    const entries = this.history.get(key) ?? [];
    if (options === undefined) return entries[entries.length - 1] ?? null;
    return entries.find((entry) => entry.revision === options.revision) ?? null;
  }

  async keys(): Promise<AsyncIterable<string>> {
    const names = [...this.history.keys()];
    return (async function* () {
      yield* names;
    })();
  }
}

/** The part of PolicyRepository PathService uses. */
class MemoryPolicies {
  readonly records = new Map<string, PolicyRecord[]>();

  byIntent(): Map<string, PolicyRecord[]> {
    return new Map(this.records);
  }

  async replace(intent: string, records: readonly PolicyRecord[]): Promise<number> {
    this.records.set(intent, [...records]);
    return records.length;
  }
}

const link = (a: string, b: string, delayMs: number) => ({
  name: `${a}-${b}`,
  a,
  b,
  igpMetric: 10,
  delayMs,
  bandwidthMbps: 1000,
});

/** a→d ties over b and c (ECMP); a-b-d is faster, so its list pins b while c-d exists. */
function diamond(withCd: boolean): Topology {
  const result = validateTopology({
    apiVersion: 'srv6.intents/v1',
    kind: 'Topology',
    metadata: { name: 'diamond' },
    spec: {
      nodes: ['a', 'b', 'c', 'd'].map((name, i) => ({
        name,
        sid: `fc00:0:${i + 1}::1`,
        ...(name === 'd' ? { decapSid: 'fc00:0:4::d6', prefixes: ['2001:db8:b::/64'] } : {}),
      })),
      links: [
        link('a', 'b', 1),
        link('b', 'd', 1),
        link('a', 'c', 2),
        ...(withCd ? [link('c', 'd', 2)] : []),
      ],
      hosts: [{ name: 'host-a', attachedTo: 'a', address: '2001:db8:a::10' }],
    },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

const intent = (i: number) => ({
  apiVersion: 'srv6.intents/v1',
  kind: 'Intent',
  metadata: { name: `flow-${i}` },
  spec: {
    hosts: ['host-a'],
    match: { destination: `2001:db8:b::${i + 1}`, protocol: 'udp', ports: [5000 + i] },
    objective: 'low-latency',
  },
});

describe('PathService', () => {
  it('prepares each topology once, recomputes on the new one, and keeps lists minimal', async () => {
    const intents = new MemoryKv();
    const topologies = new MemoryKv();
    const policies = new MemoryPolicies();
    const service = new PathService(
      new DocumentRepository(intents as unknown as KV, topologies as unknown as KV),
      policies as unknown as PolicyRepository,
    );
    const first = topologies.put('current', diamond(true));
    for (let i = 0; i < 3; i++) {
      const revision = intents.put(`flow-${i}`, intent(i));
      await service.onIntentEvent({ type: 'applied', name: `flow-${i}`, revision });
    }
    expect(service.stats).toEqual({ computations: 3, writes: 3, preparations: 1 });
    for (const [, [record]] of policies.records) {
      expect(record).toMatchObject({ topologyRevision: first, path: ['a', 'b', 'd'] });
      expect(record!.segments).toEqual(['fc00:0:2::1', 'fc00:0:4::d6']);
    }

    // c-d fails: no path crosses it, but a→d is now unique over b.
    const second = topologies.put('current', diamond(false));
    await service.onTopologyEvent({ type: 'applied', revision: second });
    expect(service.stats.preparations).toBe(2); // the new one; the old one came from the cache
    expect(service.stats.computations).toBe(6);
    for (const [, [record]] of policies.records) {
      expect(record).toMatchObject({ topologyRevision: second, path: ['a', 'b', 'd'] });
      expect(record!.segments).toEqual(['fc00:0:4::d6']);
    }

    const revision = intents.put('flow-3', intent(3));
    await service.onIntentEvent({ type: 'applied', name: 'flow-3', revision });
    expect(service.stats.preparations).toBe(2);
    expect(policies.records.get('flow-3')![0]!.segments).toEqual(['fc00:0:4::d6']);
  });

  it('hands out one decoded topology per stored content, a new one when it changes', async () => {
    const topologies = new MemoryKv();
    const documents = new DocumentRepository(
      new MemoryKv() as unknown as KV,
      topologies as unknown as KV,
    );
    const first = topologies.put('current', diamond(true));
    const a = await documents.currentTopology();
    expect((await documents.currentTopology())!.value).toBe(a!.value);
    topologies.put('current', diamond(false));
    const b = await documents.currentTopology();
    expect(b!.value).not.toBe(a!.value);
    expect(b!.value.spec.links).toHaveLength(3);
    expect((await documents.currentTopology(first))!.value).toBe(a!.value);
    topologies.put('current', diamond(true)); // same content as the first, new revision
    expect((await documents.currentTopology())!.value).toBe(a!.value);
  });
});
