/**
 * Real traffic between lab hosts, and where it went: every measurement reads the routers'
 * per-source counters before and after, so the result names the routers the packets crossed.
 */
import { ChildProcess } from 'node:child_process';
import { TRAFFIC_TOOL, waitForOutput } from '@srv6/netlab';
import { collectOutput, exited, stopChild } from './child-process.js';
import type { TopologyLab } from './topology-lab.js';

export interface Flow {
  readonly from: string;
  readonly to: string;
  readonly protocol: 'udp' | 'tcp';
  readonly port: number;
}

export interface FlowResult {
  /** Routers that counted at least one packet of the sender, in topology order, with counts. */
  readonly seen: ReadonlyMap<string, number>;
  readonly sent: number;
  readonly received: number;
  /** TCP: receiver throughput. */
  readonly gbps?: number;
}

/** Packets each router counted from `host` between two readings. */
export function seenBetween(
  before: Map<string, Map<string, number>>,
  after: Map<string, Map<string, number>>,
  host: string,
): Map<string, number> {
  const seen = new Map<string, number>();
  for (const [router, counts] of after) {
    const delta = (counts.get(host) ?? 0) - (before.get(router)?.get(host) ?? 0);
    if (delta > 0) seen.set(router, delta);
  }
  return seen;
}

/**
 * After a TCP flow its last packets may still be on their way: a FIN or ACK dropped on a lossy
 * link is sent again after a retransmission timeout (≥ 200 ms). They belong to this flow's
 * counts, not to the next flow's.
 */
const TCP_SETTLE_MS = 600;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function lastJson<T>(text: string): T {
  const lines = text.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

export interface RunningTraffic {
  readonly child: ChildProcess;
  /** SIGTERM, then the count the tool printed (datagrams received, or sent). */
  stop(): Promise<number>;
}

async function startTool(
  lab: TopologyLab,
  host: string,
  args: string[],
  started: RegExp,
  field: 'datagrams' | 'sent',
): Promise<RunningTraffic> {
  const child = lab.netns.spawn(host, 'node', [TRAFFIC_TOOL, ...args]);
  const text = collectOutput(child);
  await waitForOutput(child, started);
  return {
    child,
    stop: async () => {
      await stopChild(child);
      return lastJson<Record<typeof field, number>>(text())[field];
    },
  };
}

/** Counts UDP datagrams arriving at `host` on `port` until stopped. */
export const startUdpSink = (
  lab: TopologyLab,
  host: string,
  port: number,
): Promise<RunningTraffic> =>
  startTool(lab, host, ['udp-sink', String(port), '600'], /"listening"/, 'datagrams');

/** Sends datagrams of `size` bytes from `host` to `address` at `pps` until stopped. */
export const startUdpStream = (
  lab: TopologyLab,
  host: string,
  address: string,
  port: number,
  pps: number,
  size: number,
): Promise<RunningTraffic> =>
  startTool(
    lab,
    host,
    ['udp-stream', address, String(port), String(pps), String(size)],
    /"sending"/,
    'sent',
  );

export function addressOf(lab: TopologyLab, host: string): string {
  const plan = lab.plan.hosts.find((h) => h.name === host);
  if (!plan) throw new Error(`no host ${host} in the lab`);
  return plan.address;
}

/** `count` UDP datagrams of `size` bytes at `pps`; received = what the far host's socket got. */
export async function udpFlow(
  lab: TopologyLab,
  flow: Flow,
  count = 500,
  size = 1000,
  pps = 1000,
): Promise<FlowResult> {
  const sink = await startUdpSink(lab, flow.to, flow.port);
  const before = lab.packetsSeen();
  const sender = await startUdpStream(
    lab,
    flow.from,
    addressOf(lab, flow.to),
    flow.port,
    pps,
    size,
  );
  await sleep((count / pps) * 1000);
  const sent = await sender.stop();
  await sleep(200); // the last datagrams cross the lab
  const received = await sink.stop();
  const after = lab.packetsSeen();
  return { seen: seenBetween(before, after, flow.from), sent, received };
}

interface Iperf3Report {
  end?: { sum_received?: { bytes: number; bits_per_second: number } };
  error?: string;
}

/**
 * iperf3 TCP from `flow.from` to `flow.to`: for `seconds`, or exactly `bytes` when given.
 * received = bytes the server got; sent = bytes asked for (or sent, for a timed run).
 */
export async function tcpFlow(
  lab: TopologyLab,
  flow: Flow,
  options: { seconds?: number; bytes?: number } = {},
): Promise<FlowResult> {
  const server = lab.netns.spawn(flow.to, 'iperf3', [
    '-s',
    '-1',
    '--forceflush',
    '-p',
    String(flow.port),
  ]);
  collectOutput(server);
  await waitForOutput(server, /Server listening/, 10_000);
  const before = lab.packetsSeen();
  const amount = options.bytes
    ? ['-n', String(options.bytes)]
    : ['-t', String(options.seconds ?? 3)];
  const client = lab.netns.spawn(flow.from, 'iperf3', [
    '-c',
    addressOf(lab, flow.to),
    '-p',
    String(flow.port),
    ...amount,
    '-J',
  ]);
  const clientOutput = collectOutput(client);
  await exited(client);
  await exited(server);
  await sleep(TCP_SETTLE_MS);
  const after = lab.packetsSeen();
  const report = JSON.parse(clientOutput().slice(clientOutput().indexOf('{'))) as Iperf3Report;
  if (report.error || !report.end?.sum_received)
    throw new Error(
      `iperf3 ${flow.from} → ${flow.to}:${flow.port} failed: ${report.error ?? clientOutput()}`,
    );
  const received = report.end.sum_received.bytes;
  return {
    seen: seenBetween(before, after, flow.from),
    sent: options.bytes ?? received,
    received,
    gbps: report.end.sum_received.bits_per_second / 1e9,
  };
}

/**
 * Exactly `bytes` of TCP in writes of `writeSize` (the traffic tool's tcp-writes, Nagle off):
 * received = the byte count the far end acknowledges after the sender closed.
 */
export async function tcpTransfer(
  lab: TopologyLab,
  flow: Flow,
  bytes: number,
  writeSize = 1024 * 1024,
): Promise<FlowResult> {
  if (bytes % writeSize !== 0)
    throw new Error(`${bytes} bytes is not a whole number of ${writeSize}-byte writes`);
  const sink = lab.netns.spawn(flow.to, 'node', [TRAFFIC_TOOL, 'tcp-sink', String(flow.port)]);
  collectOutput(sink);
  await waitForOutput(sink, /"listening"/);
  const before = lab.packetsSeen();
  const writer = lab.netns.spawn(flow.from, 'node', [
    TRAFFIC_TOOL,
    'tcp-writes',
    addressOf(lab, flow.to),
    String(flow.port),
    String(bytes / writeSize),
    String(writeSize),
  ]);
  const output = collectOutput(writer);
  await exited(writer);
  await exited(sink);
  await sleep(TCP_SETTLE_MS);
  const after = lab.packetsSeen();
  if (writer.exitCode !== 0)
    throw new Error(`tcp-writes ${flow.from} → ${flow.to}:${flow.port} failed: ${output()}`);
  const result = lastJson<{ sent: number; received: number }>(output());
  return {
    seen: seenBetween(before, after, flow.from),
    sent: result.sent,
    received: result.received,
  };
}
