/**
 * Running a program on one packet with the kernel's BPF_PROG_TEST_RUN (no interface, no
 * traffic): the verdict, the packet as the program left it, and the average run time.
 *
 * Careful with `repeat` > 1: the kernel reuses the same skb, so from the second run on the
 * program sees its own output (e.g. an already encapsulated packet) — the average then mostly
 * measures that path, not the first one.
 */
import koffi from 'koffi';
import {
  BpfTestRunOpts,
  type BpfTestRunOptsValue,
  libbpf,
  libbpfError,
  type NativePointer,
} from './libbpf.js';

/** Outer IPv6 header (40) + SRH (8) + 16 segments (256): the most encapsulation can add. */
export const MAX_ENCAPSULATION_GROWTH = 40 + 8 + 16 * 16;

/* struct __sk_buff (linux/bpf.h) up to and including ifindex, which is what we may set. */
const SKB_CONTEXT_SIZE = 44;
const SKB_IFINDEX_OFFSET = 40;

export interface TestRunOptions {
  /** Runs of the same skb (see the note above). Default 1. */
  repeat?: number;
  /** Bytes reserved for the output packet. Default: input + MAX_ENCAPSULATION_GROWTH + 64. */
  outputCapacity?: number;
  /**
   * Run as if on this device (its MTU, for bpf_check_mtu / skb->ifindex); an ifindex of the
   * calling thread's namespace. Default: the loopback device.
   */
  ifindex?: number;
}

export interface TestRunResult {
  /** The program's return value (TC_ACT_OK = 0, TC_ACT_SHOT = 2, ...). */
  returnValue: number;
  /** The packet after the program, data_size_out bytes. */
  output: Uint8Array;
  /** Kernel-measured average per run, ns (includes fixed per-run overhead). */
  averageDurationNs: number;
}

/* Native scratch memory, grown on demand and reused: the kernel needs stable addresses. */
class NativeBuffer {
  private pointer: NativePointer = 0n;
  private capacity = 0;
  view = new Uint8Array(0);

  ensure(size: number): NativePointer {
    if (size > this.capacity) {
      if (this.capacity > 0) koffi.free(this.pointer);
      const allocated: unknown = koffi.alloc('uint8_t', size);
      this.pointer = koffi.address(allocated);
      this.capacity = size;
      this.view = new Uint8Array(koffi.view(this.pointer, size));
    }
    return this.pointer;
  }
}

const packetIn = new NativeBuffer();
const packetOut = new NativeBuffer();
const contextIn = new NativeBuffer();

export function testRun(
  programFd: number,
  packet: Uint8Array,
  options: TestRunOptions = {},
): TestRunResult {
  const repeat = options.repeat ?? 1;
  const capacity = options.outputCapacity ?? packet.length + MAX_ENCAPSULATION_GROWTH + 64;
  if (!Number.isInteger(repeat) || repeat < 1)
    throw new Error(`testRun: repeat must be a positive integer, got ${repeat}.`);
  if (packet.length < 14)
    throw new Error(
      `testRun: a tc program needs at least an Ethernet header (14 bytes), got ${packet.length}.`,
    );

  const dataIn = packetIn.ensure(packet.length);
  packetIn.view.set(packet);
  const dataOut = packetOut.ensure(capacity);

  let contextPointer: NativePointer = 0n;
  if (options.ifindex !== undefined) {
    contextPointer = contextIn.ensure(SKB_CONTEXT_SIZE);
    contextIn.view.fill(0, 0, SKB_CONTEXT_SIZE);
    new DataView(contextIn.view.buffer).setUint32(SKB_IFINDEX_OFFSET, options.ifindex, true);
  }

  const runOptions: BpfTestRunOptsValue = {
    sz: koffi.sizeof(BpfTestRunOpts),
    data_in: dataIn,
    data_out: dataOut,
    data_size_in: packet.length,
    data_size_out: capacity,
    ctx_in: contextPointer,
    ctx_out: 0n,
    ctx_size_in: contextPointer === 0n ? 0 : SKB_CONTEXT_SIZE,
    ctx_size_out: 0,
    retval: 0,
    repeat,
    duration: 0,
    flags: 0,
    cpu: 0,
    batch_size: 0,
  };
  const result = libbpf.bpf_prog_test_run_opts(programFd, runOptions);
  if (result < 0) {
    throw libbpfError('bpf_prog_test_run_opts', result, {
      detail: `program fd ${programFd}, ${packet.length}-byte packet`,
      hints: {
        ENOSPC: `The output packet is larger than outputCapacity (${capacity} bytes): pass a larger one.`,
        EINVAL:
          'The kernel refused the run: is the fd a tc program, the packet at least 14 bytes, the ifindex valid in this namespace?',
        ENODEV: `No interface with ifindex ${options.ifindex} in this network namespace.`,
      },
    });
  }
  return {
    returnValue: runOptions.retval,
    output: packetOut.view.slice(0, runOptions.data_size_out),
    averageDurationNs: runOptions.duration,
  };
}
