/**
 * `npm run lab`: until the control plane lands, the datapath demo. Builds host-a — r1 — r2 — r4
 * — host-b plus r1 — r3 — r4 (real Linux SRv6 routers in namespaces), attaches the tc program to
 * host-a's uplink, and shows a sample intent ("tcp/5201 to host-b via r3") steering real iperf3
 * traffic, proven by the routers' own counters. Everything is removed on exit and on Ctrl-C.
 */
import {
  applyRouteMtus,
  DatapathPolicy,
  HostDatapath,
  routeMtus,
  DEFAULT_OBJECT_PATH,
} from '@srv6/datapath';
import { buildDiamondLab, HOST_A, HOST_B, NetnsLab, SID } from '@srv6/netlab';
import { existsSync } from 'node:fs';
import { iperfGbps } from './iperf.js';

const HELP = `usage: npm run lab [-- --help]

Builds a namespace lab of real Linux SRv6 routers (seg6local End, End.DT6), attaches the SRv6
tc program to host-a and steers tcp/5201 towards host-b via r3 with a sample intent, while
tcp/5202 keeps the routers' own shortest path via r2. Prints per-router byte counters and iperf3
throughput for each case, then removes everything. Needs root.`;

const progress = (line: string): void => void process.stderr.write(`[lab] ${line}\n`);

const SAMPLE_INTENT: DatapathPolicy = {
  id: 'host-a.iperf-via-r3',
  destination: '2001:db8:b::/64',
  protocol: 'tcp',
  ports: [{ first: 5201, last: 5201 }],
  segments: [SID.r3, SID.r4Decap],
  encapsulation: 'srh',
  source: HOST_A,
};

interface Row {
  phase: string;
  traffic: string;
  r2MB: string;
  r3MB: string;
  gbps: string;
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(HELP);
    return;
  }
  if (process.getuid?.() !== 0)
    throw new Error('the lab needs root (namespaces, BPF): sudo npm run lab');
  if (!existsSync(DEFAULT_OBJECT_PATH))
    throw new Error(`${DEFAULT_OBJECT_PATH} is missing: run npm run build`);

  const lab = new NetnsLab('s6lab');
  let datapath: HostDatapath | undefined;
  const teardown = async (): Promise<void> => {
    try {
      datapath?.teardown();
    } finally {
      await lab.destroy();
    }
  };
  const onSignal = (): void => {
    progress('interrupted: tearing down');
    void teardown().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    progress(
      'building namespaces host-a, r1..r4, host-b with seg6local End / End.DT6 (ip, iproute2)',
    );
    buildDiamondLab(lab);
    progress(
      'loading bpf/build/srv6_encap.bpf.o through libbpf (koffi) and attaching to host-a eth0 egress',
    );
    datapath = HostDatapath.open({
      instance: lab.prefix,
      interfaceName: 'eth0',
      netns: lab.ns('host-a'),
      capacity: 1024,
    });
    datapath.attach();
    const programmer = datapath.programmer();
    const rows: Row[] = [];
    const measure = async (phase: string, port: number): Promise<void> => {
      progress(`${phase}: iperf3 to [${HOST_B}]:${port}`);
      const before = {
        r2: lab.rxCounters('r2', 'to-r1').bytes,
        r3: lab.rxCounters('r3', 'to-r1').bytes,
      };
      const gbps = await iperfGbps(lab, 'host-a', 'host-b', HOST_B, port);
      const mb = (router: 'r2' | 'r3'): string =>
        ((lab.rxCounters(router, 'to-r1').bytes - before[router]) / 1e6).toFixed(1);
      rows.push({
        phase,
        traffic: `tcp/${port}`,
        r2MB: mb('r2'),
        r3MB: mb('r3'),
        gbps: gbps.toFixed(2),
      });
    };

    await measure('no intent', 5201);
    progress(
      `applying the sample intent: tcp/5201 to 2001:db8:b::/64 via r3, segments ${SAMPLE_INTENT.segments.join(', ')}`,
    );
    programmer.apply([SAMPLE_INTENT]);
    applyRouteMtus(routeMtus([SAMPLE_INTENT], 1500), lab.ns('host-a'));
    await measure('intent applied', 5201);
    await measure('intent applied', 5202);
    const counters = programmer.counters().get(SAMPLE_INTENT.id)!;
    programmer.apply([]);
    applyRouteMtus([], lab.ns('host-a'));
    await measure('intent deleted', 5201);

    console.log('\nSample intent: tcp/5201 from host-a to 2001:db8:b::/64 must go via r3');
    console.log(
      `IGP path r1 → r2 → r4; segment list [${SAMPLE_INTENT.segments.join(', ')}] (H.Encaps)\n`,
    );
    console.table(
      rows.map((row) => ({
        phase: row.phase,
        traffic: row.traffic,
        'MB seen at r2': row.r2MB,
        'MB seen at r3': row.r3MB,
        'iperf3 Gbit/s': row.gbps,
      })),
    );
    console.log(
      `\npolicy counters on host-a: ${counters.packets} packets, ${counters.bytes} bytes encapsulated`,
    );
    const stats = programmer.stats();
    console.log(
      `datapath: ${stats.encapsulated} encapsulated, ${stats.no_match} unmatched, ${stats.mtu_exceeded} dropped for size`,
    );
  } finally {
    progress('tearing down namespaces, processes and pinned maps');
    await teardown();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`lab: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
