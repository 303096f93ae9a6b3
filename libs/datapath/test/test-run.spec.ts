import { loadBpfObject, type LoadedBpfObject } from '../src/bpf-object.js';
import { interfaceIndex } from '../src/libc.js';
import { withNetns } from '../src/netns.js';
import { MAX_ENCAPSULATION_GROWTH, testRun } from '../src/test-run.js';
import {
  compileTinyProgram,
  createTestNamespace,
  ipv6UdpPacket,
  testPinDirectory,
  u32,
  u64,
  type CompiledFixture,
  type TestNamespace,
} from './support/kernel-fixture.js';

const TC_ACT_OK = 0;
const TC_ACT_SHOT = 2;

describe('testRun (BPF_PROG_TEST_RUN, real kernel)', () => {
  let fixture: CompiledFixture;
  let pins: { path: string; remove(): void };
  let object: LoadedBpfObject;
  let programFd: number;
  const setting = (index: number, value: number) =>
    object.map('settings').update(u32(index), u64(value));
  const packetsCounted = () =>
    object
      .map('counters')
      .lookupPerCpu(u32(0))
      .reduce((sum, value) => sum + Number(new DataView(value.buffer).getBigUint64(0, true)), 0);

  beforeAll(() => {
    fixture = compileTinyProgram();
    pins = testPinDirectory();
    object = loadBpfObject({ objectPath: fixture.objectPath, pinDirectory: pins.path });
    programFd = object.programFd('tiny_egress');
  });
  beforeEach(() => {
    setting(0, 0);
    setting(1, 0);
  });
  afterAll(() => {
    object?.close();
    pins?.remove();
    fixture?.remove();
  });

  it('returns the verdict and the unchanged packet', () => {
    const packet = ipv6UdpPacket();
    const result = testRun(programFd, packet);
    expect(result.returnValue).toBe(TC_ACT_OK);
    expect(result.output).toEqual(packet);
    expect(result.averageDurationNs).toBeGreaterThan(0);

    setting(0, TC_ACT_SHOT);
    expect(testRun(programFd, packet).returnValue).toBe(TC_ACT_SHOT);
  });

  it('returns the grown packet, sliced to the size the program left', () => {
    setting(1, 1);
    const packet = ipv6UdpPacket(100);
    const { returnValue, output } = testRun(programFd, packet);
    expect(returnValue).toBe(TC_ACT_OK);
    expect(output).toHaveLength(packet.length + 40);
    expect(output.subarray(0, 14)).toEqual(packet.subarray(0, 14)); // Ethernet header kept
    expect(output.subarray(14, 54)).toEqual(new Uint8Array(40).fill(0xab)); // inserted bytes
    expect(output.subarray(54)).toEqual(packet.subarray(14)); // original IPv6 packet after them
  });

  it('runs the program `repeat` times', () => {
    const before = packetsCounted();
    testRun(programFd, ipv6UdpPacket(), { repeat: 1000 });
    expect(packetsCounted() - before).toBe(1000);
  });

  it('explains an output buffer too small for the result, and bad arguments', () => {
    setting(1, 1);
    const packet = ipv6UdpPacket();
    expect(() => testRun(programFd, packet, { outputCapacity: packet.length })).toThrow(
      /bpf_prog_test_run_opts .*failed: ENOSPC\. The output packet is larger than outputCapacity/,
    );
    expect(() => testRun(programFd, new Uint8Array(10))).toThrow(/at least an Ethernet header/);
    expect(() => testRun(programFd, packet, { repeat: 0 })).toThrow(
      /repeat must be a positive integer/,
    );
    expect(MAX_ENCAPSULATION_GROWTH).toBe(304);
  });

  it('runs on a given device of the current namespace (ifindex in the skb context)', () => {
    const namespace: TestNamespace = createTestNamespace();
    try {
      setting(1, 0);
      const ifindex = withNetns(namespace.name, () => interfaceIndex(namespace.interfaceName));
      const run = () =>
        withNetns(namespace.name, () => testRun(programFd, ipv6UdpPacket(), { ifindex }));
      expect(run().returnValue).toBe(TC_ACT_OK);
      expect(object.map('settings').lookup(u32(2))).toEqual(u64(ifindex)); // skb->ifindex seen by the program
      testRun(programFd, ipv6UdpPacket());
      expect(object.map('settings').lookup(u32(2))).toEqual(u64(1)); // default: loopback
      // Outside the namespace that ifindex does not exist.
      expect(() => testRun(programFd, ipv6UdpPacket(), { ifindex: 999_999 })).toThrow(
        /bpf_prog_test_run_opts .*failed: ENODEV/,
      );
    } finally {
      namespace.remove();
    }
  });
});
