/**
 * npm run bench:control [-- --json]: the control-plane benchmark (see docs/benchmarks.md and
 * `--help`). Sections run one after another; whatever they create is registered with Cleanup
 * and removed at the end, on failure and on SIGINT/SIGTERM/SIGHUP.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { runBench } from '../common/bench-main.js';
import type { Cleanup } from '../common/cleanup.js';
import { describeMachine } from '../common/machine.js';
import { progress } from '../common/progress.js';
import { benchApply } from './apply-bench.js';
import { benchCompute } from './compute-bench.js';
import { generatedSetup } from './generated-setup.js';
import { parseOptions, USAGE, type ControlBenchOptions } from './options.js';
import { benchRecompute } from './recompute-bench.js';
import { type ControlBenchResult, type ControlMachine, formatTable, toJson } from './report.js';

function machine(): ControlMachine {
  const { kernel, cpuModel, cpus, memoryGiB, node, date } = describeMachine();
  const version = spawnSync('nats-server', ['--version'], { encoding: 'utf8' });
  const natsServer = (version.stdout || 'nats-server unknown').trim();
  return { kernel, cpuModel, cpus, memoryGiB, node, date, natsServer };
}

async function bench(options: ControlBenchOptions, cleanup: Cleanup): Promise<ControlBenchResult> {
  const about = machine();
  progress(`${about.cpuModel} × ${about.cpus}, ${about.kernel}, ${about.natsServer}`);
  const needsTopology = options.sections.has('compute') || options.sections.has('recompute');
  const setup = needsTopology
    ? generatedSetup(options.nodes, options.links, options.seed)
    : undefined;
  await cleanup.checkpoint();
  const compute =
    setup && options.sections.has('compute')
      ? await benchCompute(setup, options.pairs, options.seed, cleanup)
      : undefined;
  const recompute =
    setup && options.sections.has('recompute')
      ? await benchRecompute(setup, options.intents, options.sweep, options.seed, cleanup)
      : undefined;
  const apply = options.sections.has('apply')
    ? await benchApply(
        options.applyIntents,
        options.sequential,
        options.pipelined,
        options.capacity,
        cleanup,
      )
    : undefined;
  return { machine: about, topology: setup?.facts, compute, recompute, apply };
}

process.exitCode = await runBench({
  name: 'bench-control',
  usage: USAGE,
  parse: parseOptions,
  refuse: (options) =>
    options.sections.has('apply') && !options.writeTopology && process.getuid?.() !== 0
      ? 'the apply section needs root (BPF, network namespaces); use --only compute,recompute otherwise.'
      : undefined,
  instead: (options) => {
    if (!options.writeTopology) return undefined;
    const { topology } = generatedSetup(options.nodes, options.links, options.seed);
    writeFileSync(options.writeTopology, `${JSON.stringify(topology)}\n`);
    progress(`wrote ${options.writeTopology}`);
    return 0;
  },
  run: bench,
  table: formatTable,
  json: toJson,
  verdict: (result) => {
    if (!result.recompute || result.recompute.verified) return 0;
    progress('FAILED: the incremental recompute differs from the full one (see the report)');
    return 1;
  },
});
