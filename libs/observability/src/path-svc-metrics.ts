/** path-svc: path computations (count and duration by objective), events, policy writes. */
import { Counter, Histogram } from 'prom-client';
import { DURATION_BUCKETS, ServiceMetrics } from './service-metrics.js';

export type PathSvcErrorKind = 'event';
export type PathEventType = 'intent' | 'topology';

export class PathSvcMetrics extends ServiceMetrics<PathSvcErrorKind> {
  readonly computations: Counter<'objective' | 'result'>;
  readonly computationSeconds: Histogram<'objective'>;
  readonly events: Counter<'type'>;
  readonly eventSeconds: Histogram<'type'>;
  readonly policyWrites: Counter;

  constructor(instance: string) {
    super({ service: 'path-svc', instance }, ['event']);
    const registers = [this.registry];
    this.computations = new Counter({
      name: 'srv6_path_computations_total',
      help: 'Intents computed, by objective (weighted for objectives mixes) and result (ok, unsatisfiable)',
      labelNames: ['objective', 'result'],
      registers,
    });
    this.computationSeconds = new Histogram({
      name: 'srv6_path_computation_duration_seconds',
      help: 'Time to compute one intent for all its hosts, by objective',
      labelNames: ['objective'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.events = new Counter({
      name: 'srv6_path_events_total',
      help: 'Change events handled and acknowledged, by type (intent, topology)',
      labelNames: ['type'],
      registers,
    });
    this.eventSeconds = new Histogram({
      name: 'srv6_path_event_duration_seconds',
      help: 'Time from taking an event to acknowledging it (a topology event recomputes the affected intents)',
      labelNames: ['type'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.policyWrites = new Counter({
      name: 'srv6_path_policy_writes_total',
      help: 'Policy records written or deleted in srv6-policies (unchanged ones are not written)',
      registers,
    });
  }

  computed(objective: string, result: string, seconds: number): void {
    this.computations.inc({ objective, result });
    this.computationSeconds.observe({ objective }, seconds);
  }

  eventHandled(type: PathEventType, seconds: number): void {
    this.events.inc({ type });
    this.eventSeconds.observe({ type }, seconds);
  }
}
