/**
 * Turns intent and topology changes into per-host policies. Always computes from the CURRENT
 * stored intent and topology (an event only says what to look at), so replays, duplicates and
 * out-of-order events converge on the same result.
 *
 * Per-topology state (graph, IGP oracle: @srv6/path prepareTopology) is built once per topology
 * document and reused by every intent computed on it. DocumentRepository hands out one object
 * per stored content, so a WeakMap on that object is the cache: a changed topology is a new
 * object (never a stale entry), and entries go when the repository drops the document (it
 * keeps two).
 */
import { performance } from 'node:perf_hooks';
import type { IntentEvent, PolicyRecord, TopologyEvent } from '@srv6/bus';
import { PathSvcMetrics, silentLogger, type Logger } from '@srv6/observability';
import {
  affectedIntents,
  computePaths,
  prepareTopology,
  PreparedTopology,
  type ObjectiveKind,
} from '@srv6/path';
import type { Intent, Topology } from '@srv6/schema';
import { DocumentRepository, Revisioned } from '../repositories/document.repository.js';
import { PolicyRepository } from '../repositories/policy.repository.js';
import { policyRecords, ComputedPath } from './policy-records.js';

export interface WorkStats {
  computations: number;
  writes: number;
  /** Topologies prepared (graph + IGP oracle built). */
  preparations: number;
}

export class PathService {
  readonly stats: WorkStats = { computations: 0, writes: 0, preparations: 0 };
  private readonly prepared = new WeakMap<Topology, PreparedTopology>();

  constructor(
    private readonly documents: DocumentRepository,
    private readonly policies: PolicyRepository,
    private readonly metrics = new PathSvcMetrics('unnamed'),
    private readonly log: Logger = silentLogger(),
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
        objective: records[0]?.objective as ObjectiveKind | undefined,
      };
    });
    const previousRevision = current.find(
      (c) => c.topologyRevision !== undefined,
    )?.topologyRevision;
    const previous =
      previousRevision === undefined
        ? undefined
        : await this.documents.currentTopology(previousRevision);
    const affected = new Set(
      affectedIntents(previous?.value, topology.value, current, {
        prepared: {
          ...(previous && { before: this.prepare(previous.value) }),
          after: this.prepare(topology.value),
        },
      }),
    );
    this.log.info(
      { event: 'topology-recompute', topologyRevision: topology.revision, affected: affected.size },
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
      const writes = await this.written(name, []);
      this.log.info(
        { event: 'policies-removed', intent: name, writes },
        `${name}: ${intent ? 'no topology' : 'deleted'}, ${writes} policies removed`,
      );
      return [];
    }
    const records = this.compute(intent, topology);
    const writes = await this.written(name, records);
    this.log.info(
      {
        event: 'intent-computed',
        intent: name,
        intentRevision: intent.revision,
        topologyRevision: topology.revision,
        hosts: records.map(({ host, status, path, reason }) => ({ host, status, path, reason })),
        writes,
      },
      `${name}: computed for ${records.length} hosts, ${writes} policies written`,
    );
    return records;
  }

  private async written(name: string, records: readonly PolicyRecord[]): Promise<number> {
    const writes = await this.policies.replace(name, records);
    this.stats.writes += writes;
    this.metrics.policyWrites.inc(writes);
    return writes;
  }

  private compute(intent: Revisioned<Intent>, topology: Revisioned<Topology>): PolicyRecord[] {
    this.stats.computations++;
    const started = performance.now();
    const computed = computePaths(this.prepare(topology.value), intent.value) as ComputedPath[];
    this.metrics.computed(
      intent.value.spec.objective ?? 'weighted',
      computed.every((path) => path.status === 'ok') ? 'ok' : 'unsatisfiable',
      (performance.now() - started) / 1000,
    );
    return policyRecords(
      intent.value,
      intent.revision,
      topology.value,
      topology.revision,
      computed,
    );
  }

  private prepare(topology: Topology): PreparedTopology {
    let prepared = this.prepared.get(topology);
    if (prepared === undefined) {
      prepared = prepareTopology(topology);
      this.prepared.set(topology, prepared);
      this.stats.preparations++;
    }
    return prepared;
  }

  /** Unaffected intents keep their paths; their records move to the new topology revision. */
  private async restamp(
    name: string,
    records: readonly PolicyRecord[],
    revision: number,
  ): Promise<void> {
    if (records.length === 0 || records.every((record) => record.topologyRevision === revision))
      return;
    await this.written(
      name,
      records.map((record) => ({ ...record, topologyRevision: revision })),
    );
  }
}
