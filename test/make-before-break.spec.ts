/**
 * Issue 5, "datapath updates are make-before-break": one intent's segment list is changed 1,000
 * times (2 and 3 SIDs in turn, both over r1 → r3 → r6) while its UDP flow runs. A window where
 * matching packets went out unencapsulated would show on r4 (the IGP path); a dropped packet
 * would be missing at the receiver. Real program, real maps, real SRv6 routers.
 */
import { jest } from '@jest/globals';
import {
  applyRouteMtus,
  HostDatapath,
  PIN_ROOT,
  removePinDirectory,
  routeMtus,
  type DatapathPolicy,
} from '@srv6/datapath';
import {
  addressOf,
  loadTopology,
  startUdpSink,
  startUdpStream,
  TopologyLab,
} from '@srv6/topology-lab';

jest.setTimeout(120_000);

const UPDATES = 1000;
const PORT = 7000;
const topology = loadTopology('examples/topology.yaml');
let lab: TopologyLab | undefined;
let datapath: HostDatapath | undefined;

afterAll(async () => {
  datapath?.close();
  if (lab) removePinDirectory(`${PIN_ROOT}/${lab.netns.prefix}-host-a1`);
  await lab?.destroy();
});

it(`changes a segment list ${UPDATES} times under traffic without one packet unencapsulated or lost`, async () => {
  lab = await TopologyLab.build(topology, { tag: 's6m' });
  datapath = HostDatapath.open({
    instance: `${lab.netns.prefix}-host-a1`,
    interfaceName: 'eth0',
    netns: lab.ns('host-a1'),
    capacity: 64,
  });
  datapath.attach();
  const programmer = datapath.programmer();
  const policy = (segments: string[]): DatapathPolicy => ({
    id: 'host-a1.mbb',
    destination: '2001:db8:b::/64',
    protocol: 'udp',
    ports: [{ first: PORT, last: PORT }],
    segments,
    encapsulation: 'srh',
    source: addressOf(lab!, 'host-a1'),
  });
  const viaAdjacency = policy(['fc00:0:3::e36', 'fc00:0:6::d6']); // r3's End.X onto r3-r6
  const viaFirewall = policy(['fc00:0:3::1', 'fc00:0:3::f1', 'fc00:0:6::d6']); // r3, fw1, ECMP
  expect(programmer.apply([viaAdjacency]).rejected).toEqual([]);
  applyRouteMtus(routeMtus([viaFirewall], 1500), lab.ns('host-a1'));

  const sink = await startUdpSink(lab, 'host-b1', PORT);
  const seenBefore = lab.packetsSeen();
  const sidsBefore = lab.sidPackets();
  const sender = await startUdpStream(lab, 'host-a1', addressOf(lab, 'host-b1'), PORT, 2000, 400);
  let written = 0;
  for (let i = 0; i < UPDATES; i++) {
    const report = programmer.apply([i % 2 === 0 ? viaFirewall : viaAdjacency]);
    written += report.policiesWritten;
    await new Promise((resolve) => setImmediate(resolve)); // let the flow's timers run
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  const sent = await sender.stop();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const received = await sink.stop();
  const seen = lab.packetsSeen();
  const sids = lab.sidPackets();

  const delta = (router: string): number =>
    seen.get(router)!.get('host-a1')! - seenBefore.get(router)!.get('host-a1')!;
  expect(written).toBe(UPDATES); // every apply really changed the kernel's entry
  expect(sent).toBeGreaterThan(500);
  expect({ lost: sent - received, r4: delta('r4'), r2: delta('r2'), r5: delta('r5') }).toEqual({
    lost: 0,
    r4: 0,
    r2: 0,
    r5: 0,
  });
  expect(delta('r3')).toBe(sent);
  // both segment lists carried traffic during the run
  const used = (sid: string): number => sids.get(sid)! - sidsBefore.get(sid)!;
  expect(used('fc00:0:3::e36')).toBeGreaterThan(0);
  expect(used('fc00:0:3::f1')).toBeGreaterThan(0);
});
