/**
 * The application logic of both transports (NATS handlers, HTTP controllers): validate, store
 * with optimistic concurrency, publish the change event. A refused request changes nothing.
 */
import { Inject, Injectable } from '@nestjs/common';
import { MAX_MESSAGE_BYTES, type FieldError } from '@srv6/bus';
import { IntentSvcMetrics, LOGGER, type IntentOperation, type Logger } from '@srv6/observability';
import { validateIntent, validateTopology, type Intent, type Topology } from '@srv6/schema';
import { EventPublisher } from '../repositories/event.publisher.js';
import { IntentRepository, type WriteOutcome } from '../repositories/intent.repository.js';
import {
  LIST_LIMIT_MAX,
  readDocument,
  readListRequest,
  readNameRequest,
} from './document-reader.js';
import { RequestRecorder, requestedName } from './request-recorder.js';
import { fail, type Failure, type ServiceResult } from './service-result.js';

export const NO_TOPOLOGY_MESSAGE =
  'no topology applied yet: apply one first (srv6 topology apply -f FILE)';

export interface Applied {
  readonly name: string;
  readonly revision: number;
}

export interface IntentEntry {
  readonly name: string;
  readonly revision: number;
  readonly intent: Intent;
}

/** The stored form: metadata.revision is the KV's business, not part of the document. */
function withoutRevision<T extends Intent | Topology>(document: T): T {
  return { ...document, metadata: { name: document.metadata.name } };
}

/** Intents read from KV at a time while a list page fills. */
const LIST_READ_CHUNK = 200;
/** The entries of one list reply: a message less room for `{"ok":true,"intents":[…],"next":…}`. */
const LIST_REPLY_BYTES = MAX_MESSAGE_BYTES - 512;

export interface IntentPage {
  readonly intents: IntentEntry[];
  /** The last name of this page, when more intents follow it. */
  readonly next?: string;
}

function page(intents: IntentEntry[], more: boolean): { ok: true } & IntentPage {
  return more ? { ok: true, intents, next: intents.at(-1)!.name } : { ok: true, intents };
}

/** Room left in a KV put for JetStream's headers (expected revision). */
const HEADER_ROOM = 1024;

/**
 * A valid document within the size limit can still be too large to store: the stored form is
 * JSON with the defaults filled in (a YAML topology of 1 MiB in flow style grows by half), and
 * a KV value is one NATS message.
 */
function tooLargeToStore(
  kind: 'intent' | 'topology',
  document: Intent | Topology,
): Failure | undefined {
  const bytes = Buffer.byteLength(JSON.stringify(document));
  if (bytes <= MAX_MESSAGE_BYTES - HEADER_ROOM) return undefined;
  return fail('too-large', [
    {
      path: '',
      message:
        `the ${kind} is ${bytes} bytes as stored (JSON, defaults and link names filled in), ` +
        `more than the ${MAX_MESSAGE_BYTES - HEADER_ROOM} a stored document may have`,
    },
  ]);
}

function staleRevision(
  kind: 'intent' | 'topology',
  name: string,
  given: number,
  outcome: Extract<WriteOutcome, { ok: false }>,
  path = 'metadata.revision',
): Failure {
  const stored = outcome.storedRevision;
  let message: string;
  if (given === 0) {
    message = `revision 0 means "create only", but ${kind} '${name}' exists at revision ${stored}`;
  } else if (stored === undefined) {
    message = `revision ${given} given, but ${kind} '${name}' does not exist (omit the revision, or use 0 to create it)`;
  } else {
    message = `revision ${given} is stale: ${kind} '${name}' is at revision ${stored} now (get it again, re-apply your change)`;
  }
  return fail('conflict', [{ path, message }]);
}

@Injectable()
export class IntentsService {
  private readonly requests: RequestRecorder;

  constructor(
    private readonly repository: IntentRepository,
    private readonly events: EventPublisher,
    metrics: IntentSvcMetrics,
    @Inject(LOGGER) log: Logger,
  ) {
    this.requests = new RequestRecorder(metrics, log);
    metrics.countStoredWith(() => repository.countIntents());
  }

  /** A request body of either transport (JSON or YAML bytes) holding an Intent. */
  applyIntentBody(body: Uint8Array): Promise<ServiceResult<Applied>> {
    return this.withBody(body, 'apply', (document) => this.applyIntent(document));
  }

  /** A request body holding {name} or {name, revision}. */
  deleteIntentBody(body: Uint8Array): Promise<ServiceResult<Applied>> {
    return this.withBody(body, 'delete', (request) => this.deleteIntent(request));
  }

  /** A request body holding a Topology. */
  applyTopologyBody(body: Uint8Array): Promise<ServiceResult<Applied>> {
    return this.withBody(body, 'topology-apply', (document) => this.applyTopology(document));
  }

  applyIntent(document: unknown): Promise<ServiceResult<Applied>> {
    return this.requests.run('apply', requestedName(document), () => this.storeIntent(document));
  }

  deleteIntent(request: unknown): Promise<ServiceResult<Applied>> {
    return this.requests.run('delete', requestedName(request), () => this.removeIntent(request));
  }

  applyTopology(document: unknown): Promise<ServiceResult<Applied>> {
    return this.requests.run('topology-apply', requestedName(document), () =>
      this.storeTopology(document),
    );
  }

  private async withBody(
    body: Uint8Array,
    operation: IntentOperation,
    run: (document: unknown) => Promise<ServiceResult<Applied>>,
  ): Promise<ServiceResult<Applied>> {
    const document = readDocument(body);
    if (document.ok) return run(document.value);
    this.requests.record(operation, undefined, document);
    return document;
  }

  private async storeIntent(document: unknown): Promise<ServiceResult<Applied>> {
    const stored = await this.repository.getTopology();
    const validated = validateIntent(document, stored?.value);
    if (!stored) {
      const errors: FieldError[] = validated.ok ? [] : [...validated.errors];
      return fail('precondition', [...errors, { path: '', message: NO_TOPOLOGY_MESSAGE }]);
    }
    if (!validated.ok) return fail('invalid', validated.errors);
    const intent = validated.value;
    const { name, revision: expected } = intent.metadata;
    const tooLarge = tooLargeToStore('intent', withoutRevision(intent));
    if (tooLarge) return tooLarge;
    const outcome = await this.repository.writeIntent(withoutRevision(intent), expected);
    if (!outcome.ok) return staleRevision('intent', name, expected ?? 0, outcome);
    await this.publish('intent', name, () =>
      this.events.intentChanged({ type: 'applied', name, revision: outcome.revision }),
    );
    return { ok: true, name, revision: outcome.revision };
  }

  private async removeIntent(request: unknown): Promise<ServiceResult<Applied>> {
    const read = readNameRequest(request, true);
    if (!read.ok) return read;
    const { name, revision: expected } = read.value;
    const stored = await this.repository.getIntent(name);
    if (!stored) return fail('not-found', [{ path: 'name', message: `no intent named '${name}'` }]);
    const outcome = await this.repository.deleteIntent(name, expected ?? stored.revision);
    if (!outcome.ok) {
      if (expected === undefined) return this.removeIntent(request); // changed meanwhile: again
      return staleRevision('intent', name, expected, outcome, 'revision');
    }
    await this.publish('intent', name, () =>
      this.events.intentChanged({ type: 'deleted', name, revision: outcome.revision }),
    );
    return { ok: true, name, revision: outcome.revision };
  }

  async getIntent(request: unknown): Promise<ServiceResult<{ intent: Intent; revision: number }>> {
    const read = readNameRequest(request, false);
    if (!read.ok) return read;
    const stored = await this.repository.getIntent(read.value.name);
    if (!stored) {
      return fail('not-found', [{ path: 'name', message: `no intent named '${read.value.name}'` }]);
    }
    return { ok: true, intent: stored.value, revision: stored.revision };
  }

  /**
   * A page of the intents in name order: after `after`, at most `limit`, and never more than
   * one reply message holds. `next` (the last name returned) is there when more follow: ask
   * again with `after: next`.
   */
  async listIntents(request: unknown = {}): Promise<ServiceResult<IntentPage>> {
    const read = readListRequest(request);
    if (!read.ok) return read;
    const { limit = LIST_LIMIT_MAX, after } = read.value;
    const names = await this.repository.intentNames(after);
    const intents: IntentEntry[] = [];
    let bytes = 0;
    for (let start = 0; start < names.length && intents.length < limit; start += LIST_READ_CHUNK) {
      const chunk = names.slice(
        start,
        Math.min(start + LIST_READ_CHUNK, start + limit - intents.length),
      );
      for (const { name, revision, value } of await this.repository.readIntents(chunk)) {
        const entry = { name, revision, intent: value };
        const size = Buffer.byteLength(JSON.stringify(entry)) + 1;
        if (intents.length > 0 && bytes + size > LIST_REPLY_BYTES) return page(intents, true);
        intents.push(entry);
        bytes += size;
      }
    }
    const last = intents.at(-1)?.name;
    return page(intents, last !== undefined && names.at(-1)! > last);
  }

  private async storeTopology(document: unknown): Promise<ServiceResult<Applied>> {
    const validated = validateTopology(document);
    if (!validated.ok) return fail('invalid', validated.errors);
    const topology = validated.value;
    const { name, revision: expected } = topology.metadata;
    const tooLarge = tooLargeToStore('topology', withoutRevision(topology));
    if (tooLarge) return tooLarge;
    const outcome = await this.repository.writeTopology(withoutRevision(topology), expected);
    if (!outcome.ok) return staleRevision('topology', name, expected ?? 0, outcome);
    await this.publish('topology', name, () =>
      this.events.topologyApplied({ type: 'applied', revision: outcome.revision }),
    );
    return { ok: true, name, revision: outcome.revision };
  }

  async getTopology(): Promise<ServiceResult<{ topology: Topology; revision: number }>> {
    const stored = await this.repository.getTopology();
    if (!stored) return fail('not-found', [{ path: '', message: NO_TOPOLOGY_MESSAGE }]);
    return { ok: true, topology: stored.value, revision: stored.revision };
  }

  /**
   * The change is stored whatever happens here; a lost event is logged, not reported as a
   * failed apply (consumers also read the KV buckets on start).
   */
  private async publish(
    document: 'intent' | 'topology',
    name: string,
    send: () => Promise<void>,
  ): Promise<void> {
    try {
      await send();
    } catch (error) {
      this.requests.publishFailed(document, name, error);
    }
  }
}
