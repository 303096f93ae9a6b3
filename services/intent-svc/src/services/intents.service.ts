/**
 * The application logic of both transports (NATS handlers, HTTP controllers): validate, store
 * with optimistic concurrency, publish the change event. A refused request changes nothing.
 */
import { Injectable, Logger } from '@nestjs/common';
import type { FieldError } from '@srv6/bus';
import { validateIntent, validateTopology, type Intent, type Topology } from '@srv6/schema';
import { EventPublisher } from '../repositories/event.publisher.js';
import { IntentRepository, type WriteOutcome } from '../repositories/intent.repository.js';
import { readNameRequest } from './document-reader.js';
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
  private readonly logger = new Logger(IntentsService.name);

  constructor(
    private readonly repository: IntentRepository,
    private readonly events: EventPublisher,
  ) {}

  async applyIntent(document: unknown): Promise<ServiceResult<Applied>> {
    const stored = await this.repository.getTopology();
    const validated = validateIntent(document, stored?.value);
    if (!stored) {
      const errors: FieldError[] = validated.ok ? [] : [...validated.errors];
      return fail('precondition', [...errors, { path: '', message: NO_TOPOLOGY_MESSAGE }]);
    }
    if (!validated.ok) return fail('invalid', validated.errors);
    const intent = validated.value;
    const { name, revision: expected } = intent.metadata;
    const outcome = await this.repository.writeIntent(withoutRevision(intent), expected);
    if (!outcome.ok) return staleRevision('intent', name, expected ?? 0, outcome);
    await this.publish(() =>
      this.events.intentChanged({ type: 'applied', name, revision: outcome.revision }),
    );
    return { ok: true, name, revision: outcome.revision };
  }

  async deleteIntent(request: unknown): Promise<ServiceResult<Applied>> {
    const read = readNameRequest(request, true);
    if (!read.ok) return read;
    const { name, revision: expected } = read.value;
    const stored = await this.repository.getIntent(name);
    if (!stored) return fail('not-found', [{ path: 'name', message: `no intent named '${name}'` }]);
    const outcome = await this.repository.deleteIntent(name, expected ?? stored.revision);
    if (!outcome.ok) {
      if (expected === undefined) return this.deleteIntent(request); // changed meanwhile: again
      return staleRevision('intent', name, expected, outcome, 'revision');
    }
    await this.publish(() =>
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

  async listIntents(): Promise<ServiceResult<{ intents: IntentEntry[] }>> {
    const stored = await this.repository.listIntents();
    const intents = stored.map(({ name, revision, value }) => ({ name, revision, intent: value }));
    return { ok: true, intents };
  }

  async applyTopology(document: unknown): Promise<ServiceResult<Applied>> {
    const validated = validateTopology(document);
    if (!validated.ok) return fail('invalid', validated.errors);
    const topology = validated.value;
    const { name, revision: expected } = topology.metadata;
    const outcome = await this.repository.writeTopology(withoutRevision(topology), expected);
    if (!outcome.ok) return staleRevision('topology', name, expected ?? 0, outcome);
    await this.publish(() =>
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
  private async publish(send: () => Promise<void>): Promise<void> {
    try {
      await send();
    } catch (error) {
      this.logger.error(`change event not published: ${String(error)}`);
    }
  }
}
