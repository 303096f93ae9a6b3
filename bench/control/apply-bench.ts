/**
 * Section "apply": apply → programmed through the real control plane (control-plane-stack.ts).
 * Each variant gets a fresh stack (new nats-server store, services, namespace, agent pins), the
 * diamond topology below, then N intents with distinct /128 destinations inside the egress's
 * 2001:db8:b::/64 and distinct UDP ports, objectives low-latency / low-cost / high-bandwidth in
 * turn (two different segment lists).
 *
 * A subscription to srv6.status.intents.> (the SPEC's public status events), made before the
 * first apply, records when each intent is first reported `programmed` by host-a; `error` or
 * `unsatisfiable` fails the run.
 *   sequential  one intent in flight: request srv6.intents.apply, take the reply (apply-reply
 *               latency: validation, KV write, event publish in intent-svc), wait for
 *               `programmed` (apply → programmed: + path-svc, KV, agent, BPF maps, route), next;
 *   pipelined   all N requests sent at once; apply → programmed per intent from that instant,
 *               and the time until the last one is programmed.
 */
import { decodeJson, encodeJson, SUBJECTS, type ApplyReply, type StatusRecord } from '@srv6/bus';
import type { Intent, Topology } from '@srv6/schema';
import type { Cleanup } from '../common/cleanup.js';
import { Cleanup as LocalCleanup } from '../common/cleanup.js';
import { progress } from '../common/progress.js';
import { median, round } from '../common/statistics.js';
import {
  ControlPlaneStack,
  cpuSeconds as processCpuSeconds,
  HOST,
  HOST_ADDRESS,
  machineJiffies,
  type BusConnection,
} from './control-plane-stack.js';
import { since, summarize, type Summary } from './latency.js';

export type ApplyMode = 'sequential' | 'pipelined';

export interface ApplyVariantResult {
  readonly mode: ApplyMode;
  readonly pathSvcInstances: number;
  readonly intents: number;
  readonly applyReply: Summary;
  /** Request sent → path-svc's policy seen in KV srv6-policies (a watch of the bench). */
  readonly applyToPolicy: Summary;
  readonly applyToProgrammed: Summary;
  /** Median apply → programmed of the first and the last 100 intents (growth with table size). */
  readonly firstHundredMedianMs: number;
  readonly lastHundredMedianMs: number;
  /** First request sent → last intent programmed. */
  readonly totalMs: number;
  /** First request sent → last policy written by path-svc. */
  readonly allPoliciesMs: number;
  readonly intentsPerSecond: number;
  /** Pipelined: first request sent → last reply received. */
  readonly allRepliesMs?: number;
  /** srv6.status.intents.* messages seen per intent (1 = one status write per intent). */
  readonly statusEventsPerIntent: number;
  /** CPU seconds each process used during the variant (`bench`: this process, the client). */
  readonly cpuSeconds: Readonly<Record<string, number>>;
  /** Share of all CPUs busy during the variant (every process on the machine). */
  readonly machineBusyPercent: number;
  /** proto 250 routes in host-a afterwards (one per programmed /128). */
  readonly agentRoutes: number;
}

export interface ApplyBenchResult {
  readonly topology: string;
  readonly capacity: number;
  readonly variants: readonly ApplyVariantResult[];
}

const REQUEST_TIMEOUT_MS = 10_000;
const PROGRAMMED_TIMEOUT_MS = 30_000;
const PIPELINED_TIMEOUT_MS = 600_000;
const KINDS = ['low-latency', 'low-cost', 'high-bandwidth'] as const;

/** The diamond of test/fixtures/diamond-topology.yaml: r1→r2→r4 cheap and wide, r1→r3→r4 fast. */
export const APPLY_TOPOLOGY: Topology = {
  apiVersion: 'srv6.intents/v1',
  kind: 'Topology',
  metadata: { name: 'bench-diamond' },
  spec: {
    nodes: [
      { name: 'r1', sid: 'fc00:0:1::1' },
      { name: 'r2', sid: 'fc00:0:2::1' },
      { name: 'r3', sid: 'fc00:0:3::1' },
      { name: 'r4', sid: 'fc00:0:4::1', decapSid: 'fc00:0:4::d6', prefixes: ['2001:db8:b::/64'] },
    ],
    links: [
      { name: 'r1-r2', a: 'r1', b: 'r2', igpMetric: 10, delayMs: 10, bandwidthMbps: 10000 },
      { name: 'r2-r4', a: 'r2', b: 'r4', igpMetric: 10, delayMs: 10, bandwidthMbps: 10000 },
      { name: 'r1-r3', a: 'r1', b: 'r3', igpMetric: 20, delayMs: 1, bandwidthMbps: 1000 },
      { name: 'r3-r4', a: 'r3', b: 'r4', igpMetric: 20, delayMs: 1, bandwidthMbps: 1000 },
    ],
    hosts: [{ name: HOST, attachedTo: 'r1', address: HOST_ADDRESS }],
  },
};

function applyIntent(prefix: string, i: number): Intent {
  return {
    apiVersion: 'srv6.intents/v1',
    kind: 'Intent',
    metadata: { name: `${prefix}-${String(i + 1).padStart(5, '0')}` },
    spec: {
      hosts: [HOST],
      match: {
        destination: `2001:db8:b::${(i + 1).toString(16)}/128`,
        protocol: 'udp',
        ports: [10000 + i],
      },
      objective: KINDS[i % KINDS.length]!,
      encapsulation: 'srh',
    },
  };
}

/** First `programmed` report per intent, from srv6.status.intents.>. */
class ProgrammedWatcher {
  readonly programmedAt = new Map<string, number>();
  private readonly waiters = new Map<
    string,
    { resolve: (at: number) => void; reject: (error: Error) => void }
  >();
  private failure: Error | undefined;
  events = 0;

  constructor(nc: BusConnection) {
    nc.subscribe('srv6.status.intents.>', {
      callback: (error, message) => {
        if (error) return this.fail(error);
        const at = performance.now();
        this.events++;
        const record = decodeJson<StatusRecord>(message.data);
        if (record.state === 'programmed' && !this.programmedAt.has(record.intent)) {
          this.programmedAt.set(record.intent, at);
          this.waiters.get(record.intent)?.resolve(at);
          this.waiters.delete(record.intent);
        } else if (record.state === 'error' || record.state === 'unsatisfiable') {
          this.fail(
            new Error(
              `${record.intent} on ${record.host}: ${record.state} (${record.reason ?? 'no reason'})`,
            ),
          );
        }
      },
    });
  }

  /** When `name` was first reported programmed (waits up to `timeoutMs`). */
  programmed(name: string, timeoutMs: number): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    const at = this.programmedAt.get(name);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(name);
        reject(new Error(`${name} not programmed within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(name, {
        resolve: (when) => {
          clearTimeout(timer);
          resolve(when);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  /** The first error or refusal fails every wait at once (a broken datapath must not hang). */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiters.values()) waiter.reject(this.failure);
    this.waiters.clear();
  }
}

/** When path-svc's policy for each intent first appears in KV srv6-policies (watch). */
async function watchPolicies(stack: ControlPlaneStack): Promise<Map<string, number>> {
  const writtenAt = new Map<string, number>();
  const watch = await stack.storage.policies.watch();
  void (async () => {
    for await (const entry of watch) {
      const intent = entry.key.slice(HOST.length + 1);
      if (entry.operation === 'PUT' && !writtenAt.has(intent))
        writtenAt.set(intent, performance.now());
    }
  })();
  return writtenAt;
}

async function request(nc: BusConnection, subject: string, body: unknown, timeout: number) {
  const reply = decodeJson<ApplyReply>(
    (await nc.request(subject, encodeJson(body), { timeout })).data,
  );
  if (!reply.ok) {
    throw new Error(
      `${subject} refused: ${reply.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    );
  }
  return reply;
}

async function runVariant(
  mode: ApplyMode,
  pathSvcInstances: number,
  count: number,
  capacity: number,
  cleanup: Cleanup,
): Promise<ApplyVariantResult> {
  const local = new LocalCleanup();
  cleanup.add(`tear down the ${mode} stack`, () => local.run());
  try {
    const stack = await ControlPlaneStack.start({ pathSvcInstances, capacity }, local);
    const { nc } = stack;
    const watcher = new ProgrammedWatcher(nc);
    const policyWrittenAt = await watchPolicies(stack);
    await nc.flush();
    await request(nc, SUBJECTS.topologyApply, APPLY_TOPOLOGY, REQUEST_TIMEOUT_MS);
    const prefix = `${mode === 'sequential' ? 's' : 'p'}${pathSvcInstances}`;
    const intents = Array.from({ length: count }, (_, i) => applyIntent(prefix, i));
    const cpuBefore: Record<string, number | undefined> = {
      ...stack.cpu(),
      bench: processCpuSeconds(process.pid),
    };
    const jiffiesBefore = machineJiffies();
    const started = performance.now();
    const replyMs: number[] = [];
    const programmedMs: number[] = [];
    const sentAt = new Map<string, number>();
    let allRepliesMs: number | undefined;
    const label = `${mode}, ${pathSvcInstances} path-svc`;

    if (mode === 'sequential') {
      for (let i = 0; i < count; i++) {
        const intent = intents[i]!;
        const sent = performance.now();
        sentAt.set(intent.metadata.name, sent);
        await request(nc, SUBJECTS.intentsApply, intent, REQUEST_TIMEOUT_MS);
        replyMs.push(since(sent));
        const at = await watcher
          .programmed(intent.metadata.name, PROGRAMMED_TIMEOUT_MS)
          .catch((error: unknown) => {
            stack.checkAlive();
            throw error;
          });
        programmedMs.push(at - sent);
        if ((i + 1) % 100 === 0) {
          progress(
            `apply (${label}): ${i + 1}/${count} programmed (${(since(started) / 1000).toFixed(1)} s)`,
          );
          await cleanup.checkpoint();
        }
      }
    } else {
      for (const intent of intents) sentAt.set(intent.metadata.name, started);
      const replies = await Promise.all(
        intents.map(async (intent) => {
          await request(nc, SUBJECTS.intentsApply, intent, PIPELINED_TIMEOUT_MS);
          return since(started);
        }),
      );
      replyMs.push(...replies);
      allRepliesMs = Math.max(...replies);
      progress(`apply (${label}): all ${count} replies in ${(allRepliesMs / 1000).toFixed(1)} s`);
      let done = 0;
      const times = await Promise.all(
        intents.map(async (intent) => {
          const at = await watcher.programmed(intent.metadata.name, PIPELINED_TIMEOUT_MS);
          if (++done % 250 === 0)
            progress(
              `apply (${label}): ${done}/${count} programmed (${(since(started) / 1000).toFixed(1)} s)`,
            );
          return at - started;
        }),
      ).catch((error: unknown) => {
        stack.checkAlive();
        throw error;
      });
      programmedMs.push(...times);
    }
    const totalMs = Math.max(...[...watcher.programmedAt.values()].map((at) => at - started));
    const policyMs = intents.map((intent) => {
      const at = policyWrittenAt.get(intent.metadata.name);
      if (at === undefined) throw new Error(`no policy seen for ${intent.metadata.name}`);
      return at - sentAt.get(intent.metadata.name)!;
    });
    const lastPolicyMs = Math.max(
      ...intents.map((i) => policyWrittenAt.get(i.metadata.name)! - started),
    );
    const cpuAfter = { ...stack.cpu(), bench: processCpuSeconds(process.pid) };
    const jiffiesAfter = machineJiffies();
    const machineBusyPercent = round(
      (100 * (jiffiesAfter.busy - jiffiesBefore.busy)) / (jiffiesAfter.total - jiffiesBefore.total),
      0,
    );
    // Late duplicates (counter reports) arrive after the last programmed: let them count.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const cpuSeconds: Record<string, number> = {};
    for (const [name, value] of Object.entries(cpuAfter)) {
      const before = cpuBefore[name];
      if (value !== undefined && before !== undefined) cpuSeconds[name] = round(value - before, 2);
    }
    const agentRoutes = stack.agentRoutes();
    if (agentRoutes !== count)
      throw new Error(`host-a has ${agentRoutes} agent routes, expected ${count} (one per /128)`);
    const result: ApplyVariantResult = {
      mode,
      pathSvcInstances,
      intents: count,
      applyReply: summarize(replyMs),
      applyToPolicy: summarize(policyMs),
      applyToProgrammed: summarize(programmedMs),
      firstHundredMedianMs: round(median(programmedMs.slice(0, 100)), 2),
      lastHundredMedianMs: round(median(programmedMs.slice(-100)), 2),
      totalMs: round(totalMs, 1),
      allPoliciesMs: round(lastPolicyMs, 1),
      intentsPerSecond: round(count / (totalMs / 1000), 1),
      ...(allRepliesMs !== undefined ? { allRepliesMs: round(allRepliesMs, 1) } : {}),
      statusEventsPerIntent: round(watcher.events / count, 2),
      cpuSeconds,
      machineBusyPercent,
      agentRoutes,
    };
    progress(
      `apply (${label}): done, ${result.intentsPerSecond} intents/s; apply→programmed p50 ${result.applyToProgrammed.p50Ms} ms`,
    );
    return result;
  } finally {
    progress(`apply: tearing down the ${mode} stack`);
    await local.run();
  }
}

export async function benchApply(
  count: number,
  sequential: readonly number[],
  pipelined: readonly number[],
  capacity: number,
  cleanup: Cleanup,
): Promise<ApplyBenchResult> {
  if (capacity < count) throw new Error(`--capacity ${capacity} is below --apply-intents ${count}`);
  const variants: ApplyVariantResult[] = [];
  const plan = [
    ...sequential.map((instances) => ['sequential', instances] as const),
    ...pipelined.map((instances) => ['pipelined', instances] as const),
  ];
  for (const [mode, instances] of plan) {
    variants.push(await runVariant(mode, instances, count, capacity, cleanup));
    await cleanup.checkpoint();
  }
  return { topology: APPLY_TOPOLOGY.metadata.name, capacity, variants };
}
