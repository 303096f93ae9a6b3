/**
 * Reconvergence, measured: a link of an intent's active path goes down (in the lab, and as a
 * topology update to the control plane) while the intent's traffic flows. tcpdump on every
 * router off the old path stamps the first packet it sees from the sender (kernel time), so
 * "update → first packet on the new path" is read from packet timestamps, not from polling.
 */
import type { ChildProcess } from 'node:child_process';
import { waitForOutput } from '@srv6/netlab';
import { collectOutput, stopChild } from './child-process.js';
import type { Intent, Topology } from '@srv6/schema';
import type { IntentOutcome, LabControl } from './lab-control.js';
import {
  addressOf,
  startUdpSink,
  startUdpStream,
  type Flow,
  type RunningTraffic,
} from './lab-traffic.js';
import type { TopologyLab } from './topology-lab.js';

export interface ReconvergenceResult {
  readonly link: string;
  readonly before: IntentOutcome;
  readonly after: IntentOutcome;
  /** Lab: link down and the IGP routes moved, ms after the start. */
  readonly igpMs: number;
  /** Topology update sent → every host of the intent programmed the new segments, ms. */
  readonly programmedMs: number;
  /** Topology update sent → first packet on a router of the new path off the old one, ms. */
  readonly firstPacketMs?: number;
  readonly firstPacketRouter?: string;
  readonly sent: number;
  readonly received: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function withoutLink(topology: Topology, link: string): Topology {
  const links = topology.spec.links.filter((l) => (l.name ?? `${l.a}-${l.b}`) !== link);
  if (links.length === topology.spec.links.length)
    throw new Error(`no link ${link} in ${topology.metadata.name}`);
  return { ...topology, spec: { ...topology.spec, links } };
}

/** tcpdump on `router` printing the kernel timestamp of the first packet from `source`. */
async function firstPacketWatcher(
  lab: TopologyLab,
  router: string,
  source: string,
): Promise<{ child: ChildProcess; text: () => string }> {
  const child = lab.netns.spawn(router, 'tcpdump', [
    '-i',
    'any',
    '-n',
    '-c',
    '1',
    '-tt',
    '--time-stamp-precision=micro',
    '--immediate-mode',
    `ip6 src ${source}`,
  ]);
  const text = collectOutput(child);
  await waitForOutput(child, /listening on/, 10_000);
  return { child, text };
}

export async function measureReconvergence(
  lab: TopologyLab,
  control: LabControl,
  intent: Intent,
  before: IntentOutcome,
  flow: Flow,
  link: string,
): Promise<ReconvergenceResult> {
  const source = addressOf(lab, flow.from);
  const watchers = new Map<string, { child: ChildProcess; text: () => string }>();
  const sink = await startUdpSink(lab, flow.to, flow.port);
  let sender: RunningTraffic | undefined;
  try {
    sender = await startUdpStream(lab, flow.from, addressOf(lab, flow.to), flow.port, 1000, 500);
    for (const router of lab.plan.routers.map((r) => r.name)) {
      if (!before.path.includes(router))
        watchers.set(router, await firstPacketWatcher(lab, router, source));
    }
    await sleep(300);

    const start = Date.now();
    lab.setDownLinks(new Set([link]));
    const igpMs = Date.now() - start;
    const revision = await control.applyTopology(withoutLink(lab.topology, link));
    const outcomes = await control.waitForIntent(intent, revision);
    const programmedMs = Date.now() - start;
    const after = outcomes.find((o) => o.host === flow.from)!;
    await sleep(500);

    let firstPacketMs: number | undefined;
    let firstPacketRouter: string | undefined;
    for (const [router, watcher] of watchers) {
      if (!after.path.includes(router)) continue;
      const stamp = /^(\d+\.\d+) /m.exec(watcher.text());
      if (!stamp) continue;
      const ms = Number(stamp[1]) * 1000 - start;
      if (firstPacketMs === undefined || ms < firstPacketMs) {
        firstPacketMs = ms;
        firstPacketRouter = router;
      }
    }
    const sent = await sender.stop();
    sender = undefined;
    await sleep(200);
    const received = await sink.stop();
    return {
      link,
      before,
      after,
      igpMs,
      programmedMs,
      firstPacketMs,
      firstPacketRouter,
      sent,
      received,
    };
  } finally {
    for (const watcher of watchers.values()) await stopChild(watcher.child);
    if (sender) await sender.stop().catch(() => undefined);
    if (sink.child.exitCode === null && sink.child.signalCode === null)
      await sink.stop().catch(() => undefined);
  }
}
