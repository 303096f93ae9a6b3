/**
 * Keeps the datapath equal to this host's policies and reports per-intent status. Changes are
 * coalesced: while one reconcile runs, later changes wait and are applied together after it.
 * Statuses are published only when they change (no flapping); counters every report interval.
 */
import { performance } from 'node:perf_hooks';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PolicyRecord, StatusRecord } from '@srv6/bus';
import type { ReconcileFigures } from '@srv6/observability';
import { HostAgentMetrics, LOGGER, silentLogger, type Logger } from '@srv6/observability';
import { AGENT_CONFIG, type AgentConfig } from '../config.js';
import { DATAPATH_PORT, type DatapathPort } from '../repositories/datapath.repository.js';
import { PolicyWatcher } from '../repositories/policy.watcher.js';
import { StatusRepository } from '../repositories/status.repository.js';
import {
  countStates,
  desiredPolicies,
  hostStatuses,
  HostStatus,
  prefixEntries,
} from './desired-state.js';

@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private records: ReadonlyMap<string, PolicyRecord> = new Map();
  private readonly published = new Map<string, string>();
  /** The state last published per key: counter reports repeat it, they do not decide it. */
  private readonly states = new Map<string, HostStatus>();
  private readonly lastCounters = new Map<string, string>();
  private running?: Promise<void>;
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private reconcileCount = 0;

  constructor(
    @Inject(AGENT_CONFIG) private readonly config: AgentConfig,
    @Inject(DATAPATH_PORT) private readonly datapath: DatapathPort,
    private readonly watcher: PolicyWatcher,
    private readonly statuses: StatusRepository,
    private readonly metrics: HostAgentMetrics = new HostAgentMetrics({ instance: '', host: '' }),
    @Inject(LOGGER) private readonly log: Logger = silentLogger(),
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.watcher.start((records) => {
      this.records = new Map(records);
      this.schedule();
    });
    this.timer = setInterval(() => void this.reportCounters(), this.config.reportIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.watcher.stop();
    await this.running;
    this.datapath.close();
  }

  /** How many reconciles ran (metrics, tests). */
  get reconciles(): number {
    return this.reconcileCount;
  }

  /** Policies of this host the agent currently knows (programmed or not). */
  get policyCount(): number {
    return this.records.size;
  }

  /** Publishes every status again (after the control plane was away, writes may have failed). */
  republish(): void {
    this.published.clear();
    this.schedule();
  }

  /** Resolves when every change seen so far is applied (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private schedule(): void {
    this.dirty = true;
    if (this.running) return;
    this.running = (async () => {
      while (this.dirty) {
        this.dirty = false;
        await this.reconcile(this.records).catch((error: unknown) => {
          this.metrics.error('reconcile');
          this.log.error({ event: 'reconcile-failed', err: error }, `reconcile failed: ${error}`);
        });
      }
      this.running = undefined;
    })();
  }

  private async reconcile(records: ReadonlyMap<string, PolicyRecord>): Promise<void> {
    const started = performance.now();
    this.reconcileCount++;
    const desired = desiredPolicies(records, this.datapath.uplinkMtu);
    let programmed = new Set<string>();
    const problems = [...desired.refused];
    let datapath: ReconcileFigures['datapath'];
    try {
      const report = this.datapath.apply(desired.policies);
      programmed = new Set(report.programmed.keys());
      // What this reconcile wrote: a restarted agent that adopted the pinned maps writes nothing.
      process.stdout.write(
        JSON.stringify({
          event: 'reconciled',
          policies: report.programmed.size,
          policiesWritten: report.policiesWritten,
          prefixesWritten: report.prefixesWritten,
          prefixesDeleted: report.prefixesDeleted,
          slotsCleared: report.slotsCleared,
        }) + '\n',
      );
      problems.push(...report.rejected);
      datapath = {
        policiesProgrammed: report.programmed.size,
        prefixes: prefixEntries(desired.policies, programmed),
        policiesWritten: report.policiesWritten,
        prefixesWritten: report.prefixesWritten,
        prefixesDeleted: report.prefixesDeleted,
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.metrics.error('datapath');
      this.log.error({ event: 'datapath-failed', err: error }, `programming failed: ${reason}`);
      problems.push(...desired.policies.map((policy) => ({ policyId: policy.id, reason })));
    }
    const statuses = hostStatuses(records, programmed, problems);
    try {
      await this.publishStatuses(records, statuses);
    } finally {
      const seconds = (performance.now() - started) / 1000;
      this.metrics.reconciled({ seconds, states: countStates(statuses), datapath });
    }
  }

  private async publishStatuses(
    records: ReadonlyMap<string, PolicyRecord>,
    statuses: ReadonlyMap<string, HostStatus>,
  ): Promise<void> {
    const counters = this.datapath.counters();
    for (const [key, status] of statuses) {
      const record = records.get(key)!;
      const signature = JSON.stringify([
        status,
        record.segments,
        record.path,
        record.intentRevision,
      ]);
      if (this.published.get(key) === signature) continue;
      const count = counters.get(key);
      await this.statuses.publish(key, this.statusRecord(record, status, count));
      this.published.set(key, signature);
      this.states.set(key, status);
      // These counters are reported now: the counter loop need not send them again.
      if (count) this.lastCounters.set(key, `${count.packets}/${count.bytes}`);
      this.logStatus(record, status);
    }
    for (const key of [...this.published.keys()]) {
      if (!statuses.has(key)) {
        await this.statuses.remove(key);
        const intent = key.slice(key.indexOf('.') + 1);
        this.log.info({ event: 'intent-removed', intent }, `${intent}: removed from this host`);
        this.published.delete(key);
        this.states.delete(key);
        this.lastCounters.delete(key);
      }
    }
  }

  /**
   * Counters of what the maps hold, with the state last reported: a policy whose reconcile
   * failed (say its route MTU could not be set) has counters too, and stays `error`.
   */
  private async reportCounters(): Promise<void> {
    for (const [key, count] of this.datapath.counters()) {
      const record = this.records.get(key);
      const status = this.states.get(key);
      const text = `${count.packets}/${count.bytes}`;
      if (!record || !status || this.lastCounters.get(key) === text) continue;
      this.lastCounters.set(key, text);
      await this.statuses
        .publish(key, this.statusRecord(record, status, count))
        .catch(() => this.metrics.error('status-publish')); // the next interval tries again
    }
  }

  /** One line per status change of an intent on this host; an error is counted too. */
  private logStatus(record: PolicyRecord, status: HostStatus): void {
    const fields = {
      event: 'intent-status',
      intent: record.intent,
      state: status.state,
      ...(status.reason ? { reason: status.reason } : {}),
      intentRevision: record.intentRevision,
      path: record.path,
      segments: record.segments,
    };
    const message = `${record.intent}: ${status.state}${status.reason ? ` (${status.reason})` : ''}`;
    if (status.state === 'error') {
      this.metrics.error('policy');
      this.log.error(fields, message);
    } else {
      this.log.info(fields, message);
    }
  }

  private statusRecord(
    record: PolicyRecord,
    status: HostStatus,
    count?: { packets: bigint; bytes: bigint },
  ): StatusRecord {
    return {
      intent: record.intent,
      host: this.config.host,
      state: status.state,
      ...(status.reason ? { reason: status.reason } : {}),
      path: record.path,
      segments: record.segments,
      ...(count
        ? { counters: { packets: String(count.packets), bytes: String(count.bytes) } }
        : {}),
      updatedAt: new Date().toISOString(),
    };
  }
}
