/**
 * Issue 5, fault "host-agent killed (SIGKILL) under traffic": the tc program and its pinned maps
 * stay in the kernel, so the intent's traffic keeps its path with no packet lost; the restarted
 * agent adopts the pinned state, reconciles from KV and rewrites no unchanged entry.
 */
import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { connectBus } from '@srv6/bus';
import {
  addressOf,
  destroyLab,
  flowFor,
  isRunning,
  labBusOptions,
  LabControl,
  loadIntents,
  loadTopology,
  restartProcess,
  startLab,
  startUdpSink,
  startUdpStream,
  type LabState,
  type StartedLab,
} from '@srv6/topology-lab';

jest.setTimeout(120_000);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const topology = loadTopology('examples/topology.yaml');
const [intent] = loadIntents('examples/low-packet-loss.yaml', topology); // lossless r1 → r3 → r6
const flow = flowFor(intent!, topology)!;
let started: StartedLab | undefined;
let state: LabState | undefined;

beforeAll(async () => {
  started = await startLab(topology, (owned) => (state = owned), { tag: 's6k' });
  const nc = await connectBus(labBusOptions(state!, 'agent kill test'));
  try {
    const control = await LabControl.open(nc);
    const revision = await control.applyTopology(topology);
    await control.applyIntent(intent!);
    await control.waitForIntent(intent!, revision);
  } finally {
    await nc.close();
  }
}, 120_000);

afterAll(async () => {
  if (state) await destroyLab(state);
});

it('keeps steering with no packet lost while the agent is dead, and the new agent rewrites nothing', async () => {
  const { lab } = started!;
  const agentName = `host-agent-${flow.from}`;
  const agent = state!.processes.find((p) => p.name === agentName)!;
  const before = lab.packetsSeen();
  const sink = await startUdpSink(lab, flow.to, flow.port);
  const sender = await startUdpStream(
    lab,
    flow.from,
    addressOf(lab, flow.to),
    flow.port,
    1000,
    500,
  );
  await sleep(500);
  process.kill(agent.pid, 'SIGKILL');
  while (isRunning(agent.pid)) await sleep(10);
  await sleep(1000); // traffic with no agent at all
  const restarted = await restartProcess(state!, agentName);
  await sleep(1500); // the new agent reconciles from KV while traffic flows
  const sent = await sender.stop();
  await sleep(200);
  const received = await sink.stop();
  const after = lab.packetsSeen();

  expect(sent).toBeGreaterThan(2000);
  expect(received).toBe(sent);
  const seen = [...after].filter(
    ([router, counts]) => counts.get(flow.from)! > before.get(router)!.get(flow.from)!,
  );
  expect(seen.map(([router]) => router).sort()).toEqual(['r1', 'r3', 'r6']);

  const log = readFileSync(restarted.log, 'utf8');
  const reconciles = [...log.matchAll(/\{"event":"reconciled"[^}]*\}/g)].map(
    (m) => JSON.parse(m[0]) as Record<string, number>,
  );
  const last = reconciles.at(-1)!;
  expect(last).toMatchObject({
    policies: 1,
    policiesWritten: 0,
    prefixesWritten: 0,
    prefixesDeleted: 0,
    slotsCleared: 0,
  });
  // the first agent wrote the policy: the log holds its reconcile too, with writes
  expect(reconciles.some((r) => r['policiesWritten']! > 0)).toBe(true);

  // the lab recorded a metrics URL per service process; the restarted agent serves the same one
  const services = state!.processes.map((p) => p.name).filter((name) => name !== 'nats-server');
  expect(Object.keys(state!.metricsUrls ?? {}).sort()).toEqual(services.sort());
  const metrics = await (await fetch(state!.metricsUrls![agentName]!)).text();
  const sample = (name: string): number =>
    Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
  expect(sample('srv6_datapath_policies_programmed')).toBe(1);
  expect(sample('srv6_datapath_policies_written_total')).toBe(0);
  expect(sample('srv6_datapath_prefixes_written_total')).toBe(0);
});
