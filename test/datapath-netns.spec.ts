/**
 * The real datapath on real kernel SRv6 routers: the tc program on host-a's uplink, its maps
 * programmed from TypeScript, steering tcp/5201 via r3 while other ports keep the IGP path via
 * r2 — shown by the routers' own interface counters — plus the MTU cases and policy removal.
 */
import { execFileSync } from 'node:child_process';
import {
  buildDiamondLab,
  HOST_A,
  HOST_B,
  HOST_B_PING,
  NetnsLab,
  SID,
  TRAFFIC_TOOL,
  waitForOutput,
} from '@srv6/netlab';
import {
  applyRouteMtus,
  DatapathPolicy,
  DatapathProgrammer,
  HostDatapath,
  installedRouteMtus,
  routeMtus,
} from '@srv6/datapath';

const lab = new NetnsLab('s6dp');
let datapath: HostDatapath | undefined;
let programmer: DatapathProgrammer;

const steer = (
  id: string,
  destination: string,
  protocol: DatapathPolicy['protocol'],
  port?: number,
): DatapathPolicy => ({
  id,
  destination,
  protocol,
  ports: port === undefined ? [] : [{ first: port, last: port }],
  segments: [SID.r3, SID.r4Decap],
  encapsulation: 'srh',
  source: HOST_A,
});
const IPERF_VIA_R3 = steer('iperf', '2001:db8:b::/64', 'tcp', 5201);
const UDP_VIA_R3 = steer('udp', '2001:db8:b::/64', 'udp', 9000);
const PING_VIA_R3 = steer('ping', `${HOST_B_PING}/128`, 'any');

function program(policies: DatapathPolicy[]): void {
  const report = programmer.apply(policies);
  expect(report.rejected).toEqual([]);
  applyRouteMtus(routeMtus(policies, 1500), lab.ns('host-a'));
}

// iperf3 -n 20M moves 20 MiB; a few hundred KB may still be in flight when the client exits, so
// "most of it" is the bar for the path that carried it, and ~0 (neighbour discovery) the other.
const MOST_OF_20_MB = 15_000_000;
const MOST_OF_2_MB = 1_500_000;

interface Seen {
  r2: number;
  r3: number;
  r2Bytes: number;
  r3Bytes: number;
}

/**
 * Packets and bytes r2 and r3 received from r1 while `traffic` ran; also checks that the
 * program dropped nothing for size (the black hole the route MTU prevents).
 */
async function pathOf(traffic: () => Promise<void> | void): Promise<Seen> {
  const before = { r2: lab.rxCounters('r2', 'to-r1'), r3: lab.rxCounters('r3', 'to-r1') };
  const dropsBefore = programmer.stats().mtu_exceeded;
  await traffic();
  const after = { r2: lab.rxCounters('r2', 'to-r1'), r3: lab.rxCounters('r3', 'to-r1') };
  expect(programmer.stats().mtu_exceeded - dropsBefore).toBe(0n);
  return {
    r2: after.r2.packets - before.r2.packets,
    r3: after.r3.packets - before.r3.packets,
    r2Bytes: after.r2.bytes - before.r2.bytes,
    r3Bytes: after.r3.bytes - before.r3.bytes,
  };
}

async function iperf(port: number, bytes = '20M'): Promise<void> {
  const server = lab.spawn('host-b', 'iperf3', ['-s', '-1', '--forceflush', '-p', String(port)]);
  try {
    await waitForOutput(server, /Server listening/);
    lab.exec('host-a', 'iperf3', ['-6', '-c', HOST_B, '-p', String(port), '-n', bytes, '-J']);
  } finally {
    server.kill('SIGKILL');
  }
}

beforeAll(() => {
  buildDiamondLab(lab);
  datapath = HostDatapath.open({
    instance: lab.prefix,
    interfaceName: 'eth0',
    netns: lab.ns('host-a'),
    capacity: 1024,
  });
  datapath.attach();
  programmer = datapath.programmer();
});

afterAll(async () => {
  try {
    datapath?.teardown();
  } finally {
    await lab.destroy();
  }
});

describe('tc SRv6 encapsulation on kernel SRv6 routers', () => {
  it('without a policy, tcp/5201 takes the IGP path via r2', async () => {
    expect(datapath!.attachedProgramId()).toBeGreaterThan(0);
    const seen = await pathOf(() => iperf(5201, '2M'));
    expect(seen.r2Bytes).toBeGreaterThan(MOST_OF_2_MB);
    expect(seen.r3Bytes).toBeLessThan(10_000);
  });

  it('a policy programmed from TypeScript steers tcp/5201 via r3; tcp/5202 stays on r2', async () => {
    program([IPERF_VIA_R3]);
    const steered = await pathOf(() => iperf(5201));
    expect(steered.r3Bytes).toBeGreaterThan(MOST_OF_20_MB);
    expect(steered.r2Bytes).toBeLessThan(10_000);
    const other = await pathOf(() => iperf(5202));
    expect(other.r2Bytes).toBeGreaterThan(MOST_OF_20_MB);
    expect(other.r3Bytes).toBeLessThan(10_000);
    const counters = programmer.counters().get('iperf')!;
    expect(counters.packets).toBeGreaterThan(100n); // GSO super-packets count once
    expect(counters.bytes).toBeGreaterThan(BigInt(MOST_OF_20_MB));
    expect(datapath!.programmer(programmer.slotsById).apply([IPERF_VIA_R3]).policiesWritten).toBe(
      0,
    );
  });

  it('installs a route MTU leaving room for the encapsulation', () => {
    expect(installedRouteMtus(lab.ns('host-a')).get('2001:db8:b::/64')).toBe(1500 - 80);
  });

  // 1428 bytes = the MSS host-a would use at MTU 1500 (1440 minus TCP timestamps): each write is
  // one 1500-byte packet, the black-hole case when nothing leaves room for the 80 bytes added.
  it('full-size TCP segments from single writes arrive through the encapsulated path', async () => {
    const sink = lab.spawn('host-b', 'node', [TRAFFIC_TOOL, 'tcp-sink', '5201']);
    await waitForOutput(sink, /listening/);
    let result = { sent: 0, received: -1 };
    const seen = await pathOf(() => {
      result = JSON.parse(
        lab.exec('host-a', 'node', [TRAFFIC_TOOL, 'tcp-writes', HOST_B, '5201', '40', '1428']),
      );
    });
    expect(result.received).toBe(40 * 1428);
    expect(seen.r3).toBeGreaterThan(40);
  });

  it('1400-byte UDP datagrams all arrive through the encapsulated path, fragments included', async () => {
    program([IPERF_VIA_R3, UDP_VIA_R3]);
    const sink = lab.spawn('host-b', 'node', [TRAFFIC_TOOL, 'udp-sink', '9000', '3']);
    await waitForOutput(sink, /listening/);
    const before = programmer.counters().get('udp')?.packets ?? 0n;
    const seen = await pathOf(() => {
      lab.exec('host-a', 'node', [TRAFFIC_TOOL, 'udp-send', HOST_B, '9000', '100', '1400']);
    });
    const received = JSON.parse(await waitForOutput(sink, /\{"datagrams".*\}/, 6000));
    expect(received.datagrams).toBe(100);
    // every datagram is two fragments (route MTU 1420), both encapsulated: the second one
    // carries no ports and follows the first through srv6_fragments
    expect(programmer.counters().get('udp')!.packets - before).toBe(200n);
    expect(seen.r3).toBeGreaterThanOrEqual(200);
    expect(datapath!.maps.stats.lookupPerCpu(new Uint8Array(4)).length).toBeGreaterThan(0);
  });

  it('large pings arrive through the encapsulated path', async () => {
    program([IPERF_VIA_R3, UDP_VIA_R3, PING_VIA_R3]);
    for (const size of [1357, 1400, 1452, 3000]) {
      const seen = await pathOf(() => {
        const output = lab.exec('host-a', 'ping', [
          '-6',
          '-c',
          '3',
          '-i',
          '0.2',
          '-W',
          '2',
          '-s',
          String(size),
          HOST_B_PING,
        ]);
        expect(output).toMatch(/3 received/);
      });
      // fragments per ping at route MTU 1420: 1368 bytes of ICMPv6 per fragment
      expect(seen.r3).toBeGreaterThanOrEqual(3 * Math.ceil((size + 8) / 1368));
    }
    expect(programmer.counters().get('ping')!.packets).toBeGreaterThanOrEqual(
      3n * (1n + 2n + 2n + 3n),
    );
  });

  it('deleting the policies returns the traffic to the IGP path and removes the routes', async () => {
    program([]);
    expect(installedRouteMtus(lab.ns('host-a')).size).toBe(0);
    const seen = await pathOf(() => iperf(5201, '2M'));
    expect(seen.r2Bytes).toBeGreaterThan(MOST_OF_2_MB);
    expect(seen.r3Bytes).toBeLessThan(10_000);
  });
});

describe('lab cleanup', () => {
  it('leaves no namespace with its prefix after destroy (checked by a second lab)', async () => {
    const scratch = new NetnsLab('s6cl');
    scratch.addNode('x');
    scratch.spawn('x', 'sleep', ['30']);
    await scratch.destroy();
    const names = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    expect(names).not.toContain(scratch.prefix);
  });
});
