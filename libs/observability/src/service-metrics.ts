/**
 * What every service exposes on /metrics: Node's default process metrics, errors by kind and
 * NATS disconnects/reconnects by connection, all labelled with the service and its instance.
 * One registry per service object (never prom-client's global one), so several services can
 * live in one process (tests) without mixing their figures.
 */
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';

export interface ServiceLabels {
  readonly service: string;
  readonly instance: string;
  /** The topology host (host-agent). */
  readonly host?: string;
}

/** Anything with nats.js's status() iterator (a NatsConnection). */
export interface NatsStatusSource {
  status(): AsyncIterable<{ readonly type: string }>;
}

/** Durations from 0.1 ms to 10 s: path computations and reconciles both fall in here. */
export const DURATION_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
];

export class ServiceMetrics<ErrorKind extends string = string> {
  readonly registry = new Registry();
  readonly errors: Counter<'kind'>;
  readonly natsDisconnects: Counter<'connection'>;
  readonly natsReconnects: Counter<'connection'>;

  /** `errorKinds` start at 0, so a rate over them exists before the first error. */
  constructor(labels: ServiceLabels, errorKinds: readonly ErrorKind[] = []) {
    this.registry.setDefaultLabels({ ...labels });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.errors = new Counter({
      name: 'srv6_errors_total',
      help: 'Errors by kind (see docs/observability.md)',
      labelNames: ['kind'],
      registers,
    });
    for (const kind of errorKinds) this.errors.inc({ kind }, 0);
    this.natsDisconnects = new Counter({
      name: 'srv6_nats_disconnects_total',
      help: 'Times a NATS connection of this service lost its server',
      labelNames: ['connection'],
      registers,
    });
    this.natsReconnects = new Counter({
      name: 'srv6_nats_reconnects_total',
      help: 'Times a NATS connection of this service got its server back',
      labelNames: ['connection'],
      registers,
    });
  }

  error(kind: ErrorKind): void {
    this.errors.inc({ kind });
  }

  /** Counts `disconnect` and `reconnect` of a NATS connection (name it: bus, requests) */
  natsEvent(connection: string, type: string): void {
    if (type === 'disconnect') this.natsDisconnects.inc({ connection });
    else if (type === 'reconnect') this.natsReconnects.inc({ connection });
  }

  /** Follows the connection's status until it closes. */
  watchNats(nc: NatsStatusSource, connection: string): void {
    this.natsDisconnects.inc({ connection }, 0);
    this.natsReconnects.inc({ connection }, 0);
    void (async () => {
      for await (const status of nc.status()) this.natsEvent(connection, status.type);
    })();
  }
}
