/**
 * testRun.nsPerPacket: the kernel's BPF_PROG_TEST_RUN average over `repeat` runs of one frame,
 * for each configuration, `rounds` times in rotated order; the median per configuration.
 * Every timed run is also checked (verdict, frame restored, srv6_stats grew by `repeat`).
 */
import { encodeSlot, removePinDirectory } from '@srv6/datapath';
import type { Cleanup } from '../common/cleanup.js';
import { progress } from '../common/progress.js';
import { median, rotate } from '../common/statistics.js';
import { loadPolicyTable, PROGRAM, type PolicyTable } from './bench-tables.js';
import { checkRealEncapsulation, checkRestore, runChecked } from './encap-check.js';
import { prefixLookups } from './prefix-lookups.js';
import { tcpFrame } from './tcp-frame.js';
import {
  benchPolicies,
  MATCHING_DESTINATION,
  MISSING_DESTINATION,
  PACKET_PORT,
  SOURCE,
} from './workload.js';

export const CONFIGURATIONS = [
  'passThrough',
  'restoreOnly',
  'restoreSplit',
  'floorGrow',
  'floorGrowStore',
  'floorGrowWrite',
  'encap1',
  'encap1k',
  'encap100k',
  'noMatch100k',
] as const;
export type Configuration = (typeof CONFIGURATIONS)[number];

const TABLE_SIZES = { t1: 1, t1k: 1_000, t100k: 100_000 } as const;
/** TCP payload of a full segment at the route MTU the agent sets (1500 - 80 - 40 - 20). */
const PAYLOAD = 1360;
const FLOW_LABEL = 0x5eed1;
const WARM_UP_REPEAT = 100_000;

/**
 * What srv6_encap_restore_timed measured inside the program (bpf_ktime_get_ns, see
 * bpf/lib/bench_restore.h), ns per run, the clock's own cost already subtracted.
 */
export interface TimedSplit {
  /** encap_push, the helper path: MTU check, building the 80 B of headers, grow, store. */
  readonly encapPush: number;
  /** The bench's restore: shrinking the packet again (not part of a real encapsulation). */
  readonly restore: number;
  /** One bpf_ktime_get_ns interval with nothing in it (subtracted from the two above). */
  readonly clock: number;
}

export const TIMED_PARTS = ['encapPush', 'restore', 'clock'] as const;

export interface TestRunResult {
  readonly nsPerPacket: Record<Configuration, number>;
  readonly samples: Record<Configuration, number[]>;
  /**
   * The bench's restore measured without a clock: restoreSplit − restoreOnly (one more shrink),
   * median of the per-round differences, ns.
   */
  readonly restoreByDifference: number;
  /** Medians over the rounds (same rounds as nsPerPacket). */
  readonly timedSplit: TimedSplit;
  readonly timedSamples: Record<keyof TimedSplit, number[]>;
  readonly repeat: number;
  readonly rounds: number;
  readonly frameBytes: number;
  readonly encapBytes: number;
  readonly fillMs: Record<keyof typeof TABLE_SIZES, number>;
  /** srv6_prefixes lookups per packet (computed from the policies, see prefix-lookups.ts). */
  readonly prefixLookups: {
    readonly encap1: number;
    readonly encap1k: number;
    readonly encap100k: number;
    readonly noMatch100k: number;
  };
}

/**
 * encap100k − passThrough without the bench's restore, the restore taken as restoreSplit −
 * restoreOnly (a clock-free measurement; the clock-timed one is reported next to it).
 */
export function withoutRestore(t: TestRunResult): number {
  return t.nsPerPacket.encap100k - t.nsPerPacket.passThrough - t.restoreByDifference;
}

interface Run {
  readonly fd: number;
  readonly frame: Uint8Array;
  readonly counted?: Parameters<typeof runChecked>[4];
}

export async function benchTestRun(
  pinRoot: string,
  repeat: number,
  rounds: number,
  cleanup: Cleanup,
): Promise<TestRunResult> {
  const frame = tcpFrame({
    source: SOURCE,
    destination: MATCHING_DESTINATION,
    destinationPort: PACKET_PORT,
    payloadLength: PAYLOAD,
    flowLabel: FLOW_LABEL,
  });
  const missFrame = tcpFrame({
    source: SOURCE,
    destination: MISSING_DESTINATION,
    destinationPort: PACKET_PORT,
    payloadLength: PAYLOAD,
    flowLabel: FLOW_LABEL,
  });

  const tables = {} as Record<keyof typeof TABLE_SIZES, PolicyTable>;
  try {
    return await measureTables(pinRoot, tables, frame, missFrame, repeat, rounds, cleanup);
  } finally {
    // Free the tables' kernel memory before the next section (the root is removed at the end).
    for (const table of Object.values(tables)) {
      table.object.close();
      removePinDirectory(table.pinDirectory);
    }
  }
}

async function measureTables(
  pinRoot: string,
  tables: Record<keyof typeof TABLE_SIZES, PolicyTable>,
  frame: Uint8Array,
  missFrame: Uint8Array,
  repeat: number,
  rounds: number,
  cleanup: Cleanup,
): Promise<TestRunResult> {
  for (const [name, size] of Object.entries(TABLE_SIZES) as Array<
    [keyof typeof TABLE_SIZES, number]
  >) {
    progress(`testRun: loading the bench object and programming ${size} policies (${name})`);
    tables[name] = loadPolicyTable(pinRoot, name, size, cleanup);
    await cleanup.checkpoint();
  }

  progress('testRun: self-checks (real object grows the frame; bench object restores it)');
  const encapBytes = checkRealEncapsulation(tables.t1.pinDirectory, frame);
  const egress = (table: PolicyTable): number => table.object.programFd(PROGRAM.egress);
  const encapsulated = (table: PolicyTable) =>
    ({ programmer: table.programmer, stat: 'encapsulated' }) as const;
  for (const table of Object.values(tables)) {
    checkRestore(egress(table), frame, table.programmer);
  }
  runChecked(tables.t1.object.programFd(PROGRAM.restoreOnly), frame, 2, 'restoreOnly');
  runChecked(tables.t1.object.programFd(PROGRAM.restoreSplit), frame, 2, 'restoreSplit');
  runChecked(tables.t1.object.programFd(PROGRAM.floorGrow), frame, 2, 'floorGrow');
  runChecked(tables.t1.object.programFd(PROGRAM.floorGrowStore), frame, 2, 'floorGrowStore');
  runChecked(egress(tables.t100k), missFrame, 2, 'noMatch100k', {
    programmer: tables.t100k.programmer,
    stat: 'no_match',
  });

  const runs: Record<Configuration, Run> = {
    passThrough: { fd: tables.t1.object.programFd(PROGRAM.pass), frame },
    restoreOnly: { fd: tables.t1.object.programFd(PROGRAM.restoreOnly), frame },
    restoreSplit: { fd: tables.t1.object.programFd(PROGRAM.restoreSplit), frame },
    floorGrow: { fd: tables.t1.object.programFd(PROGRAM.floorGrow), frame },
    floorGrowStore: { fd: tables.t1.object.programFd(PROGRAM.floorGrowStore), frame },
    floorGrowWrite: { fd: tables.t1.object.programFd(PROGRAM.floorGrowWrite), frame },
    encap1: { fd: egress(tables.t1), frame, counted: encapsulated(tables.t1) },
    encap1k: { fd: egress(tables.t1k), frame, counted: encapsulated(tables.t1k) },
    encap100k: { fd: egress(tables.t100k), frame, counted: encapsulated(tables.t100k) },
    noMatch100k: {
      fd: egress(tables.t100k),
      frame: missFrame,
      counted: { programmer: tables.t100k.programmer, stat: 'no_match' },
    },
  };
  const measure = (name: Configuration, times: number): number =>
    runChecked(runs[name].fd, runs[name].frame, times, name, runs[name].counted);
  const timed = timedRunner(tables.t1, frame);

  progress(`testRun: warm-up (repeat ${WARM_UP_REPEAT})`);
  CONFIGURATIONS.forEach((name) => measure(name, WARM_UP_REPEAT));
  timed(WARM_UP_REPEAT);

  const samples = Object.fromEntries(
    CONFIGURATIONS.map((name) => [name, [] as number[]]),
  ) as Record<Configuration, number[]>;
  const timedSamples = Object.fromEntries(
    TIMED_PARTS.map((name) => [name, [] as number[]]),
  ) as Record<keyof TimedSplit, number[]>;
  for (let round = 0; round < rounds; round++) {
    await cleanup.checkpoint();
    for (const name of rotate(CONFIGURATIONS, round)) samples[name].push(measure(name, repeat));
    const split = timed(repeat);
    TIMED_PARTS.forEach((name) => timedSamples[name].push(split[name]));
    progress(
      `testRun: round ${round + 1}/${rounds}: ${CONFIGURATIONS.map((n) => `${n} ${samples[n].at(-1)}`).join(', ')} ns; ` +
        `timed: ${TIMED_PARTS.map((n) => `${n} ${split[n].toFixed(1)}`).join(', ')} ns`,
    );
  }

  const lookups = (size: number, destination: string) =>
    prefixLookups(benchPolicies(size), destination).lookups;
  return {
    nsPerPacket: Object.fromEntries(
      CONFIGURATIONS.map((name) => [name, median(samples[name])]),
    ) as Record<Configuration, number>,
    samples,
    restoreByDifference: median(
      samples.restoreSplit.map((split, round) => split - samples.restoreOnly[round]!),
    ),
    timedSplit: Object.fromEntries(
      TIMED_PARTS.map((name) => [name, median(timedSamples[name])]),
    ) as unknown as TimedSplit,
    timedSamples,
    repeat,
    rounds,
    frameBytes: frame.length,
    encapBytes,
    fillMs: {
      t1: tables.t1.fillMs,
      t1k: tables.t1k.fillMs,
      t100k: tables.t100k.fillMs,
    },
    prefixLookups: {
      encap1: lookups(TABLE_SIZES.t1, MATCHING_DESTINATION),
      encap1k: lookups(TABLE_SIZES.t1k, MATCHING_DESTINATION),
      encap100k: lookups(TABLE_SIZES.t100k, MATCHING_DESTINATION),
      noMatch100k: lookups(TABLE_SIZES.t100k, MISSING_DESTINATION),
    },
  };
}

/**
 * Runs srv6_encap_restore_timed `repeat` times (checked like the others: verdict, frame
 * restored) and turns the growth of its srv6_bench_timing sums into ns per run.
 */
function timedRunner(table: PolicyTable, frame: Uint8Array): (repeat: number) => TimedSplit {
  const fd = table.object.programFd(PROGRAM.restoreTimed);
  const map = table.object.map('srv6_bench_timing');
  const read = () => {
    const sums = [0n, 0n, 0n, 0n]; // runs, empty, encap, restore (struct bench_timing)
    for (const value of map.lookupPerCpu(encodeSlot(0))) {
      const data = new DataView(value.buffer, value.byteOffset, value.byteLength);
      sums.forEach((_, i) => (sums[i]! += data.getBigUint64(i * 8, true)));
    }
    return sums;
  };
  return (repeat) => {
    const before = read();
    runChecked(fd, frame, repeat, 'restoreTimed');
    const [runs, empty, encap, restore] = read().map((sum, i) => Number(sum - before[i]!));
    if (runs !== repeat)
      throw new Error(`bench self-check failed: restoreTimed counted ${runs} runs, not ${repeat}`);
    return {
      encapPush: (encap! - empty!) / runs,
      restore: (restore! - empty!) / runs,
      clock: empty! / runs,
    };
  };
}
