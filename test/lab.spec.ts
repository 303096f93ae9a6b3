/**
 * The lab end to end (issue 4): examples/topology.yaml as real Linux SRv6 routers in namespaces,
 * the real control plane (nats-server, intent-svc, two path-svc, one host-agent per host with
 * the BPF program), every example intent applied, then real traffic: where it went (per-router
 * counters), what it measured against the same traffic without the intent, the packets on the
 * wire, a 20 MB transfer at MTU 1500, a link failure under traffic, and nothing left behind.
 */
import { jest } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { connectBus } from '@srv6/bus';
import type { Intent } from '@srv6/schema';
import {
  destroyLab,
  flowFor,
  isRunning,
  LAB_MTU,
  labBusOptions,
  labNamespaces,
  LabControl,
  loadIntents,
  loadTopology,
  measureReconvergence,
  NEXT_HEADER_IPV6,
  NEXT_HEADER_ROUTING,
  NEXT_HEADER_UDP,
  parseIpv6Header,
  parseSrv6Frame,
  ROUTING_TYPE_SRH,
  startCapture,
  startLab,
  stateFile,
  tcpFlow,
  tcpTransfer,
  TopologyLab,
  udpFlow,
  unmatchedFlow,
  type Flow,
  type FlowResult,
  type IntentOutcome,
  type LabPlan,
  type LabState,
  type StartedLab,
} from '@srv6/topology-lab';

jest.setTimeout(120_000);

const topology = loadTopology('examples/topology.yaml');
const intents = loadIntents('examples', topology);
const byName = new Map(intents.map((intent) => [intent.metadata.name, intent]));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const say = (line: string): void => void process.stdout.write(`[lab test] ${line}\n`);

let started: StartedLab | undefined;
let state: LabState | undefined;
let nc: Awaited<ReturnType<typeof connectBus>> | undefined;
let control: LabControl;
const outcomes = new Map<string, IntentOutcome>();

function lab(): TopologyLab {
  if (!started) throw new Error('the lab did not start (see beforeAll)');
  return started.lab;
}

function flowOf(name: string): Flow {
  const flow = flowFor(byName.get(name)!, topology);
  if (!flow) throw new Error(`${name}: no traffic`);
  return flow;
}

/** Routers on any IGP shortest path from `router` towards `destination` (follows ECMP). */
function igpRouters(plan: LabPlan, router: string, destination: string): string[] {
  const seen = new Set<string>([router]);
  const queue = [router];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const current = plan.routers.find((r) => r.name === name)!;
    const route = current.routes.find((r) => r.destination === destination);
    for (const hop of route?.nextHops ?? []) {
      const link = plan.links.find((l) => l.a.address === hop.via || l.b.address === hop.via);
      const next = link && (link.a.address === hop.via ? link.a.node : link.b.node);
      if (next && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return [...seen].sort();
}

const routersOf = (result: FlowResult): string[] => [...result.seen.keys()].sort();
const lossOf = (result: FlowResult): number => (result.sent - result.received) / result.sent;
const send = (flow: Flow): Promise<FlowResult> =>
  flow.protocol === 'tcp'
    ? tcpFlow(lab(), flow, { seconds: 1 })
    : udpFlow(lab(), flow, 300, 500, 3000);

beforeAll(async () => {
  started = await startLab(topology, (owned) => (state = owned), { tag: 's6t' });
  nc = await connectBus(labBusOptions(state!, 'lab test'));
  control = await LabControl.open(nc);
  const revision = await control.applyTopology(topology);
  for (const intent of intents) await control.applyIntent(intent);
  for (const intent of intents) {
    const all = await control.waitForIntent(intent, revision);
    outcomes.set(
      intent.metadata.name,
      all.find((o) => o.host === flowOf(intent.metadata.name).from)!,
    );
  }
}, 180_000);

afterAll(async () => {
  await nc?.close();
  if (state) await destroyLab(state);
});

describe('every example intent on real routers', () => {
  const names = intents.map((intent) => intent.metadata.name);

  it.each(names)(
    '%s: its traffic crosses exactly the computed path, other ports the IGP path',
    async (name) => {
      const outcome = outcomes.get(name)!;
      const flow = flowOf(name);
      const igp = igpRouters(lab().plan, 'r1', byName.get(name)!.spec.match.destination);
      if (outcome.state === 'unsatisfiable') {
        expect(outcome.reason).toMatch(/no path/);
        expect(routersOf(await send(flow))).toEqual(igp); // nothing programmed: the IGP path
        return;
      }
      const matched = await send(flow);
      expect(routersOf(matched)).toEqual([...outcome.path].sort());
      const other = unmatchedFlow(flow, byName.get(name)!);
      expect(other).toBeDefined();
      expect(routersOf(await send(other!))).toEqual(igp);
    },
  );

  it('high-bandwidth: more throughput than the same TCP traffic without the intent', async () => {
    const flow = flowOf('high-bandwidth');
    const withIntent = await tcpFlow(lab(), flow, { seconds: 2 });
    const without = await tcpFlow(lab(), unmatchedFlow(flow, byName.get('high-bandwidth')!)!, {
      seconds: 2,
    });
    say(
      `high-bandwidth: ${withIntent.gbps!.toFixed(2)} Gbit/s with the intent, ${without.gbps!.toFixed(2)} without`,
    );
    expect(routersOf(withIntent)).toEqual(['r1', 'r3', 'r6']);
    expect(withIntent.gbps!).toBeGreaterThan(without.gbps!);
  });

  it('low-packet-loss: less loss than the same UDP traffic without the intent', async () => {
    const flow = flowOf('low-packet-loss');
    const withIntent = await udpFlow(lab(), flow, 2000, 500, 2000);
    const without = await udpFlow(
      lab(),
      unmatchedFlow(flow, byName.get('low-packet-loss')!)!,
      2000,
      500,
      2000,
    );
    say(
      `low-packet-loss: loss ${(100 * lossOf(withIntent)).toFixed(2)}% with, ${(100 * lossOf(without)).toFixed(2)}% without`,
    );
    expect(lossOf(without)).toBeGreaterThan(0);
    expect(lossOf(withIntent)).toBeLessThan(lossOf(without));
  });

  it('low-latency: proven by its path (no delay emulation here): the 4 ms branch over r2', () => {
    const outcome = outcomes.get('low-latency')!;
    expect(outcome.path).toEqual(['r1', 'r2', 'r6']);
    expect(outcome.metrics?.delayMs).toBe(4);
  });
});

describe('the packets on the wire', () => {
  it('are valid SRv6 (RFC 8754) before and after the routers process their segments', async () => {
    const name = 'service-chain';
    const outcome = outcomes.get(name)!;
    const segments = outcome.segments; // fw1 on r3, r3's End.X towards r6, r6's decap SID
    expect(segments).toHaveLength(3);
    const flow = flowOf(name);
    const host = lab().plan.hosts.find((h) => h.name === flow.from)!;
    const target = lab().plan.hosts.find((h) => h.name === flow.to)!;
    const r1r3 = lab().plan.links.find((l) => l.name === 'r1-r3')!;
    const r3r6 = lab().plan.links.find((l) => l.name === 'r3-r6')!;
    const end = (link: typeof r1r3, node: string) => (link.a.node === node ? link.a : link.b);
    const filter = `ip6 src ${host.address}`;
    const first = await startCapture(lab(), 'r3', end(r1r3, 'r3').device, filter, 20);
    const last = await startCapture(lab(), 'r6', end(r3r6, 'r6').device, filter, 20);
    await udpFlow(lab(), flow, 40, 300, 1000);
    const captures = [await first.stop(), await last.stop()];

    for (const [index, capture] of captures.entries()) {
      expect(capture.records.length).toBe(20);
      for (const record of capture.records) {
        const packet = parseSrv6Frame(record.data)!;
        const left = index === 0 ? 2 : 0; // r3 runs fw1 (End) and its End.X: 2 → 0
        expect(packet.outer).toMatchObject({
          source: host.address,
          destination: segments[segments.length - 1 - left],
          nextHeader: NEXT_HEADER_ROUTING,
        });
        expect(packet.srh).toEqual({
          nextHeader: NEXT_HEADER_IPV6,
          hdrExtLen: 2 * segments.length,
          routingType: ROUTING_TYPE_SRH,
          segmentsLeft: left,
          lastEntry: segments.length - 1,
          segmentList: [...segments].reverse(),
        });
        const inner = packet.inner!;
        expect(parseIpv6Header(inner)).toMatchObject({
          source: host.address,
          destination: target.address,
          nextHeader: NEXT_HEADER_UDP,
          payloadLength: 8 + 300,
        });
        expect(inner.readUInt16BE(40 + 2)).toBe(flow.port);
        expect(inner.subarray(48).equals(Buffer.alloc(300, 0x5a))).toBe(true);
      }
    }
  });

  it(`carries a 20 MB TCP transfer at MTU ${LAB_MTU} through an encapsulated path`, async () => {
    const bytes = 20 * 1024 * 1024;
    const result = await tcpTransfer(lab(), flowOf('high-bandwidth'), bytes);
    expect(result.received).toBe(bytes);
    expect(routersOf(result)).toEqual(['r1', 'r3', 'r6']);
  });
});

describe('reconvergence', () => {
  it('moves low-jitter traffic to the next best path when r5-r6 goes down', async () => {
    const intent: Intent = byName.get('low-jitter')!;
    const before = outcomes.get('low-jitter')!;
    expect(before.path).toEqual(['r1', 'r5', 'r6']);
    const result = await measureReconvergence(
      lab(),
      control,
      intent,
      before,
      flowOf('low-jitter'),
      'r5-r6',
    );
    say(
      `reconvergence: ${before.path.join('→')} → ${result.after.path.join('→')}; update → first packet on ${result.firstPacketRouter}: ${((result.firstPacketMs ?? NaN) - result.igpMs).toFixed(1)} ms; programmed after ${result.programmedMs - result.igpMs} ms; lost ${result.sent - result.received} of ${result.sent}`,
    );
    expect(result.after.path).toEqual(['r1', 'r3', 'r6']);
    expect(result.firstPacketRouter).toBe('r3');
    expect(result.firstPacketMs!).toBeGreaterThan(result.igpMs);
    const settled = await udpFlow(lab(), flowOf('low-jitter'), 300, 500, 3000);
    expect(routersOf(settled)).toEqual(['r1', 'r3', 'r6']);
    expect(settled.received).toBe(settled.sent);
  });
});

describe('security (docs/security.md)', () => {
  it('gives every process its own NATS user over TLS and needs the token for HTTP writes', async () => {
    const owned = state!;
    const users = owned.processes.map((item) => [item.name, item.env['NATS_USER']]);
    expect(users).toEqual(
      owned.processes.map((item) => [
        item.name,
        item.name === 'nats-server'
          ? undefined
          : item.name.startsWith('host-agent-')
            ? `agent-${item.name.slice('host-agent-'.length)}`
            : item.name.replace(/-\d+$/, ''),
      ]),
    );
    const caFile = owned.clientBus!.caFile;
    await expect(
      connect({ servers: owned.natsUrl!, tls: { caFile }, maxReconnectAttempts: 0 }),
    ).rejects.toThrow(/Authorization Violation/);
    const write = await fetch(`${owned.httpUrl}/v1/intents/low-latency`, { method: 'DELETE' });
    expect(write.status).toBe(401);
    expect((await fetch(`${owned.httpUrl}/v1/intents/low-latency`)).status).toBe(200);
  });
});

describe('leaving nothing behind', () => {
  it('removes every process, namespace, pinned object and file it made', async () => {
    const owned = state!;
    expect(labNamespaces(owned.prefix).length).toBe(topology.spec.nodes.length + 4);
    await nc?.close();
    nc = undefined;
    await destroyLab(owned);
    expect(labNamespaces(owned.prefix)).toEqual([]);
    for (const item of owned.processes) expect(isRunning(item.pid)).toBe(false);
    for (const directory of owned.pinDirectories) expect(existsSync(directory)).toBe(false);
    expect(existsSync(owned.runDirectory)).toBe(false);
    expect(existsSync(stateFile(owned.prefix))).toBe(false);
  });

  it('removes a half-built lab when building fails', async () => {
    let prefix = '';
    const failing = TopologyLab.build(topology, {
      tag: 's6f',
      progress: (line) => {
        const named = /namespaces (\S+)-\*/.exec(line);
        if (named) prefix = named[1]!;
        if (line.startsWith('routers:')) throw new Error('injected failure');
      },
    });
    await expect(failing).rejects.toThrow('injected failure');
    expect(prefix).not.toBe('');
    expect(labNamespaces(prefix)).toEqual([]);
  });

  it('npm run lab removes everything when interrupted (Ctrl-C) while it runs', async () => {
    const child = spawn('node', ['lab/dist/main.js', '--intents', 'examples/low-latency.yaml'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 60_000;
    while (!/topology \S+ applied/.test(output) && Date.now() < deadline) await sleep(50);
    const prefix = /namespaces (\S+)-\*/.exec(output)?.[1];
    expect(prefix).toBeDefined();
    expect(labNamespaces(prefix!).length).toBeGreaterThan(0);
    child.kill('SIGINT');
    expect(await exit).toBe(130);
    expect(output).toContain('SIGINT: tearing down');
    expect(labNamespaces(prefix!)).toEqual([]);
    expect(existsSync(stateFile(prefix!))).toBe(false);
  });

  it('npm run lab -- --keep leaves a lab that npm run lab:down removes', () => {
    const kept = spawnSync(
      'node',
      ['lab/dist/main.js', '--intents', 'examples/low-latency.yaml', '--no-reconverge', '--keep'],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(kept.stderr).not.toMatch(/^lab: /m);
    expect(kept.status).toBe(0);
    const prefix = /The lab is kept \((\S+)\)/.exec(kept.stdout)?.[1];
    expect(prefix).toBeDefined();
    expect(kept.stdout).toMatch(/low-latency .* r1 r2 r6 +yes/);
    expect(labNamespaces(prefix!).length).toBeGreaterThan(0);
    const down = spawnSync('node', ['lab/dist/down.js', '--prefix', prefix!], { encoding: 'utf8' });
    expect(down.status).toBe(0);
    expect(down.stdout).toContain(`removed lab ${prefix}`);
    expect(labNamespaces(prefix!)).toEqual([]);
    expect(existsSync(stateFile(prefix!))).toBe(false);
  });
});

describe('refusing to start', () => {
  it('says it needs root, and which tools are missing with the packages to install', () => {
    const notRoot = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, 'lab/dist/main.js'],
      { encoding: 'utf8' },
    );
    expect(notRoot.status).toBe(1);
    expect(notRoot.stderr).toContain('the lab needs root');
    const noTools = spawnSync(process.execPath, ['lab/dist/main.js'], {
      encoding: 'utf8',
      env: { PATH: '/nonexistent' },
    });
    expect(noTools.status).toBe(1);
    expect(noTools.stderr).toMatch(
      /missing ip, tc, nft, iperf3, tcpdump, nats-server: .*apt-get install/,
    );
    expect(noTools.stderr).not.toMatch(/namespaces s6lab/);
  });
});
