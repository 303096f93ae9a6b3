/** intent-svc: stored intents and the outcome of every write request. */
import { Counter, Gauge } from 'prom-client';
import { ServiceMetrics } from './service-metrics.js';

export type IntentSvcErrorKind = 'event-publish' | 'request';
export type IntentOperation = 'apply' | 'delete' | 'topology-apply';

export class IntentSvcMetrics extends ServiceMetrics<IntentSvcErrorKind> {
  readonly requests: Counter<'operation' | 'result'>;
  readonly stored: Gauge;
  private countStored?: () => Promise<number>;

  constructor(instance: string) {
    super({ service: 'intent-svc', instance }, ['event-publish', 'request']);
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'srv6_intent_requests_total',
      help: 'Write requests by operation and result: ok, or why refused (invalid, too-large, not-found, conflict, precondition)',
      labelNames: ['operation', 'result'],
      registers,
    });
    // The bus may be away: the last figure stays rather than failing the whole scrape.
    const count = async (): Promise<number | undefined> =>
      this.countStored?.().catch(() => undefined);
    this.stored = new Gauge({
      name: 'srv6_intents_stored',
      help: 'Intents in the srv6-intents bucket (counted when scraped)',
      registers,
      async collect() {
        const stored = await count();
        if (stored !== undefined) this.set(stored);
      },
    });
  }

  /** Where the stored-intents figure comes from (the repository, once it exists). */
  countStoredWith(count: () => Promise<number>): void {
    this.countStored = count;
  }

  request(operation: IntentOperation, result: string): void {
    this.requests.inc({ operation, result });
  }
}
