/**
 * The services as processes around the diamond lab (buildDiamondLab): a real nats-server,
 * intent-svc, path-svc instances and the host-agent on host-a with the real BPF program.
 * Every service's output is kept; destroy() removes processes, program, pins, state and
 * namespaces, also after a half-finished start.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildDiamondLab, NetnsLab, waitForOutput } from '@srv6/netlab';
import { NatsServerProcess, startNatsServer } from '@srv6/bus';
import { removeAgentDatapath } from './agent-datapath.js';

const APPS = ['intent-svc', 'path-svc', 'host-agent'] as const;
export type App = (typeof APPS)[number];

export interface StackService {
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output: string;
  /** The service's `"event":"ready"` line, parsed. */
  readonly ready: Record<string, unknown>;
}

export class DiamondStack {
  readonly lab: NetnsLab;
  /** The agent's pin directory name: unique per run. */
  readonly agentInstance: string;
  readonly stateDirectory: string;
  readonly services = new Map<string, StackService>();
  private server: NatsServerProcess | undefined;

  constructor(tag: string) {
    this.lab = new NetnsLab(tag);
    this.agentInstance = `${this.lab.prefix}-host-a`;
    this.stateDirectory = mkdtempSync(join(tmpdir(), `srv6-${tag}-`));
  }

  get nats(): NatsServerProcess {
    if (!this.server) throw new Error('the stack is not started');
    return this.server;
  }

  /** Builds the services (tsc -b), the lab and nats-server. */
  async start(): Promise<void> {
    const build = spawnSync('npx', ['tsc', '-b', ...APPS.map((app) => `services/${app}`)], {
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`tsc -b failed: ${build.stdout}${build.stderr}`);
    buildDiamondLab(this.lab);
    this.server = await startNatsServer();
  }

  /** Starts `app` as `name` and waits for its ready line. */
  async service(name: string, app: App, env: Record<string, string>): Promise<StackService> {
    const child = spawn('node', [resolve(`services/${app}/dist/main.js`)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NATS_URL: this.nats.url, ...env },
    });
    const service = { child, output: '', ready: {} };
    this.services.set(name, service);
    child.stdout?.on('data', (chunk: Buffer) => (service.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (service.output += chunk.toString()));
    const line = await waitForOutput(child, /\{[^\n]*"event":"ready"[^\n]*\}/, 20_000);
    service.ready = JSON.parse(line) as Record<string, unknown>;
    return service;
  }

  /** The host-agent of host-a (uplink eth0, CAPACITY 1024), with `env` on top. */
  agent(env: Record<string, string> = {}): Promise<StackService> {
    return this.service('host-agent', 'host-agent', {
      HOST_NAME: 'host-a',
      DATAPATH_INSTANCE: this.agentInstance,
      INTERFACE: 'eth0',
      NETNS: this.lab.ns('host-a'),
      STATE_DIRECTORY: this.stateDirectory,
      CAPACITY: '1024',
      ...env,
    });
  }

  output(name: string): string {
    const service = this.services.get(name);
    if (!service) throw new Error(`no service ${name} was started`);
    return service.output;
  }

  async destroy(): Promise<void> {
    for (const { child } of this.services.values()) child.kill('SIGKILL');
    await this.server?.destroy();
    removeAgentDatapath(this.lab.ns('host-a'), this.agentInstance);
    rmSync(this.stateDirectory, { recursive: true, force: true });
    await this.lab.destroy();
  }
}
