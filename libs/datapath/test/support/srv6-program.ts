/**
 * The real SRv6 tc program (bpf/build/srv6_encap.bpf.o) loaded for BPF_PROG_TEST_RUN: built
 * with make if stale, maps pinned under /sys/fs/bpf/srv6-intents-test-<random> with small
 * capacities, programmed through DatapathProgrammer. remove() closes and unpins everything; it
 * also runs when the load itself fails half-way.
 */
import { execFileSync } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { loadBpfObject, type LoadedBpfObject } from '../../src/bpf-object.js';
import { DatapathProgrammer, type ApplyReport } from '../../src/datapath-programmer.js';
import { DEFAULT_OBJECT_PATH } from '../../src/host-datapath.js';
import { synchronizeRcu } from '../../src/libc.js';
import {
  encodeSlot,
  sumCounters,
  sumStats,
  type Counters,
  type DatapathStats,
} from '../../src/map-codec.js';
import type { DatapathPolicy } from '../../src/policy.js';
import { testRun, type TestRunOptions, type TestRunResult } from '../../src/test-run.js';
import { testPinDirectory } from './kernel-fixture.js';

export const TC_ACT_OK = 0;
export const TC_ACT_SHOT = 2;
export const PROGRAM_NAME = 'srv6_egress';
/** Small maps: loading and programming stay fast. */
export const TEST_CAPACITY = 1024;

/**
 * bpf/ of this repository, or SRV6_TEST_BPF_DIR: a copy of it (e.g. a deliberately broken one,
 * to see these specs fail) with the same layout (Makefile, include/, build/).
 */
export const BPF_DIRECTORY = process.env.SRV6_TEST_BPF_DIR ?? dirname(dirname(DEFAULT_OBJECT_PATH));
export const OBJECT_PATH = join(BPF_DIRECTORY, 'build', basename(DEFAULT_OBJECT_PATH));

/** `make -C bpf` (no-op when up to date): the tests always run the current source. */
export function buildProgram(): string {
  execFileSync('make', ['-s', '-C', BPF_DIRECTORY], { stdio: 'pipe' });
  return OBJECT_PATH;
}

export type StatsDelta = Record<keyof DatapathStats, number>;

export interface Srv6Program {
  readonly object: LoadedBpfObject;
  readonly programFd: number;
  readonly programmer: DatapathProgrammer;
  /** Programs the policies; throws if any is rejected (tests want every policy in place). */
  apply(policies: readonly DatapathPolicy[]): ApplyReport;
  slotOf(policyId: string): number;
  run(frame: Uint8Array, options?: TestRunOptions): TestRunResult;
  /** Runs `frame` and reports how srv6_stats moved. */
  runCounting(
    frame: Uint8Array,
    options?: TestRunOptions,
  ): { result: TestRunResult; stats: StatsDelta };
  stats(): DatapathStats;
  counters(slot: number): Counters;
  remove(): void;
}

export function statsDelta(before: DatapathStats, after: DatapathStats): StatsDelta {
  return Object.fromEntries(
    Object.keys(before).map((name) => [
      name,
      Number(after[name as keyof DatapathStats] - before[name as keyof DatapathStats]),
    ]),
  ) as StatsDelta;
}

/** A stats delta with every reason 0 except the ones given (seen: 1 per packet). */
export function onlyCounted(reasons: Partial<StatsDelta>, packets = 1): StatsDelta {
  return {
    seen: packets,
    not_ipv6: 0,
    malformed: 0,
    no_match: 0,
    encapsulated: 0,
    mtu_exceeded: 0,
    encap_failed: 0,
    headers_stored: 0,
    ...reasons,
  };
}

export function loadSrv6Program(): Srv6Program {
  const objectPath = buildProgram();
  const pins = testPinDirectory();
  let object: LoadedBpfObject | undefined;
  try {
    object = loadBpfObject({
      objectPath,
      pinDirectory: pins.path,
      maxEntries: {
        srv6_prefixes: TEST_CAPACITY,
        srv6_policies: TEST_CAPACITY,
        srv6_counters: TEST_CAPACITY,
      },
    });
    const loaded = object;
    const programFd = loaded.programFd(PROGRAM_NAME);
    const maps = {
      prefixes: loaded.map('srv6_prefixes'),
      prefixLengths: loaded.map('srv6_prefix_lens'),
      policies: loaded.map('srv6_policies'),
      counters: loaded.map('srv6_counters'),
      stats: loaded.map('srv6_stats'),
      capacity: loaded.map('srv6_policies').maxEntries,
      waitForReaders: synchronizeRcu,
    };
    const programmer = new DatapathProgrammer(maps);
    const stats = () => sumStats(maps.stats.lookupPerCpu(encodeSlot(0)));
    const run = (frame: Uint8Array, options?: TestRunOptions) => testRun(programFd, frame, options);
    return {
      object: loaded,
      programFd,
      programmer,
      apply(policies) {
        const report = programmer.apply(policies);
        if (report.rejected.length > 0) {
          throw new Error(`policies rejected: ${JSON.stringify(report.rejected)}`);
        }
        return report;
      },
      slotOf(policyId) {
        const slot = programmer.slotsById.get(policyId);
        if (slot === undefined) throw new Error(`policy ${policyId} is not programmed`);
        return slot;
      },
      run,
      runCounting(frame, options) {
        const before = stats();
        const result = run(frame, options);
        return { result, stats: statsDelta(before, stats()) };
      },
      stats,
      counters: (slot) => sumCounters(maps.counters.lookupPerCpu(encodeSlot(slot))),
      remove() {
        loaded.close();
        pins.remove();
      },
    };
  } catch (error) {
    object?.close();
    pins.remove();
    throw error;
  }
}

/** A policy with defaults: any protocol, all ports, H.Encaps, source 2001:db8:a::10. */
export function policy(
  id: string,
  destination: string,
  segments: readonly string[],
  overrides: Partial<Omit<DatapathPolicy, 'id' | 'destination' | 'segments'>> = {},
): DatapathPolicy {
  return {
    id,
    destination,
    protocol: 'any',
    ports: [],
    segments,
    encapsulation: 'srh',
    source: '2001:db8:a::10',
    ...overrides,
  };
}

/** n distinct SIDs fc00:0:<tag>::<1..n>, the last one a decapsulation SID fc00:0:<tag>::d6. */
export function sids(tag: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    i === count - 1 ? `fc00:0:${tag.toString(16)}::d6` : `fc00:0:${tag.toString(16)}::${i + 1}`,
  );
}
