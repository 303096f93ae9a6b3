/**
 * testRun.nsPerPacket: the kernel's BPF_PROG_TEST_RUN average over `repeat` runs of one frame,
 * for each configuration, `rounds` times in rotated order; the median per configuration.
 * Every timed run is also checked (verdict, frame restored, srv6_stats grew by `repeat`).
 */
import { removePinDirectory } from '@srv6/datapath';
import type { Cleanup } from './cleanup.js';
import { progress } from './progress.js';
import { median, rotate } from './statistics.js';
import { loadPolicyTable, PROGRAM, type PolicyTable } from './bench-tables.js';
import { checkRealEncapsulation, checkRestore, runChecked } from './encap-check.js';
import { lookupPath, meanLookupNodes, sortedWords } from './lpm-depth.js';
import { tcpFrame } from './tcp-frame.js';
import {
  MATCHING_DESTINATION,
  MISSING_DESTINATION,
  MISSING_WORD,
  PACKET_PORT,
  prefixWord,
  SOURCE,
} from './workload.js';

export const CONFIGURATIONS = [
  'passThrough',
  'restoreOnly',
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

export interface TestRunResult {
  readonly nsPerPacket: Record<Configuration, number>;
  readonly samples: Record<Configuration, number[]>;
  readonly repeat: number;
  readonly rounds: number;
  readonly frameBytes: number;
  readonly encapBytes: number;
  readonly fillMs: Record<keyof typeof TABLE_SIZES, number>;
  /** Trie nodes a lookup visits (computed from the prefixes, see lpm-depth.ts). */
  readonly lpmNodes: {
    readonly encap1: number;
    readonly encap1k: number;
    readonly encap100k: number;
    readonly noMatch100k: number;
    readonly mean100k: number;
  };
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
  runChecked(egress(tables.t100k), missFrame, 2, 'noMatch100k', {
    programmer: tables.t100k.programmer,
    stat: 'no_match',
  });

  const runs: Record<Configuration, Run> = {
    passThrough: { fd: tables.t1.object.programFd(PROGRAM.pass), frame },
    restoreOnly: { fd: tables.t1.object.programFd(PROGRAM.restoreOnly), frame },
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

  progress(`testRun: warm-up (repeat ${WARM_UP_REPEAT})`);
  CONFIGURATIONS.forEach((name) => measure(name, WARM_UP_REPEAT));

  const samples = Object.fromEntries(
    CONFIGURATIONS.map((name) => [name, [] as number[]]),
  ) as Record<Configuration, number[]>;
  for (let round = 0; round < rounds; round++) {
    await cleanup.checkpoint();
    for (const name of rotate(CONFIGURATIONS, round)) samples[name].push(measure(name, repeat));
    progress(
      `testRun: round ${round + 1}/${rounds}: ${CONFIGURATIONS.map((n) => `${n} ${samples[n].at(-1)}`).join(', ')} ns`,
    );
  }

  const words = (count: number) =>
    sortedWords(Array.from({ length: count }, (_, i) => prefixWord(i)));
  const words100k = words(TABLE_SIZES.t100k);
  return {
    nsPerPacket: Object.fromEntries(
      CONFIGURATIONS.map((name) => [name, median(samples[name])]),
    ) as Record<Configuration, number>,
    samples,
    repeat,
    rounds,
    frameBytes: frame.length,
    encapBytes,
    fillMs: {
      t1: tables.t1.fillMs,
      t1k: tables.t1k.fillMs,
      t100k: tables.t100k.fillMs,
    },
    lpmNodes: {
      encap1: lookupPath(words(1), prefixWord(0)).nodes,
      encap1k: lookupPath(words(TABLE_SIZES.t1k), prefixWord(0)).nodes,
      encap100k: lookupPath(words100k, prefixWord(0)).nodes,
      noMatch100k: lookupPath(words100k, MISSING_WORD).nodes,
      mean100k: meanLookupNodes(words100k),
    },
  };
}
