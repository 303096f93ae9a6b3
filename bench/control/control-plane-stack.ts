/**
 * The real control plane as processes, as test/control-plane.spec.ts starts it: a real
 * nats-server (JetStream, temporary store), intent-svc, n path-svc instances and the host-agent
 * of host-a (real BPF program on the veth `eth0` of a network namespace), each from
 * services/<name>/dist/main.js. Every part registers its removal with Cleanup: processes are
 * stopped (SIGTERM, then SIGKILL after 5 s), the agent's pins and state directory removed, the
 * store deleted, the namespaces deleted.
 *
 * The lab is the smallest the agent needs: host-a —eth0— r1, with a default route via r1 (the
 * agent copies its next hop into the per-destination MTU routes). Nothing is forwarded.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  connectBus,
  openStorage,
  startNatsServer,
  type BusStorage,
  type NatsServerProcess,
} from '@srv6/bus';
import { PIN_ROOT, removePinDirectory } from '@srv6/datapath';
import { NetnsLab, waitForOutput } from '@srv6/netlab';
import type { Cleanup } from '../common/cleanup.js';
import { progress } from '../common/progress.js';

export type BusConnection = Awaited<ReturnType<typeof connectBus>>;

export const HOST = 'host-a';
export const HOST_ADDRESS = '2001:db8:a::10';
const GATEWAY = '2001:db8:a::1';
const READY_TIMEOUT_MS = 30_000;
const OUTPUT_KEPT = 20_000;

export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last OUTPUT_KEPT characters of stdout + stderr (for error messages). */
  output(): string;
}

export interface StackOptions {
  readonly pathSvcInstances: number;
  readonly capacity: number;
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

/** Busy and total jiffies of all CPUs together, from /proc/stat. */
export function machineJiffies(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** The pid of the nats-server using `storeDirectory` (NatsServerProcess does not expose it). */
function natsServerPid(storeDirectory: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('nats-server') && argv.includes(storeDirectory)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}

export class ControlPlaneStack {
  private constructor(
    readonly lab: NetnsLab,
    readonly nats: NatsServerProcess,
    readonly nc: BusConnection,
    readonly storage: BusStorage,
    readonly services: readonly ServiceProcess[],
    readonly natsPid: number | undefined,
  ) {}

  static async start(options: StackOptions, cleanup: Cleanup): Promise<ControlPlaneStack> {
    const lab = new NetnsLab('s6cb');
    cleanup.add(`destroy lab ${lab.prefix}`, () => lab.destroy());
    lab.addNode(HOST);
    lab.addNode('r1', { router: true });
    lab.addLink(HOST, 'eth0', 'r1', 'to-a', { mtu: 1500 });
    lab.addAddress(HOST, 'eth0', `${HOST_ADDRESS}/64`);
    lab.addAddress('r1', 'to-a', `${GATEWAY}/64`);
    lab.addRoute(HOST, ['default', 'via', GATEWAY]);

    const nats = await startNatsServer();
    cleanup.add(`stop nats-server on ${nats.port}, remove ${nats.storeDirectory}`, () =>
      nats.destroy(),
    );
    const natsPid = natsServerPid(nats.storeDirectory);

    const services: ServiceProcess[] = [];
    const start = (service: string, name: string, env: Record<string, string>): ServiceProcess => {
      const child = spawn(
        'node',
        [
          ...(process.env['BENCH_SERVICE_NODE_ARGS'] ?? '').split(' ').filter(Boolean),
          resolve(`services/${service}/dist/main.js`),
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, NATS_URL: nats.url, ...env },
        },
      );
      let output = '';
      const keep = (chunk: Buffer): void => {
        output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      cleanup.add(`stop ${name} (pid ${child.pid})`, () => stopProcess(child));
      const started: ServiceProcess = { name, child, output: () => output };
      services.push(started);
      return started;
    };
    const ready = async (service: ServiceProcess): Promise<void> => {
      await waitForOutput(service.child, /"event":"ready"/, READY_TIMEOUT_MS);
    };

    await ready(
      start('intent-svc', 'intent-svc', { HTTP_PORT: '0', INSTANCE: 'bench-intent-svc' }),
    );
    for (let i = 1; i <= options.pathSvcInstances; i++)
      await ready(start('path-svc', `path-svc p${i}`, { INSTANCE: `bench-p${i}` }));

    const instance = `${lab.prefix}-${HOST}`;
    const stateDirectory = mkdtempSync(join(tmpdir(), 'srv6-bench-agent-'));
    const pinRootExisted = existsSync(PIN_ROOT);
    cleanup.add(`remove ${PIN_ROOT}/${instance} and ${stateDirectory}`, () => {
      removePinDirectory(`${PIN_ROOT}/${instance}`);
      rmSync(stateDirectory, { recursive: true, force: true });
      if (!pinRootExisted && existsSync(PIN_ROOT) && readdirSync(PIN_ROOT).length === 0)
        rmdirSync(PIN_ROOT);
    });
    await ready(
      start('host-agent', 'host-agent', {
        HOST_NAME: HOST,
        INTERFACE: 'eth0',
        NETNS: lab.ns(HOST),
        DATAPATH_INSTANCE: instance,
        STATE_DIRECTORY: stateDirectory,
        CAPACITY: String(options.capacity),
      }),
    );

    const nc = await connectBus({ servers: nats.url, name: 'bench-control' });
    cleanup.add('close the bench NATS connection', () => nc.close());
    const storage = await openStorage(nc);
    progress(
      `apply: stack up (nats-server ${nats.url}, intent-svc, ${options.pathSvcInstances} path-svc, host-agent in ${lab.ns(HOST)})`,
    );
    return new ControlPlaneStack(lab, nats, nc, storage, services, natsPid);
  }

  /** CPU seconds used so far by each service process and nats-server. */
  cpu(): Record<string, number | undefined> {
    const result: Record<string, number | undefined> = {};
    for (const service of this.services) result[service.name] = cpuSeconds(service.child.pid);
    result['nats-server'] = cpuSeconds(this.natsPid);
    return result;
  }

  /** Throws with the process's output if any service has exited. */
  checkAlive(): void {
    for (const service of this.services) {
      if (service.child.exitCode !== null || service.child.signalCode !== null) {
        throw new Error(
          `${service.name} exited (${service.child.exitCode ?? service.child.signalCode}); output: ${service.output().trim()}`,
        );
      }
    }
  }

  /** Routes the agent installed (proto 250) in host-a's namespace. */
  agentRoutes(): number {
    return this.lab
      .exec(HOST, 'ip', ['-6', 'route', 'show', 'proto', '250'])
      .split('\n')
      .filter(Boolean).length;
  }
}
