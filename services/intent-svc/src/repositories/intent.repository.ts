/**
 * Intents and the topology in the JetStream KV buckets of libs/bus. KV revisions are the
 * documents' revisions: conditional writes use them for optimistic concurrency.
 */
import { TOPOLOGY_KEY, type BusStorage } from '@srv6/bus';
import type { Intent, Topology } from '@srv6/schema';

type KvBucket = BusStorage['intents'];

export interface StoredDocument<T> {
  readonly value: T;
  readonly revision: number;
}

export interface NamedDocument<T> extends StoredDocument<T> {
  readonly name: string;
}

/** A refused conditional write says which revision is stored now (undefined = none). */
export type WriteOutcome =
  | { readonly ok: true; readonly revision: number }
  | { readonly ok: false; readonly storedRevision: number | undefined };

/** JetStream API error codes of a failed "expected last subject sequence" check. */
const WRONG_LAST_SEQUENCE_CODES = new Set([10071, 10164]);

function isWrongLastSequence(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && WRONG_LAST_SEQUENCE_CODES.has(code);
}

const encoder = new TextEncoder();

/** One bucket of JSON documents keyed by name. */
class KvDocuments<T> {
  constructor(private readonly kv: KvBucket) {}

  async get(key: string): Promise<StoredDocument<T> | undefined> {
    const entry = await this.kv.get(key);
    if (!entry || entry.operation !== 'PUT') return undefined;
    return { value: entry.json<T>(), revision: entry.revision };
  }

  async count(): Promise<number> {
    const keys: string[] = [];
    for await (const key of await this.kv.keys()) keys.push(key);
    return keys.length;
  }

  async list(): Promise<NamedDocument<T>[]> {
    const keys: string[] = [];
    for await (const key of await this.kv.keys()) keys.push(key);
    const documents = await Promise.all(
      keys.sort().map(async (name) => {
        const stored = await this.get(name);
        return stored && { name, ...stored };
      }),
    );
    return documents.filter((document) => document !== undefined);
  }

  /**
   * expectedRevision undefined = unconditional, 0 = the key must not exist, n = the stored
   * revision must be n.
   */
  async write(key: string, value: T, expectedRevision?: number): Promise<WriteOutcome> {
    const data = encoder.encode(JSON.stringify(value));
    try {
      let revision: number;
      if (expectedRevision === undefined) revision = await this.kv.put(key, data);
      else if (expectedRevision === 0) revision = await this.kv.create(key, data);
      else revision = await this.kv.update(key, data, expectedRevision);
      return { ok: true, revision };
    } catch (error) {
      if (expectedRevision === undefined || !isWrongLastSequence(error)) throw error;
      return { ok: false, storedRevision: (await this.get(key))?.revision };
    }
  }

  /** Soft delete (a KV delete marker); the outcome's revision is the marker's. */
  async remove(key: string, expectedRevision: number): Promise<WriteOutcome> {
    try {
      await this.kv.delete(key, { previousSeq: expectedRevision });
    } catch (error) {
      if (!isWrongLastSequence(error)) throw error;
      return { ok: false, storedRevision: (await this.get(key))?.revision };
    }
    const marker = await this.kv.get(key);
    return { ok: true, revision: marker?.revision ?? expectedRevision };
  }
}

export class IntentRepository {
  private readonly intents: KvDocuments<Intent>;
  private readonly topology: KvDocuments<Topology>;

  constructor(intents: KvBucket, topology: KvBucket) {
    this.intents = new KvDocuments(intents);
    this.topology = new KvDocuments(topology);
  }

  getIntent(name: string): Promise<StoredDocument<Intent> | undefined> {
    return this.intents.get(name);
  }

  listIntents(): Promise<NamedDocument<Intent>[]> {
    return this.intents.list();
  }

  countIntents(): Promise<number> {
    return this.intents.count();
  }

  writeIntent(intent: Intent, expectedRevision?: number): Promise<WriteOutcome> {
    return this.intents.write(intent.metadata.name, intent, expectedRevision);
  }

  deleteIntent(name: string, expectedRevision: number): Promise<WriteOutcome> {
    return this.intents.remove(name, expectedRevision);
  }

  getTopology(): Promise<StoredDocument<Topology> | undefined> {
    return this.topology.get(TOPOLOGY_KEY);
  }

  writeTopology(topology: Topology, expectedRevision?: number): Promise<WriteOutcome> {
    return this.topology.write(TOPOLOGY_KEY, topology, expectedRevision);
  }
}
