/**
 * Reads intents and the topology from KV, with their revisions. The topology document can be
 * large (~800 KB for 1,000 nodes) and is read for every event: the last two decoded ones are
 * kept and handed out again while the stored bytes are the same, so callers get the SAME
 * object for the same content (path-svc keys its prepared topologies on it). Treat the
 * returned documents as read-only.
 */
import type { KV } from '@nats-io/kv';
import { decodeJson, TOPOLOGY_KEY } from '@srv6/bus';
import type { Intent, Topology } from '@srv6/schema';

export interface Revisioned<T> {
  readonly value: T;
  readonly revision: number;
}

/** Decoded topologies kept (the current one and the one the policies were computed from). */
const TOPOLOGIES_KEPT = 2;

export class DocumentRepository {
  private decoded: Array<{ bytes: Buffer; value: Topology }> = [];

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
    return { value: this.decodeTopology(entry.value), revision: entry.revision };
  }

  private decodeTopology(bytes: Uint8Array): Topology {
    const found = this.decoded.find((kept) => kept.bytes.equals(bytes));
    const item = found ?? { bytes: Buffer.from(bytes), value: decodeJson<Topology>(bytes) };
    const others = this.decoded.filter((kept) => kept !== item);
    this.decoded = [item, ...others].slice(0, TOPOLOGIES_KEPT);
    return item.value;
  }
}
