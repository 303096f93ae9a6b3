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

  /** Names in order, after `after` (all when undefined). */
  async names(after?: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const key of await this.kv.keys())
      if (after === undefined || key > after) keys.push(key);
    return keys.sort();
  }

  /** The documents of `names`, in that order (a name deleted meanwhile is left out). */
  async read(names: readonly string[]): Promise<NamedDocument<T>[]> {
    const documents = await Promise.all(
      names.map(async (name) => {
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

/**
 * One key kept in memory through a KV watch. Every intent apply validates against the topology;
 * reading a topology of thousands of nodes from KV for each of many concurrent applies made
 * their KV requests time out. The copy is never older than what this instance wrote.
 */
class WatchedDocument<T> {
  private latest: StoredDocument<T> | null | undefined; // null: known absent
  private started?: Promise<void>;
  private stopWatch?: () => void;

  constructor(
    private readonly kv: KvBucket,
    private readonly key: string,
  ) {}

  async get(): Promise<StoredDocument<T> | undefined> {
    this.started ??= this.start().catch((error: unknown) => {
      this.started = undefined; // try again on the next request
      throw error;
    });
    await this.started;
    return this.latest ?? undefined;
  }

  /** What this instance just wrote (the watch brings the same a moment later). */
  wrote(value: T, revision: number): void {
    this.offer({ value, revision });
  }

  stop(): void {
    this.stopWatch?.();
  }

  private offer(document: StoredDocument<T> | null, revision = document?.revision ?? 0): void {
    const current = this.latest?.revision ?? 0;
    if (this.latest === undefined || revision >= current) this.latest = document;
  }

  private async start(): Promise<void> {
    const watch = await this.kv.watch({ key: this.key });
    this.stopWatch = () => watch.stop();
    void (async () => {
      for await (const entry of watch) {
        if (entry.operation === 'PUT')
          this.offer({ value: entry.json<T>(), revision: entry.revision });
        else this.offer(null, entry.revision);
      }
    })();
    // the watch says nothing for a missing key: read it once
    const entry = await this.kv.get(this.key);
    if (this.latest === undefined) {
      this.latest =
        entry && entry.operation === 'PUT'
          ? { value: entry.json<T>(), revision: entry.revision }
          : null;
    }
  }
}

export class IntentRepository {
  private readonly intents: KvDocuments<Intent>;
  private readonly topology: KvDocuments<Topology>;
  private readonly currentTopology: WatchedDocument<Topology>;

  constructor(intents: KvBucket, topology: KvBucket) {
    this.intents = new KvDocuments(intents);
    this.topology = new KvDocuments(topology);
    this.currentTopology = new WatchedDocument(topology, TOPOLOGY_KEY);
  }

  /** Stops the topology watch (application shutdown). */
  close(): void {
    this.currentTopology.stop();
  }

  getIntent(name: string): Promise<StoredDocument<Intent> | undefined> {
    return this.intents.get(name);
  }

  /** Intent names in order, after `after` (all when undefined). */
  intentNames(after?: string): Promise<string[]> {
    return this.intents.names(after);
  }

  readIntents(names: readonly string[]): Promise<NamedDocument<Intent>[]> {
    return this.intents.read(names);
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
    return this.currentTopology.get();
  }

  async writeTopology(topology: Topology, expectedRevision?: number): Promise<WriteOutcome> {
    const outcome = await this.topology.write(TOPOLOGY_KEY, topology, expectedRevision);
    if (outcome.ok) this.currentTopology.wrote(topology, outcome.revision);
    return outcome;
  }
}
