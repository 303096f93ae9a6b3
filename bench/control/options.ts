/** Command line of bench-control: options, defaults and --help. */
import {
  integerOption,
  parseCommandLine,
  positiveInteger,
  sectionSet,
  UsageError,
  type IntegerOptions,
} from '../common/command-line.js';

export const SECTIONS = ['compute', 'recompute', 'apply'] as const;
export type Section = (typeof SECTIONS)[number];

export interface ControlBenchOptions {
  readonly json: boolean;
  readonly sections: ReadonlySet<Section>;
  readonly seed: number;
  /** Generated topology size. */
  readonly nodes: number;
  readonly links: number;
  /** (host, destination) pairs per objective kind in the compute section. */
  readonly pairs: number;
  /** Intents of the recompute section. */
  readonly intents: number;
  /** Random single-link failures of the recompute sweep (0: none). */
  readonly sweep: number;
  /** Intents applied per apply variant. */
  readonly applyIntents: number;
  /** path-svc instance counts of the sequential and the pipelined apply variants. */
  readonly sequential: readonly number[];
  readonly pipelined: readonly number[];
  /** host-agent CAPACITY (policies its maps hold). */
  readonly capacity: number;
  /** Write the generated topology (JSON) here and exit, measuring nothing. */
  readonly writeTopology?: string;
}

export const USAGE = `usage: npm run bench:control [-- options]
       node bench/dist/control/bench-control.js [options]   (as root, after npm run build)

Measures the control plane in one run:
  compute     computePaths per objective on a generated topology (default 1,000 nodes, 4,000
              links), on a prepared topology as path-svc does: computations/s, time per call
              p50/p99; baselines: the same calls without the cache, plain Dijkstra on igpMetric
  recompute   10,000 intents computed, then the most used and a median-used link fail: full
              recompute of every intent vs affectedIntents + recompute of those; results must be
              identical
  apply       real nats-server, intent-svc, path-svc and host-agent (real BPF on a veth in a
              network namespace): apply-reply and apply → programmed latency p50/p99, one intent
              in flight at a time; then all applies pipelined: time until all are programmed
Progress goes to stderr, the result table (or JSON) to stdout. Everything created (processes,
namespaces, pinned maps, temporary directories) is removed at the end, also on error or Ctrl-C.

options:
  --json                 JSON on stdout instead of the table (use npm run -s to keep npm's
                         banner off stdout)
  --only LIST            comma-separated subset of: ${SECTIONS.join(', ')} (default all)
  --seed N               seed of the topology and workload generators (default 1)
  --nodes N              nodes of the generated topology (default 1000)
  --links N              links of the generated topology (default 4000)
  --pairs N              (host, destination) pairs per objective in compute (default 30)
  --intents N            intents in recompute (default 10000; ~1 min per pass over 10,000 here)
  --sweep N              random single-link failures for which recompute only counts what
                         affectedIntents selects (default 100; 0 skips)
  --apply-intents N      intents applied per apply variant (default 1000)
  --sequential LIST      path-svc instance counts of the sequential apply variants (default 1;
                         "none" skips them)
  --pipelined LIST       path-svc instance counts of the pipelined apply variants (default 1,2;
                         "none" skips them)
  --capacity N           host-agent CAPACITY (default 4096)
  --write-topology FILE  write the generated topology (compact JSON, as validated) to FILE and exit;
                         for srv6 path compute --topology FILE
  -h, --help             this text
`;

const DEFAULTS = {
  seed: 1,
  nodes: 1000,
  links: 4000,
  pairs: 30,
  intents: 10_000,
  sweep: 100,
  applyIntents: 1000,
  capacity: 4096,
};

/** "1,2" → [1, 2]; "none" → []. */
function instanceCounts(name: string, text: string | undefined): number[] {
  if (text === 'none') return [];
  return (text ?? '').split(',').map((part) => positiveInteger(name, part, 8));
}

const INTEGER_OPTIONS: IntegerOptions<keyof typeof DEFAULTS> = {
  '--seed': ['seed', 0x7fffffff],
  '--nodes': ['nodes', 10_000],
  '--links': ['links', 100_000],
  '--pairs': ['pairs', 100_000],
  '--intents': ['intents', 100_000],
  // Destinations are /128s and ports 10000 + i: at most 55,535 per variant.
  '--apply-intents': ['applyIntents', 50_000],
  '--capacity': ['capacity', 1 << 22],
};

/** Parses argv (without node and script); undefined means --help was asked for. */
export function parseOptions(argv: readonly string[]): ControlBenchOptions | undefined {
  let sections = new Set<Section>(SECTIONS);
  let sequential: number[] = [1];
  let pipelined: number[] = [1, 2];
  let writeTopology: string | undefined;
  const numbers = { ...DEFAULTS };
  const flags = parseCommandLine(argv, (name, value) => {
    switch (name) {
      case '--sweep': {
        const text = value();
        numbers.sweep = text === '0' ? 0 : positiveInteger(name, text, 100_000);
        return true;
      }
      case '--write-topology':
        writeTopology = value();
        if (!writeTopology) throw new UsageError('--write-topology needs a file name');
        return true;
      case '--sequential':
        sequential = instanceCounts(name, value());
        return true;
      case '--pipelined':
        pipelined = instanceCounts(name, value());
        return true;
      case '--only':
        sections = sectionSet(name, value(), SECTIONS);
        return true;
      default:
        return integerOption(numbers, INTEGER_OPTIONS, name, value);
    }
  });
  if (!flags) return undefined;
  if (numbers.nodes < 100) throw new UsageError('--nodes needs at least 100');
  return { json: flags.json, sections, sequential, pipelined, writeTopology, ...numbers };
}
