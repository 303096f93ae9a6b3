/**
 * npm run bench:datapath [-- --json]: the datapath benchmark (see docs/benchmarks.md and
 * `--help`). Sections run one after another; whatever they create is registered with Cleanup
 * and removed at the end, on failure and on SIGINT/SIGTERM/SIGHUP.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import {
  DEFAULT_BPFFS_MOUNT_POINT,
  ensureBpffsMounted,
  PIN_ROOT,
  removePinDirectory,
} from '@srv6/datapath';
import { runBench } from '../common/bench-main.js';
import type { Cleanup } from '../common/cleanup.js';
import { benchIperf3 } from './iperf3-bench.js';
import { describeMachine } from '../common/machine.js';
import { benchMapUpdates } from './map-update-bench.js';
import { parseOptions, USAGE, type BenchOptions } from './options.js';
import { progress } from '../common/progress.js';
import { type BenchResult, formatTable, toJson } from './report.js';
import { checkTargets } from './targets.js';
import { benchTestRun } from './test-run-bench.js';

/** HostDatapath pins under PIN_ROOT/<instance>; remove PIN_ROOT too if we created it. */
function removePinRootIfOurs(cleanup: Cleanup): void {
  if (existsSync(PIN_ROOT)) return;
  cleanup.add(`remove ${PIN_ROOT} if empty`, () => {
    if (existsSync(PIN_ROOT) && readdirSync(PIN_ROOT).length === 0) rmdirSync(PIN_ROOT);
  });
}

async function bench(options: BenchOptions, cleanup: Cleanup): Promise<BenchResult> {
  ensureBpffsMounted();
  const pinRoot = `${DEFAULT_BPFFS_MOUNT_POINT}/srv6-intents-bench-${randomBytes(4).toString('hex')}`;
  cleanup.add(`remove ${pinRoot}`, () => {
    removePinDirectory(pinRoot);
  });
  removePinRootIfOurs(cleanup);
  const machine = describeMachine();
  progress(
    `pinned maps under ${pinRoot}; ${machine.cpuModel} × ${machine.cpus}, ${machine.kernel}`,
  );

  const testRun = options.sections.has('testRun')
    ? await benchTestRun(pinRoot, options.repeat, options.rounds, cleanup)
    : undefined;
  await cleanup.checkpoint();
  const mapUpdates = options.sections.has('mapUpdates')
    ? await benchMapUpdates(pinRoot, options.mapRuns, cleanup)
    : undefined;
  await cleanup.checkpoint();
  const iperf3 = options.sections.has('iperf3')
    ? await benchIperf3(options.iperfRounds, options.iperfSeconds, cleanup)
    : undefined;
  return {
    machine,
    testRun,
    iperf3,
    mapUpdates,
    targets: checkTargets(testRun, iperf3, mapUpdates),
  };
}

process.exitCode = await runBench({
  name: 'bench-datapath',
  usage: USAGE,
  parse: parseOptions,
  refuse: () => (process.getuid?.() === 0 ? undefined : 'run as root (BPF, network namespaces).'),
  run: bench,
  table: formatTable,
  json: toJson,
});
