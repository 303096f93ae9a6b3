/**
 * The lab talking to its control plane as a user would: topology and intents applied on the
 * public NATS subjects, then waiting until every host of an intent reports it programmed with
 * the segments path-svc computed (or the intent is unsatisfiable).
 */
import {
  connectBus,
  decodeJson,
  encodeJson,
  openClientStorage,
  policyKey,
  SUBJECTS,
  type ApplyReply,
  type HostStorage,
  type PolicyRecord,
  type StatusRecord,
} from '@srv6/bus';
import type { Intent, Topology } from '@srv6/schema';

export interface IntentOutcome {
  readonly intent: string;
  readonly host: string;
  readonly state: 'programmed' | 'unsatisfiable';
  readonly path: readonly string[];
  readonly segments: readonly string[];
  readonly reason?: string;
  readonly metrics?: PolicyRecord['metrics'];
}

export type NatsConnection = Awaited<ReturnType<typeof connectBus>>;

function withoutRevision<T extends { metadata: { revision?: number } }>(document: T): T {
  const metadata = { ...document.metadata };
  delete metadata.revision;
  return { ...document, metadata };
}

/** `work`'s result, or undefined when it takes longer than `ms`. */
function within<T>(ms: number, work: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>(
    (resolve) => (timer = setTimeout(() => resolve(undefined), ms)),
  );
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class LabControl {
  private constructor(
    readonly nc: NatsConnection,
    private readonly storage: HostStorage,
  ) {}

  static async open(nc: NatsConnection): Promise<LabControl> {
    return new LabControl(nc, await openClientStorage(nc));
  }

  private async apply(subject: string, document: unknown, timeoutMs = 10_000): Promise<number> {
    const reply = await this.nc.request(subject, encodeJson(document), { timeout: timeoutMs });
    const body = decodeJson<ApplyReply>(reply.data);
    if (!body.ok) {
      const problems = body.errors.map((e) => `${e.path || '(document)'}: ${e.message}`);
      throw new Error(`${subject} refused: ${problems.join('; ')}`);
    }
    return body.revision;
  }

  /** Unconditional: the lab's documents replace whatever is stored. */
  applyTopology(topology: Topology): Promise<number> {
    return this.apply(SUBJECTS.topologyApply, withoutRevision(topology));
  }

  applyIntent(intent: Intent, timeoutMs?: number): Promise<number> {
    return this.apply(SUBJECTS.intentsApply, withoutRevision(intent), timeoutMs);
  }

  /** The outcome on one host once it is final for the current policy, or undefined. */
  private async outcome(
    intent: string,
    host: string,
    topologyRevision: number,
  ): Promise<IntentOutcome | undefined> {
    const policyEntry = await this.storage.policies.get(policyKey(host, intent));
    if (!policyEntry || policyEntry.operation !== 'PUT') return undefined;
    const policy = decodeJson<PolicyRecord>(policyEntry.value);
    if (policy.topologyRevision < topologyRevision) return undefined;
    const base = { intent, host, path: policy.path, segments: policy.segments };
    if (policy.status === 'unsatisfiable')
      return { ...base, state: 'unsatisfiable', reason: policy.reason };
    const statusEntry = await this.storage.status.get(policyKey(host, intent));
    if (!statusEntry || statusEntry.operation !== 'PUT') return undefined;
    const status = decodeJson<StatusRecord>(statusEntry.value);
    if (status.state === 'error') {
      throw new Error(`${host} could not program ${intent}: ${status.reason ?? 'no reason given'}`);
    }
    const current = JSON.stringify(status.segments) === JSON.stringify(policy.segments);
    if (status.state !== 'programmed' || !current) return undefined;
    return { ...base, state: 'programmed', metrics: policy.metrics };
  }

  /**
   * Waits until every host of `intent` has a final outcome computed on at least
   * `topologyRevision`: programmed with the policy's segments, or unsatisfiable.
   */
  async waitForIntent(
    intent: Intent,
    topologyRevision = 0,
    timeoutMs = 30_000,
  ): Promise<IntentOutcome[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const outcomes = await Promise.all(
        intent.spec.hosts.map((host) =>
          // a request sent while the bus reconnects can be lost: do not wait its full 5 s out
          within(1000, this.outcome(intent.metadata.name, host, topologyRevision)).catch(
            (error: unknown) => {
              // the bus is reconnecting (a restarted nats-server): ask again on the next round
              if (/timeout|no responders|disconnect|connection/i.test(String(error)))
                return undefined;
              throw error;
            },
          ),
        ),
      );
      if (outcomes.every((item) => item !== undefined)) return outcomes as IntentOutcome[];
      if (Date.now() > deadline) {
        const waiting = intent.spec.hosts.filter((_, i) => outcomes[i] === undefined);
        throw new Error(
          `intent ${intent.metadata.name} not programmed within ${timeoutMs} ms on ${waiting.join(', ')} (see the host-agent and path-svc logs)`,
        );
      }
      await sleep(50);
    }
  }
}
