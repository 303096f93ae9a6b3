/** host-agent: reconciles, this host's intents by state, and the datapath maps' contents. */
import { Counter, Gauge, Histogram } from 'prom-client';
import { DURATION_BUCKETS, ServiceMetrics } from './service-metrics.js';

export type HostAgentErrorKind = 'reconcile' | 'datapath' | 'policy' | 'status-publish';
export const AGENT_INTENT_STATES = ['programmed', 'unsatisfiable', 'error'] as const;

/** What one reconcile did and left in the maps. */
export interface ReconcileFigures {
  readonly seconds: number;
  /** This host's intents by state after the reconcile. */
  readonly states: ReadonlyMap<string, number>;
  /** Absent when programming the maps failed (their content is then unknown). */
  readonly datapath?: {
    readonly policiesProgrammed: number;
    readonly prefixes: number;
    readonly policiesWritten: number;
    readonly prefixesWritten: number;
    readonly prefixesDeleted: number;
  };
}

export class HostAgentMetrics extends ServiceMetrics<HostAgentErrorKind> {
  readonly reconciles: Counter;
  readonly reconcileSeconds: Histogram;
  readonly intents: Gauge<'state'>;
  readonly policiesProgrammed: Gauge;
  readonly prefixes: Gauge;
  readonly policiesWritten: Counter;
  readonly prefixesWritten: Counter;
  readonly prefixesDeleted: Counter;

  constructor(labels: { instance: string; host: string }) {
    super({ service: 'host-agent', ...labels }, [
      'reconcile',
      'datapath',
      'policy',
      'status-publish',
    ]);
    const registers = [this.registry];
    this.reconciles = new Counter({
      name: 'srv6_agent_reconciles_total',
      help: 'Reconciles of the datapath with this host’s policies (changes are coalesced)',
      registers,
    });
    this.reconcileSeconds = new Histogram({
      name: 'srv6_agent_reconcile_duration_seconds',
      help: 'Time of one reconcile: maps, route MTUs, status publishing',
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.intents = new Gauge({
      name: 'srv6_agent_intents',
      help: 'This host’s intents by state (programmed, unsatisfiable, error) after the last reconcile',
      labelNames: ['state'],
      registers,
    });
    for (const state of AGENT_INTENT_STATES) this.intents.set({ state }, 0);
    this.policiesProgrammed = new Gauge({
      name: 'srv6_datapath_policies_programmed',
      help: 'Policies programmed in the BPF maps (one srv6_policies slot each)',
      registers,
    });
    this.prefixes = new Gauge({
      name: 'srv6_datapath_prefixes',
      help: 'Destination prefixes in the srv6_prefixes map (one rule set each)',
      registers,
    });
    this.policiesWritten = new Counter({
      name: 'srv6_datapath_policies_written_total',
      help: 'srv6_policies slots written (unchanged ones are not rewritten)',
      registers,
    });
    this.prefixesWritten = new Counter({
      name: 'srv6_datapath_prefixes_written_total',
      help: 'srv6_prefixes entries written (added or changed)',
      registers,
    });
    this.prefixesDeleted = new Counter({
      name: 'srv6_datapath_prefixes_deleted_total',
      help: 'srv6_prefixes entries deleted',
      registers,
    });
  }

  reconciled(figures: ReconcileFigures): void {
    this.reconciles.inc();
    this.reconcileSeconds.observe(figures.seconds);
    const datapath = figures.datapath;
    if (datapath) {
      this.policiesProgrammed.set(datapath.policiesProgrammed);
      this.prefixes.set(datapath.prefixes);
      this.policiesWritten.inc(datapath.policiesWritten);
      this.prefixesWritten.inc(datapath.prefixesWritten);
      this.prefixesDeleted.inc(datapath.prefixesDeleted);
    }
    for (const state of AGENT_INTENT_STATES) {
      this.intents.set({ state }, figures.states.get(state) ?? 0);
    }
  }
}
