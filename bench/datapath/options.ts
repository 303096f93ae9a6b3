/** Command line of bench-datapath: options, defaults and --help. */
import {
  integerOption,
  parseCommandLine,
  sectionSet,
  type IntegerOptions,
} from '../common/command-line.js';

export const SECTIONS = ['testRun', 'iperf3', 'mapUpdates'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  readonly json: boolean;
  /** BPF_PROG_TEST_RUN repeat per measurement (an int for the kernel). */
  readonly repeat: number;
  /** testRun rounds; every configuration runs once per round, order rotated. */
  readonly rounds: number;
  readonly iperfRounds: number;
  readonly iperfSeconds: number;
  /** Timed runs per map and method; the best counts. */
  readonly mapRuns: number;
  readonly sections: ReadonlySet<Section>;
}

export const USAGE = `usage: npm run bench:datapath [-- options]
       node bench/dist/datapath/bench-datapath.js [options]   (as root, after npm run build)

Measures the SRv6 tc datapath in one run:
  testRun.nsPerPacket   BPF_PROG_TEST_RUN of the bench object (bpf/build/srv6_encap_bench.bpf.o):
                        passThrough, restoreOnly, restoreSplit, floorGrow, floorGrowStore,
                        floorGrowWrite, encap1, encap1k, encap100k, noMatch100k
  iperf3Gbps            TCP through kernel SRv6 routers in network namespaces:
                        plain, kernelSeg6 (ip route encap seg6), bpfEncap (our tc program)
  mapUpdatesPerSec      BpfMap.update vs BpfMap.updateBatch, 100,000 entries
Progress goes to stderr, the result table (or JSON) to stdout. Everything created (namespaces,
processes, pinned maps) is removed at the end, also on error or Ctrl-C.

options:
  --json                 JSON on stdout instead of the table (use npm run -s to keep npm's
                         banner off stdout)
  --repeat N             test-run repeat per measurement (default 1000000)
  --rounds N             test-run rounds, median reported (default 9)
  --iperf-rounds N       paired iperf3 rounds (default 7)
  --iperf-seconds S      seconds per iperf3 run (default 3)
  --map-runs N           timed runs per map update method, best reported (default 3)
  --only LIST            comma-separated subset of: ${SECTIONS.join(', ')} (default all)
  -h, --help             this text
`;

const DEFAULTS = {
  repeat: 1_000_000,
  rounds: 9,
  iperfRounds: 7,
  iperfSeconds: 3,
  mapRuns: 3,
};

const INTEGER_OPTIONS: IntegerOptions<keyof typeof DEFAULTS> = {
  '--repeat': ['repeat', 0x7fffffff],
  '--rounds': ['rounds', 1000],
  '--iperf-rounds': ['iperfRounds', 100],
  '--iperf-seconds': ['iperfSeconds', 600],
  '--map-runs': ['mapRuns', 100],
};

/** Parses argv (without node and script); undefined means --help was asked for. */
export function parseOptions(argv: readonly string[]): BenchOptions | undefined {
  let sections = new Set<Section>(SECTIONS);
  const numbers = { ...DEFAULTS };
  const flags = parseCommandLine(argv, (name, value) => {
    if (name !== '--only') return integerOption(numbers, INTEGER_OPTIONS, name, value);
    sections = sectionSet(name, value(), SECTIONS);
    return true;
  });
  return flags && { json: flags.json, sections, ...numbers };
}
