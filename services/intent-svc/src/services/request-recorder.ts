/**
 * Counts and logs the outcome of every write request, whichever transport brought it: one log
 * line per request naming the intent (or topology), with the revision written or why it was
 * refused; an internal error is counted and logged, then goes on to the transport.
 */
import type { IntentOperation, IntentSvcMetrics, Logger } from '@srv6/observability';
import type { ServiceResult } from './service-result.js';

interface Written {
  readonly name: string;
  readonly revision: number;
}

const DOCUMENT: Record<IntentOperation, 'intent' | 'topology'> = {
  apply: 'intent',
  delete: 'intent',
  'topology-apply': 'topology',
};

const DONE: Record<IntentOperation, string> = {
  apply: 'intent-applied',
  delete: 'intent-deleted',
  'topology-apply': 'topology-applied',
};

/** metadata.name of a document, or the name of a {name} request, when there is one. */
export function requestedName(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const { metadata, name } = input as { metadata?: { name?: unknown }; name?: unknown };
  const found = typeof name === 'string' ? name : metadata?.name;
  return typeof found === 'string' ? found.slice(0, 100) : undefined;
}

export class RequestRecorder {
  constructor(
    private readonly metrics: IntentSvcMetrics,
    private readonly log: Logger,
  ) {}

  async run<T extends Written>(
    operation: IntentOperation,
    name: string | undefined,
    request: () => Promise<ServiceResult<T>>,
  ): Promise<ServiceResult<T>> {
    let result: ServiceResult<T>;
    try {
      result = await request();
    } catch (error) {
      this.metrics.error('request');
      this.log.error(
        { event: 'request-failed', operation, [DOCUMENT[operation]]: name, err: error },
        `${operation} of '${name ?? '?'}' failed: ${String(error)}`,
      );
      throw error;
    }
    this.record(operation, name, result);
    return result;
  }

  record(
    operation: IntentOperation,
    name: string | undefined,
    result: ServiceResult<Written>,
  ): void {
    this.metrics.request(operation, result.ok ? 'ok' : result.failure);
    const document = DOCUMENT[operation];
    if (result.ok) {
      this.log.info(
        { event: DONE[operation], [document]: result.name, revision: result.revision },
        `${document} '${result.name}': ${operation} done, revision ${result.revision}`,
      );
      return;
    }
    this.log.info(
      {
        event: 'request-refused',
        operation,
        [document]: name,
        failure: result.failure,
        errors: result.errors.slice(0, 10),
      },
      `${operation} of ${document} '${name ?? '?'}' refused (${result.failure}): ${result.errors[0]?.message ?? ''}`,
    );
  }

  /** A change event that could not be published (the change itself is stored). */
  publishFailed(document: 'intent' | 'topology', name: string, error: unknown): void {
    this.metrics.error('event-publish');
    this.log.error(
      { event: 'event-publish-failed', [document]: name, err: error },
      `change event of '${name}' not published: ${String(error)}`,
    );
  }
}
