/**
 * The control plane as deployed, small: nats-server with generated credentials (TLS, one user
 * per process, permissions), intent-svc and path-svc as processes, and real host-agents (tc
 * program on a veth in a namespace each). A client connection as the `client` user, HTTP with
 * the write token, the `srv6` CLI with the client's environment, and what a test needs to say
 * that no process died and what is stored. The bad-input tests use it (test/bad-input-*.spec.ts).
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import {
  agentUser,
  BUCKETS,
  CLIENT_USER,
  decodeJson,
  encodeJson,
  ensureCredentials,
  EVENTS_STREAM,
  INTENT_SVC_USER,
  kvStream,
  openClientStorage,
  PATH_SVC_USER,
  securityOptions,
  startNatsServer,
  SUBJECTS,
  type Credentials,
  type FieldError,
  type HostStorage,
  type NatsServerProcess,
  type PolicyRecord,
  type StatusRecord,
  type UserCredentials,
} from '@srv6/bus';
import { agentPinDirectory, removeAgentDatapath } from './agent-datapath.js';
import { NetnsLab } from '@srv6/netlab';

/** Replies are checked field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Reply = any;

export interface AgentSpec {
  readonly host: string;
  /** The agent's CAPACITY; absent = its default (DEFAULT_CAPACITY). */
  readonly capacity?: number;
  /** MTU of the host's uplink (default 1500). */
  readonly mtu?: number;
}

/** One service process and what it printed (drained, so a chatty service never blocks). */
export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Lines at level error or fatal (pino), and how many lines in all. */
  readonly errorLines: string[];
  lines: number;
  /** `{"event":"ready"}` lines seen: 1 unless it restarted. */
  readyLines: number;
  /** The first lines it printed (start-up, for messages). */
  readonly head: string[];
}

export interface StoredState {
  readonly intents: Record<string, { revision: number; intent: unknown }>;
  readonly topology: { revision: number; topology: unknown } | undefined;
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** What `srv6 apply -f` printed, read back: the revision, or the listed `  path: message`s. */
export interface CliApply extends CliResult {
  readonly applied?: { readonly name: string; readonly revision: number };
  readonly errors: FieldError[];
}

export type Target = 'intent' | 'topology';

export const SRV6_CLI = 'cli/bin/srv6.mjs';

export class SecureStack {
  readonly services = new Map<string, ServiceProcess>();
  client!: NatsConnection;
  storage!: HostStorage;
  httpUrl = '';
  private credentials!: Credentials;
  private nats!: NatsServerProcess;
  private inspector!: NatsConnection;
  private jsm!: JetStreamManager;
  private readonly opened: NatsConnection[] = [];
  private files = 0;

  private constructor(
    readonly directory: string,
    readonly lab: NetnsLab,
    private readonly agents: readonly AgentSpec[],
  ) {}

  /** Builds the services, starts everything; on failure removes what it started and throws. */
  static async start(tag: string, agents: readonly AgentSpec[]): Promise<SecureStack> {
    const build = spawnSync(
      'npx',
      ['tsc', '-b', 'services/intent-svc', 'services/path-svc', 'services/host-agent', 'cli'],
      { encoding: 'utf8' },
    );
    if (build.status !== 0) throw new Error(`tsc -b failed: ${build.stdout}${build.stderr}`);
    const stack = new SecureStack(
      mkdtempSync(join(tmpdir(), `srv6-${tag}-`)),
      new NetnsLab(tag),
      agents,
    );
    try {
      await stack.startAll();
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  get httpToken(): string {
    return this.credentials.httpToken;
  }

  get natsUrl(): string {
    return this.nats.url;
  }

  userCredentials(user: string): UserCredentials {
    return this.credentials.user(user);
  }

  /** The pin directory of an agent's maps. */
  pinDirectory(host: string): string {
    return agentPinDirectory(`${this.lab.prefix}-${host}`);
  }

  private async startAll(): Promise<void> {
    const hosts = this.agents.map((agent) => agent.host);
    this.credentials = ensureCredentials({ directory: this.directory, hosts });
    this.nats = await startNatsServer({ extraArgs: ['-c', this.credentials.serverConfig] });
    this.lab.addNode('peer');
    for (const [index, { host, mtu }] of this.agents.entries()) {
      this.lab.addNode(host);
      this.lab.addLink(host, 'eth0', 'peer', `to-${host}`, { mtu });
      // A default route, as on a real host: the agent copies its next hop into route MTUs.
      this.lab.addAddress(host, 'eth0', `2001:db8:ff::${index + 1}/64`);
      this.lab.addRoute(host, ['default', 'dev', 'eth0']);
    }
    // Agents first: they wait for the buckets the services create.
    for (const { host, capacity } of this.agents) {
      this.startService(`host-agent-${host}`, 'host-agent', agentUser(host), {
        HOST_NAME: host,
        INTERFACE: 'eth0',
        NETNS: this.lab.ns(host),
        DATAPATH_INSTANCE: `${this.lab.prefix}-${host}`,
        STATE_DIRECTORY: join(this.directory, 'agents', host),
        REPORT_INTERVAL_MS: '500',
        ...(capacity === undefined ? {} : { CAPACITY: String(capacity) }),
      });
    }
    const intentSvc = this.startService('intent-svc', 'intent-svc', INTENT_SVC_USER, {
      HTTP_PORT: '0',
    });
    await ready(intentSvc, 20_000);
    const listening = intentSvc.head.find((line) => /"httpPort":\d+/.test(line));
    this.httpUrl = `http://127.0.0.1:${/"httpPort":(\d+)/.exec(listening ?? '')?.[1]}`;
    await ready(this.startService('path-svc', 'path-svc', PATH_SVC_USER, {}), 20_000);
    for (const { host } of this.agents)
      await ready(this.services.get(`host-agent-${host}`)!, 30_000);

    this.client = await this.connectAs(CLIENT_USER);
    this.storage = await openClientStorage(this.client);
    // Stream figures (messages, last sequence) need intent-svc's rights; the test only reads.
    this.inspector = await this.connectAs(INTENT_SVC_USER);
    this.jsm = await jetstreamManager(this.inspector);
  }

  private startService(
    name: string,
    app: string,
    user: string,
    env: Record<string, string>,
  ): ServiceProcess {
    const child = spawn('node', [resolve(`services/${app}/dist/main.js`)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NATS_URL: this.nats.url, ...this.credentials.env(user), ...env },
    });
    const service: ServiceProcess = {
      name,
      child,
      pid: child.pid!,
      errorLines: [],
      lines: 0,
      readyLines: 0,
      head: [],
    };
    for (const stream of [child.stdout!, child.stderr!]) {
      let partial = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          service.lines++;
          if (service.head.length < 50) service.head.push(line.slice(0, 2000));
          if (/"event":"ready"/.test(line)) service.readyLines++;
          if (/"level":("error"|"fatal"|50|60)\b/.test(line) || /^\S*Error\b/.test(line))
            service.errorLines.push(line.slice(0, 2000));
        }
      });
    }
    this.services.set(name, service);
    return service;
  }

  async connectAs(user: string): Promise<NatsConnection> {
    const nc = await connect({
      servers: this.nats.url,
      name: `bad-input test ${user}`,
      ...securityOptions(this.credentials.user(user)),
      maxReconnectAttempts: 0,
    });
    this.opened.push(nc);
    return nc;
  }

  /** A raw request: objects as JSON, text and bytes as given; the reply parsed. */
  async request<T = Reply>(subject: string, body: unknown, timeout = 10_000): Promise<T> {
    const data =
      body instanceof Uint8Array
        ? body
        : typeof body === 'string'
          ? new TextEncoder().encode(body)
          : encodeJson(body);
    return decodeJson<T>((await this.client.request(subject, data, { timeout })).data);
  }

  /** An HTTP request; writes carry the token unless `token` says otherwise. */
  async http(
    method: string,
    path: string,
    body?: string | Uint8Array,
    contentType = 'application/json',
    token: string | undefined = this.credentials.httpToken,
  ): Promise<{ status: number; body: Reply }> {
    const response = await fetch(`${this.httpUrl}${path}`, {
      method,
      body,
      headers: {
        ...(body === undefined ? {} : { 'content-type': contentType }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { unparsable: text.slice(0, 500) };
    }
    return { status: response.status, body: parsed };
  }

  /** POST /v1/intents or PUT /v1/topology with `body`, and the write token. */
  httpApply(
    target: Target,
    body: string | Uint8Array,
    contentType?: string,
  ): Promise<{ status: number; body: Reply }> {
    return target === 'intent'
      ? this.http('POST', '/v1/intents', body, contentType)
      : this.http('PUT', '/v1/topology', body, contentType);
  }

  /**
   * `srv6 apply -f FILE` (`srv6 topology apply -f FILE` for a topology) with `body` as the file.
   * A refusal prints `srv6: <what> refused:` (or `srv6: FILE:`) and one `  path: message` line
   * per problem, `(document)` for the whole document; a single-line failure becomes one error.
   */
  async cliApply(target: Target, body: string | Uint8Array): Promise<CliApply> {
    const file = join(this.directory, `document-${++this.files}`);
    writeFileSync(file, body);
    const args = target === 'topology' ? ['topology', 'apply', '-f', file] : ['apply', '-f', file];
    const result = await this.cli(args);
    rmSync(file, { force: true });
    const done = /^(?:intent|topology) (\S+) applied \(revision (\d+)\)\n$/.exec(result.stdout);
    if (result.status === 0 && done)
      return { ...result, applied: { name: done[1]!, revision: Number(done[2]) }, errors: [] };
    const errors = result.stderr
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => {
        const [, path, message] = /^ {2}(.*?): (.*)$/s.exec(line) ?? [];
        return { path: path === '(document)' ? '' : (path ?? ''), message: message ?? line };
      });
    if (errors.length === 0 && result.stderr.startsWith('srv6: '))
      errors.push({ path: '', message: result.stderr.slice('srv6: '.length).trim() });
    return { ...result, errors };
  }

  /** `srv6 ARGS…` as a user runs it, logged in as the client user over TLS. */
  cli(args: readonly string[], timeoutMs = 30_000): Promise<CliResult> {
    return new Promise((done) => {
      const child = spawn('node', [SRV6_CLI, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NATS_URL: this.nats.url, ...this.credentials.env(CLIENT_USER) },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('close', (status) => {
        clearTimeout(timer);
        done({ status, stdout, stderr });
      });
    });
  }

  /** What the public API says is stored: srv6.intents.list, each get, srv6.topology.get. */
  async storedState(): Promise<StoredState> {
    const list = await this.request(SUBJECTS.intentsList, {});
    if (!list.ok) throw new Error(`list failed: ${JSON.stringify(list)}`);
    const intents: StoredState['intents'] = {};
    for (const { name, revision } of list.intents as Array<{ name: string; revision: number }>) {
      const got = await this.request(SUBJECTS.intentsGet, { name });
      if (!got.ok) throw new Error(`get ${name} failed: ${JSON.stringify(got)}`);
      if (got.revision !== revision)
        throw new Error(`${name}: list says ${revision}, get ${got.revision}`);
      intents[name] = { revision: got.revision, intent: got.intent };
    }
    const topology = await this.request(SUBJECTS.topologyGet, {});
    return {
      intents,
      topology: topology.ok
        ? { revision: topology.revision, topology: topology.topology }
        : undefined,
    };
  }

  /** Last sequence of the intents and topology buckets' streams and of the events stream. */
  async streamSequences(): Promise<Record<string, number>> {
    const sequences: Record<string, number> = {};
    for (const name of [kvStream(BUCKETS.intents), kvStream(BUCKETS.topology), EVENTS_STREAM])
      sequences[name] = (await this.jsm.streams.info(name)).state.last_seq;
    return sequences;
  }

  async policy(key: string): Promise<PolicyRecord | undefined> {
    const entry = await this.storage.policies.get(key);
    return entry?.operation === 'PUT' ? decodeJson<PolicyRecord>(entry.value) : undefined;
  }

  async status(key: string): Promise<StatusRecord | undefined> {
    const entry = await this.storage.status.get(key);
    return entry?.operation === 'PUT' ? decodeJson<StatusRecord>(entry.value) : undefined;
  }

  /** Resident memory of a service process, in bytes (/proc). */
  rssBytes(name: string): number {
    const status = readFileSync(`/proc/${this.services.get(name)!.pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) * 1024;
  }

  /** Every service that exited, restarted or cannot be signalled, with why. */
  deadServices(): string[] {
    const problems: string[] = [];
    for (const service of this.services.values()) {
      const { child } = service;
      if (child.exitCode !== null || child.signalCode !== null)
        problems.push(`${service.name} exited (${child.exitCode ?? child.signalCode})`);
      else if (service.readyLines !== 1)
        problems.push(`${service.name} printed "ready" ${service.readyLines} times`);
      else {
        try {
          process.kill(service.pid, 0);
        } catch (error) {
          problems.push(`${service.name} pid ${service.pid}: ${(error as Error).message}`);
        }
      }
    }
    if (this.nats.output().includes('[FTL]')) problems.push('nats-server logged a fatal error');
    return problems;
  }

  async stop(): Promise<void> {
    for (const nc of this.opened) await nc.close().catch(() => undefined);
    for (const service of this.services.values()) service.child.kill('SIGKILL');
    await this.nats?.destroy();
    for (const { host } of this.agents) {
      removeAgentDatapath(this.lab.ns(host), `${this.lab.prefix}-${host}`);
    }
    await this.lab.destroy();
    rmSync(this.directory, { recursive: true, force: true });
  }
}

/** Resolves when the service printed its ready line; rejects when it exits or is late. */
async function ready(service: ServiceProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (service.readyLines === 0) {
    const { exitCode, signalCode } = service.child;
    if (exitCode !== null || signalCode !== null || Date.now() > deadline) {
      const why =
        exitCode !== null || signalCode !== null
          ? `exited (${exitCode ?? signalCode})`
          : `not ready within ${timeoutMs} ms`;
      throw new Error(`${service.name} ${why}; it printed:\n${service.head.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Polls `probe` until it gives a value. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
