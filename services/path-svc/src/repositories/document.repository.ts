/** Reads intents and the topology from KV, with their revisions. */
import type { KV } from '@nats-io/kv';
import { decodeJson, TOPOLOGY_KEY } from '@srv6/bus';
import type { Intent, Topology } from '@srv6/schema';

export interface Revisioned<T> {
  readonly value: T;
  readonly revision: number;
}

export class DocumentRepository {
  constructor(
    private readonly intents: KV,
    private readonly topology: KV,
  ) {}

  async intent(name: string): Promise<Revisioned<Intent> | undefined> {
    const entry = await this.intents.get(name);
    if (!entry || entry.operation !== 'PUT') return undefined;
    return { value: decodeJson<Intent>(entry.value), revision: entry.revision };
  }

  async intentNames(): Promise<string[]> {
    const names: string[] = [];
    for await (const key of await this.intents.keys()) names.push(key);
    return names;
  }

  /** The current topology, or the one stored at `revision`. */
  async currentTopology(revision?: number): Promise<Revisioned<Topology> | undefined> {
    const entry = await this.topology
      .get(TOPOLOGY_KEY, revision === undefined ? undefined : { revision })
      .catch(() => null);
    if (!entry || entry.operation !== 'PUT') return undefined;
    return { value: decodeJson<Topology>(entry.value), revision: entry.revision };
  }
}
