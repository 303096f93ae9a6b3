/**
 * No MTU black hole (docs/datapath-program.md "MTU"): run as if on a veth with MTU 1500 (the
 * test run's ifindex), a non-GSO packet that would not fit the device once encapsulated is
 * dropped (TC_ACT_SHOT) and counted as mtu_exceeded, never sent natively; one byte less and it
 * is encapsulated. bpf_check_mtu compares skb->len (Ethernet header included) + overhead with
 * MTU + 14, so the largest frame that fits is 1514 − overhead.
 */
import { interfaceIndex } from '../src/libc.js';
import { withNetns } from '../src/netns.js';
import type { TestRunOptions, TestRunResult } from '../src/test-run.js';
import { execFileSync } from 'node:child_process';
import { expectedOverhead, expectSrv6Encapsulation } from './support/encapsulation-assertions.js';
import { createTestNamespace, type TestNamespace } from './support/kernel-fixture.js';
import { udpFrameOfLength } from './support/packet-builder.js';
import {
  loadSrv6Program,
  onlyCounted,
  policy,
  sids,
  TC_ACT_OK,
  TC_ACT_SHOT,
  type StatsDelta,
  type Srv6Program,
} from './support/srv6-program.js';

const DEVICE_MTU = 1500;
const ETHERNET_HEADER = 14;

const CASES = [
  { mode: 'srh', n: 1 },
  { mode: 'srh', n: 2 },
  { mode: 'srh', n: 16 },
  { mode: 'reduced', n: 1 },
  { mode: 'reduced', n: 2 },
  { mode: 'reduced', n: 16 },
] as const;
const idOf = (mode: string, n: number) => `${mode}-${n}`;
const destinationOf = (mode: string, n: number) =>
  `2001:db8:${mode === 'srh' ? 'a' : 'b'}:${n.toString(16)}::1`;

describe('MTU check on the real program (device MTU 1500)', () => {
  let program: Srv6Program;
  let namespace: TestNamespace;
  let ifindex: number;

  /** Runs on veth0 of the test namespace (MTU 1500) instead of loopback. */
  const runOnDevice = (
    frame: Uint8Array,
    options: TestRunOptions = {},
  ): { result: TestRunResult; stats: StatsDelta } =>
    withNetns(namespace.name, () => program.runCounting(frame, { ...options, ifindex }));

  beforeAll(() => {
    program = loadSrv6Program();
    program.apply(
      CASES.map(({ mode, n }) =>
        policy(idOf(mode, n), destinationOf(mode, n).replace(/::1$/, '::/64'), sids(n, n), {
          encapsulation: mode,
        }),
      ),
    );
    namespace = createTestNamespace();
    ifindex = withNetns(namespace.name, () => interfaceIndex(namespace.interfaceName));
  });
  afterAll(() => {
    namespace?.remove();
    program?.remove();
  });

  it('the device really has MTU 1500', () => {
    const link = execFileSync('ip', ['-n', namespace.name, '-o', 'link', 'show', 'veth0'], {
      encoding: 'utf8',
    });
    expect(link).toMatch(new RegExp(`mtu ${DEVICE_MTU} `));
  });

  describe.each(CASES)('$mode, $n SID(s)', ({ mode, n }) => {
    const overhead = expectedOverhead(n, mode);
    const largestFitting = DEVICE_MTU + ETHERNET_HEADER - overhead;

    it(`a ${largestFitting}-byte frame fits exactly: encapsulated to ${DEVICE_MTU + ETHERNET_HEADER} bytes`, () => {
      const frame = udpFrameOfLength(destinationOf(mode, n), 443, largestFitting);
      const { result, stats } = runOnDevice(frame);
      expect(result.returnValue).toBe(TC_ACT_OK);
      expect(result.output).toHaveLength(DEVICE_MTU + ETHERNET_HEADER);
      expectSrv6Encapsulation(frame, result.output, {
        mode,
        segments: sids(n, n),
        source: '2001:db8:a::10',
      });
      expect(stats).toEqual(onlyCounted({ encapsulated: 1 }));
    });

    it(`a ${largestFitting + 1}-byte frame does not: dropped, counted, the policy not counted`, () => {
      const frame = udpFrameOfLength(destinationOf(mode, n), 443, largestFitting + 1);
      const slot = program.slotOf(idOf(mode, n));
      const countersBefore = program.counters(slot);
      const { result, stats } = runOnDevice(frame);
      expect(result.returnValue).toBe(TC_ACT_SHOT);
      expect(result.output).toEqual(frame); // dropped as it came: never grown, never sent native
      expect(stats).toEqual(onlyCounted({ mtu_exceeded: 1 }));
      expect(program.counters(slot)).toEqual(countersBefore);
    });
  });

  it('a full 1514-byte frame nobody steers passes unchanged (no MTU check without a policy)', () => {
    const frame = udpFrameOfLength('2001:db8:ffff::1', 443, DEVICE_MTU + ETHERNET_HEADER);
    const { result, stats } = runOnDevice(frame);
    expect(result.returnValue).toBe(TC_ACT_OK);
    expect(result.output).toEqual(frame);
    expect(stats).toEqual(onlyCounted({ no_match: 1 }));
  });

  it('the limit is the device MTU: the same frame fits on loopback, and on the veth at MTU 9000', () => {
    const frame = udpFrameOfLength(destinationOf('srh', 16), 443, 1400);
    expect(runOnDevice(frame).result.returnValue).toBe(TC_ACT_SHOT);
    expect(program.run(frame).returnValue).toBe(TC_ACT_OK); // default: loopback, MTU 65536
    execFileSync('ip', ['-n', namespace.name, 'link', 'set', 'veth0', 'mtu', '9000']);
    try {
      const { result, stats } = runOnDevice(frame);
      expect(result.returnValue).toBe(TC_ACT_OK);
      expect(stats).toEqual(onlyCounted({ encapsulated: 1 }));
    } finally {
      execFileSync('ip', ['-n', namespace.name, 'link', 'set', 'veth0', 'mtu', `${DEVICE_MTU}`]);
    }
  });
});
