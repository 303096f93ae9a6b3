/**
 * npm run bench:control [-- --json]: the control-plane benchmark (see docs/benchmarks.md and
 * `--help`). Sections run one after another; whatever they create is registered with Cleanup
 * and removed at the end, on failure and on SIGINT/SIGTERM/SIGHUP.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Cleanup } from '../datapath/cleanup.js';
import { describeMachine } from '../datapath/machine.js';
import { progress } from '../datapath/progress.js';
import { benchApply } from './apply-bench.js';
import { benchCompute } from './compute-bench.js';
import { generatedSetup } from './generated-setup.js';
import { parseOptions, USAGE, UsageError, type ControlBenchOptions } from './options.js';
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

async function main(): Promise<number> {
  let options: ControlBenchOptions | undefined;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench-control: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (!options) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (options.writeTopology) {
    const { topology } = generatedSetup(options.nodes, options.links, options.seed);
    writeFileSync(options.writeTopology, `${JSON.stringify(topology)}\n`);
    progress(`wrote ${options.writeTopology}`);
    return 0;
  }
  if (options.sections.has('apply') && process.getuid?.() !== 0) {
    process.stderr.write(
      'bench-control: the apply section needs root (BPF, network namespaces); use --only compute,recompute otherwise.\n',
    );
    return 1;
  }

  const cleanup = new Cleanup();
  cleanup.installSignalHandlers();
  try {
    const result = await bench(options, cleanup);
    progress('cleaning up');
    await cleanup.run();
    process.stdout.write(
      options.json ? `${JSON.stringify(toJson(result), null, 2)}\n` : formatTable(result),
    );
    if (result.recompute && !result.recompute.verified) {
      progress('FAILED: the incremental recompute differs from the full one (see the report)');
      return 1;
    }
    return 0;
  } catch (error) {
    await new Promise((resolve) => setImmediate(resolve));
    if (cleanup.interrupted) return 130;
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  } finally {
    await cleanup.run();
  }
}

process.exitCode = await main();
