/**
 * `npm run bench:scale`: does path-svc scale out? The same load — N intents on the generated
 * 1,000-node / 4,000-link topology, applied over real NATS with 32 requests in flight — is computed by 1, 2 and 4
 * path-svc instances sharing the durable consumer, one configuration after the other with a
 * fresh nats-server and intent-svc each. Prints intents/s (apply of the first → policy of the
 * last seen in KV), the speed-up over one instance, and the CPU seconds of every process, so
 * the figure can be read against what this machine has (2 vCPUs here).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import {
  connectBus,
  decodeJson,
  encodeJson,
  openStorage,
  startNatsServer,
  SUBJECTS,
  type ApplyReply,
} from '@srv6/bus';
import { waitForOutput } from '@srv6/netlab';
import { buildGraph } from '@srv6/path';
import type { Intent } from '@srv6/schema';
import { Cleanup } from '../common/cleanup.js';
import { parseCommandLine, positiveInteger, UsageError } from '../common/command-line.js';
import { describeMachine } from '../common/machine.js';
import { progress } from '../common/progress.js';
import { cpuSeconds, machineJiffies } from './control-plane-stack.js';
import { generatedSetup } from './generated-setup.js';
import { intentFor, KINDS, lowestDelays, randomPairs } from './workload.js';

const USAGE = `usage: npm run bench:scale [-- options]

Applies the same intents (32 requests in flight) to 1, 2 and 4 path-svc instances (real nats-server and
intent-svc, fresh for each) and prints intents/s, the speed-up and CPU use.
  --intents N        intents per configuration (default 400)
  --instances LIST   path-svc counts (default 1,2,4)
  --nodes N --links N --seed N   the generated topology (default 1000, 4000, 1)
  --json             JSON on stdout
  -h, --help`;

interface Options {
  readonly intents: number;
  readonly instances: number[];
  readonly nodes: number;
  readonly links: number;
  readonly seed: number;
  readonly json: boolean;
}

function parse(argv: readonly string[]): Options | undefined {
  const options = { intents: 400, instances: [1, 2, 4], nodes: 1000, links: 4000, seed: 1 };
  const flags = parseCommandLine(argv, (name, value) => {
    if (name === '--intents') options.intents = positiveInteger(name, value(), 100_000);
    else if (name === '--nodes') options.nodes = positiveInteger(name, value(), 10_000);
    else if (name === '--links') options.links = positiveInteger(name, value(), 100_000);
    else if (name === '--seed') options.seed = positiveInteger(name, value(), 0x7fffffff);
    else if (name === '--instances')
      options.instances = (value() ?? '').split(',').map((part) => positiveInteger(name, part, 8));
    else return false;
    return true;
  });
  return flags && { ...options, json: flags.json };
}

interface Row {
  readonly instances: number;
  readonly intents: number;
  readonly seconds: number;
  readonly intentsPerSecond: number;
  readonly cpuSeconds: Record<string, number>;
  readonly machineBusyPercent: number;
}

function startService(
  cleanup: Cleanup,
  service: string,
  env: Record<string, string>,
): ChildProcess {
  const child = spawn(process.execPath, [resolve(`services/${service}/dist/main.js`)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
  });
  cleanup.add(`stop ${service} ${child.pid}`, async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    await gone;
  });
  return child;
}

async function runOne(
  instances: number,
  topology: unknown,
  intents: readonly Intent[],
): Promise<Row> {
  const cleanup = new Cleanup();
  try {
    const nats = await startNatsServer();
    cleanup.add('stop nats-server', () => nats.destroy());
    const env = { NATS_URL: nats.url, HTTP_PORT: '0', HTTP_HOST: '127.0.0.1' };
    const intentSvc = startService(cleanup, 'intent-svc', env);
    await waitForOutput(intentSvc, /"event":"ready"/, 30_000);
    const pathSvcs = Array.from({ length: instances }, (_, i) =>
      startService(cleanup, 'path-svc', { ...env, INSTANCE: `scale-p${i + 1}` }),
    );
    await Promise.all(pathSvcs.map((child) => waitForOutput(child, /"event":"ready"/, 30_000)));
    const nc = await connectBus({ servers: nats.url, name: 'bench-scale' });
    cleanup.add('close NATS', () => nc.close());
    const storage = await openStorage(nc);
    const request = async (subject: string, body: unknown): Promise<void> => {
      const reply = decodeJson<ApplyReply>(
        (await nc.request(subject, encodeJson(body), { timeout: 60_000 })).data,
      );
      if (!reply.ok) throw new Error(`${subject}: ${JSON.stringify(reply.errors).slice(0, 300)}`);
    };
    await request(SUBJECTS.topologyApply, topology);

    const seen = new Set<string>();
    let done!: () => void;
    const all = new Promise<void>((resolve_) => (done = resolve_));
    const watch = await storage.policies.watch({ include: 'updates' });
    void (async () => {
      for await (const entry of watch) {
        seen.add(entry.key);
        if (seen.size === intents.length) done();
      }
    })();
    const processes: Array<[string, number | undefined]> = [
      ['intent-svc', intentSvc.pid],
      ...pathSvcs.map((child, i): [string, number | undefined] => [`path-svc ${i + 1}`, child.pid]),
    ];
    const cpuBefore = processes.map(([, pid]) => cpuSeconds(pid) ?? 0);
    const machineBefore = machineJiffies();
    const started = performance.now();
    // 32 requests in flight, like a busy client: the load reaches path-svc as fast as intent-svc
    // stores it (thousands at once only queue up in intent-svc and time out its KV writes)
    let next = 0;
    const sender = async (): Promise<void> => {
      while (next < intents.length) await request(SUBJECTS.intentsApply, intents[next++]);
    };
    await Promise.all(Array.from({ length: 32 }, sender));
    const deadline = setTimeout(() => done(), 15 * 60_000);
    await all;
    clearTimeout(deadline);
    const seconds = (performance.now() - started) / 1000;
    watch.stop();
    if (seen.size < intents.length)
      throw new Error(
        `${instances} instance(s): ${seen.size} of ${intents.length} policies after 15 min`,
      );
    const machineAfter = machineJiffies();
    const cpu = Object.fromEntries(
      processes.map(([name, pid], i) => [
        name,
        Math.round(((cpuSeconds(pid) ?? 0) - cpuBefore[i]!) * 10) / 10,
      ]),
    );
    for (const child of pathSvcs) {
      if (child.exitCode !== null) throw new Error('a path-svc instance exited during the run');
    }
    return {
      instances,
      intents: intents.length,
      seconds: Math.round(seconds * 100) / 100,
      intentsPerSecond: Math.round((intents.length / seconds) * 10) / 10,
      cpuSeconds: cpu,
      machineBusyPercent: Math.round(
        (100 * (machineAfter.busy - machineBefore.busy)) /
          (machineAfter.total - machineBefore.total),
      ),
    };
  } finally {
    await cleanup.run();
  }
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  if (!options) {
    console.log(USAGE);
    return;
  }
  const machine = describeMachine();
  progress(
    `generating the ${options.nodes}-node, ${options.links}-link topology (seed ${options.seed})`,
  );
  const setup = generatedSetup(options.nodes, options.links, options.seed);
  const pairs = randomPairs(setup.generated, options.intents, options.seed);
  const delays = lowestDelays(buildGraph(setup.topology), pairs);
  const intents = pairs.map((pair, i) =>
    intentFor(`scale-${i}`, KINDS[i % KINDS.length]!, pair, delays[i]!, 5000 + (i % 1000)),
  );
  const rows: Row[] = [];
  for (const instances of options.instances) {
    progress(`${instances} path-svc instance(s): applying ${intents.length} intents`);
    rows.push(await runOne(instances, setup.generated.topology, intents));
    progress(`  ${rows.at(-1)!.intentsPerSecond} intents/s`);
  }
  const base = rows[0]!.intentsPerSecond;
  if (options.json) {
    console.log(JSON.stringify({ machine, topology: setup.facts, rows }, null, 2));
    return;
  }
  console.log(
    `path-svc scale-out — ${machine.cpuModel} × ${machine.cpus} CPUs, ${machine.kernel}, Node ${machine.node}; ${machine.date}`,
  );
  console.log(
    `load: ${intents.length} intents (${KINDS.join(', ')} in turn) on ${setup.facts.nodes} nodes / ${setup.facts.links} links, applied over NATS, 32 requests in flight; time = first apply → last policy in KV\n`,
  );
  for (const row of rows) {
    const cpu = Object.entries(row.cpuSeconds)
      .map(([name, seconds]) => `${name} ${seconds}`)
      .join(', ');
    console.log(
      `  ${String(row.instances).padStart(2)} path-svc  ${row.intentsPerSecond.toFixed(1).padStart(7)} intents/s  ×${(row.intentsPerSecond / base).toFixed(2)}  (${row.seconds} s; machine ${row.machineBusyPercent} % busy; CPU s: ${cpu})`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:scale: ${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
