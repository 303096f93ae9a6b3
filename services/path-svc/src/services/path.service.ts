/**
 * Turns intent and topology changes into per-host policies. Always computes from the CURRENT
 * stored intent and topology (an event only says what to look at), so replays, duplicates and
 * out-of-order events converge on the same result.
 */
import { Logger } from '@nestjs/common';
import type { IntentEvent, PolicyRecord, TopologyEvent } from '@srv6/bus';
import { affectedIntents, computePaths } from '@srv6/path';
import type { Intent, Topology } from '@srv6/schema';
import { DocumentRepository, Revisioned } from '../repositories/document.repository.js';
import { PolicyRepository } from '../repositories/policy.repository.js';
import { policyRecords, ComputedPath } from './policy-records.js';

export interface WorkStats {
  computations: number;
  writes: number;
}

export class PathService {
  private readonly logger = new Logger('path');
  readonly stats: WorkStats = { computations: 0, writes: 0 };

  constructor(
    private readonly documents: DocumentRepository,
    private readonly policies: PolicyRepository,
  ) {}

  async onIntentEvent(event: IntentEvent): Promise<void> {
    const topology = await this.documents.currentTopology();
    await this.recompute(event.name, topology);
  }

  /** `heartbeat` is called while working through many intents (keeps the event's ack alive). */
  async onTopologyEvent(
    event: TopologyEvent,
    heartbeat: () => void = () => undefined,
  ): Promise<void> {
    const topology = await this.documents.currentTopology();
    if (!topology || topology.revision < event.revision) return; // a newer one is coming
    const byIntent = this.policies.byIntent();
    const names = await this.documents.intentNames();
    const current = names.map((name) => {
      const records = byIntent.get(name) ?? [];
      return {
        intent: name,
        paths: records.map((record) => record.path),
        unsatisfiable: records.length === 0 || records.some((record) => record.status !== 'ok'),
        topologyRevision: records[0]?.topologyRevision,
      };
    });
    const previousRevision = current.find(
      (c) => c.topologyRevision !== undefined,
    )?.topologyRevision;
    const previous =
      previousRevision === undefined
        ? undefined
        : await this.documents.currentTopology(previousRevision);
    const affected = new Set(affectedIntents(previous?.value, topology.value, current));
    this.logger.log(
      `topology revision ${topology.revision}: recomputing ${affected.size} of ${names.length} intents`,
    );
    for (const [index, name] of names.entries()) {
      if (index % 200 === 199) heartbeat();
      if (affected.has(name)) {
        await this.recompute(name, topology);
      } else {
        await this.restamp(name, byIntent.get(name) ?? [], topology.revision);
      }
    }
  }

  /** Computes one intent against a topology and writes its records (or deletes them). */
  async recompute(
    name: string,
    topology: Revisioned<Topology> | undefined,
  ): Promise<PolicyRecord[]> {
    const intent = await this.documents.intent(name);
    if (!intent || !topology) {
      this.stats.writes += await this.policies.replace(name, []);
      return [];
    }
    const records = this.compute(intent, topology);
    this.stats.writes += await this.policies.replace(name, records);
    return records;
  }

  private compute(intent: Revisioned<Intent>, topology: Revisioned<Topology>): PolicyRecord[] {
    this.stats.computations++;
    const computed = computePaths(topology.value, intent.value) as ComputedPath[];
    return policyRecords(
      intent.value,
      intent.revision,
      topology.value,
      topology.revision,
      computed,
    );
  }

  /** Unaffected intents keep their paths; their records move to the new topology revision. */
  private async restamp(
    name: string,
    records: readonly PolicyRecord[],
    revision: number,
  ): Promise<void> {
    if (records.length === 0 || records.every((record) => record.topologyRevision === revision))
      return;
    this.stats.writes += await this.policies.replace(
      name,
      records.map((record) => ({ ...record, topologyRevision: revision })),
    );
  }
}
