/**
 * The bench object loaded with policy tables of different sizes, each in its own pin directory
 * under one root (/sys/fs/bpf/srv6-intents-bench-<random>), and filled the way the agent fills
 * them: DatapathProgrammer.apply, which compiles rule sets and writes them with updateBatch.
 */
import { dirname, resolve } from 'node:path';
import {
  DEFAULT_CAPACITY,
  DEFAULT_OBJECT_PATH,
  DatapathProgrammer,
  type DatapathMaps,
  type LoadedBpfObject,
  loadBpfObject,
  synchronizeRcu,
} from '@srv6/datapath';
import type { Cleanup } from '../common/cleanup.js';
import { benchPolicies } from './workload.js';

export const REAL_OBJECT_PATH = DEFAULT_OBJECT_PATH;
export const BENCH_OBJECT_PATH = resolve(dirname(DEFAULT_OBJECT_PATH), 'srv6_encap_bench.bpf.o');

/** Program names in the bench object (bpf/srv6_encap.bpf.c, SRV6_BENCH_RESTORE). */
export const PROGRAM = {
  egress: 'srv6_egress',
  pass: 'srv6_pass',
  restoreOnly: 'srv6_encap_restore_only',
  restoreSplit: 'srv6_encap_restore_split',
  restoreTimed: 'srv6_encap_restore_timed',
  floorGrow: 'srv6_floor_grow',
  floorGrowStore: 'srv6_floor_grow_store',
  floorGrowWrite: 'srv6_floor_grow_write',
} as const;

/** Same capacities as the agent's default load, for every table. */
export const MAX_ENTRIES = {
  srv6_prefixes: DEFAULT_CAPACITY,
  srv6_policies: DEFAULT_CAPACITY,
  srv6_counters: DEFAULT_CAPACITY,
};

export interface PolicyTable {
  readonly policies: number;
  readonly pinDirectory: string;
  readonly object: LoadedBpfObject;
  readonly programmer: DatapathProgrammer;
  /** Wall time of DatapathProgrammer.apply for this table, ms. */
  readonly fillMs: number;
}

export function mapsOf(object: LoadedBpfObject): DatapathMaps {
  return {
    prefixes: object.map('srv6_prefixes'),
    prefixLengths: object.map('srv6_prefix_lens'),
    policies: object.map('srv6_policies'),
    counters: object.map('srv6_counters'),
    stats: object.map('srv6_stats'),
    capacity: object.map('srv6_policies').maxEntries,
    waitForReaders: synchronizeRcu,
  };
}

/** Loads the bench object into `${pinRoot}/${name}` and programs `policies` policies. */
export function loadPolicyTable(
  pinRoot: string,
  name: string,
  policies: number,
  cleanup: Cleanup,
): PolicyTable {
  const pinDirectory = `${pinRoot}/${name}`;
  const object = loadBpfObject({
    objectPath: BENCH_OBJECT_PATH,
    pinDirectory,
    maxEntries: MAX_ENTRIES,
  });
  cleanup.add(`close ${BENCH_OBJECT_PATH} (${name})`, () => object.close());
  const programmer = new DatapathProgrammer(mapsOf(object));
  const started = performance.now();
  const report = programmer.apply(benchPolicies(policies));
  const fillMs = performance.now() - started;
  if (report.rejected.length > 0 || report.programmed.size !== policies) {
    throw new Error(
      `table ${name}: ${report.programmed.size} of ${policies} policies programmed; rejected: ${JSON.stringify(report.rejected.slice(0, 3))}`,
    );
  }
  return { policies, pinDirectory, object, programmer, fillMs };
}
