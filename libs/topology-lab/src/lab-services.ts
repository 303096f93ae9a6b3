/**
 * The control plane of a lab, as real processes: nats-server (JetStream, store in the lab's run
 * directory), intent-svc (NATS + HTTP), n path-svc instances sharing the work, and one
 * host-agent per topology host with the tc program on that host's uplink.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  agentUser,
  CLIENT_USER,
  ensureCredentials,
  freePort,
  INTENT_SVC_USER,
  PATH_SVC_USER,
} from '@srv6/bus';
import { PIN_ROOT } from '@srv6/datapath';
import { saveLabState, type LabState } from './lab-state.js';
import { startDetached, waitForLog, waitForPort, type LabProcess } from './lab-processes.js';
import type { TopologyLab } from './topology-lab.js';

export const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface LabServicesOptions {
  readonly pathSvcInstances?: number;
  /** How often agents report counters, ms (the lab reads them right after traffic). */
  readonly reportIntervalMs?: number;
  readonly progress?: (line: string) => void;
}

const READY = /"event":"ready"/;

/** Starts every process and records it in `state` (saved after each start). */
export async function startLabServices(
  lab: TopologyLab,
  state: LabState,
  options: LabServicesOptions = {},
): Promise<{ natsUrl: string; httpUrl: string }> {
  const progress = options.progress ?? (() => undefined);
  const logs = join(state.runDirectory, 'logs');
  mkdirSync(logs, { recursive: true });
  const track = (started: LabProcess): LabProcess => {
    state.processes.push(started);
    saveLabState(state);
    return started;
  };

  const natsPort = await freePort();
  const store = join(state.runDirectory, 'nats');
  // Per-lab credentials (docs/security.md): a NATS user per process with its permissions, TLS,
  // the HTTP token; nats-server takes the users and TLS from the generated config.
  const credentials = ensureCredentials({
    directory: join(state.runDirectory, 'credentials'),
    hosts: lab.plan.hosts.map((host) => host.name),
  });
  state.clientBus = credentials.user(CLIENT_USER);
  state.httpToken = credentials.httpToken;
  const natsConfig = credentials.serverConfig;
  const nats = track(
    startDetached(
      'nats-server',
      'nats-server',
      ['-js', '-a', '127.0.0.1', '-p', String(natsPort), '-sd', store, '-c', natsConfig],
      {},
      join(logs, 'nats-server.log'),
    ),
  );
  await waitForPort(nats, natsPort);
  const natsUrl = `nats://127.0.0.1:${natsPort}`;
  state.natsUrl = natsUrl;
  progress(`nats-server (JetStream) on ${natsUrl}`);

  const service = (name: string, app: string, env: Record<string, string>): LabProcess =>
    track(
      startDetached(
        name,
        process.execPath,
        [join(REPOSITORY_ROOT, 'services', app, 'dist', 'main.js')],
        { NATS_URL: natsUrl, ...metricsEnv(name), ...env },
        join(logs, `${name}.log`),
      ),
    );

  const httpPort = await freePort();
  const instances = options.pathSvcInstances ?? 2;
  // Each path-svc and agent serves /metrics on a port of its own; intent-svc on its HTTP API.
  const metricsPorts = new Map<string, number>();
  const metricsEnv = (name: string): Record<string, string> => {
    const port = metricsPorts.get(name);
    return port === undefined ? {} : { METRICS_PORT: String(port) };
  };
  for (const name of [
    ...Array.from({ length: instances }, (_, i) => `path-svc-${i + 1}`),
    ...lab.plan.hosts.map((host) => `host-agent-${host.name}`),
  ])
    metricsPorts.set(name, await freePort());
  const intentSvc = service('intent-svc', 'intent-svc', {
    ...credentials.env(INTENT_SVC_USER),
    HTTP_PORT: String(httpPort),
  });
  const pathSvcs = Array.from({ length: instances }, (_, i) =>
    service(`path-svc-${i + 1}`, 'path-svc', {
      ...credentials.env(PATH_SVC_USER),
      INSTANCE: `${state.prefix}-path-${i + 1}`,
    }),
  );
  const agents = lab.plan.hosts.map((host) => {
    const instance = `${state.prefix}-${host.name}`;
    state.pinDirectories.push(`${PIN_ROOT}/${instance}`);
    return service(`host-agent-${host.name}`, 'host-agent', {
      ...credentials.env(agentUser(host.name)),
      HOST_NAME: host.name,
      INTERFACE: host.uplink,
      NETNS: lab.ns(host.name),
      DATAPATH_INSTANCE: instance,
      STATE_DIRECTORY: join(state.runDirectory, 'agents', host.name),
      REPORT_INTERVAL_MS: String(options.reportIntervalMs ?? 1000),
    });
  });
  for (const started of [intentSvc, ...pathSvcs, ...agents]) await waitForLog(started, READY);
  state.httpUrl = `http://127.0.0.1:${httpPort}`;
  state.metricsUrls = {
    'intent-svc': `${state.httpUrl}/metrics`,
    ...Object.fromEntries(
      [...metricsPorts].map(([name, port]) => [name, `http://127.0.0.1:${port}/metrics`]),
    ),
  };
  saveLabState(state);
  progress(
    `intent-svc (HTTP ${state.httpUrl}), ${instances} path-svc, ${agents.length} host-agents: ready`,
  );
  return { natsUrl, httpUrl: state.httpUrl };
}

/**
 * Starts a process of the lab again the way it was first started (same settings, same log,
 * appended), e.g. after a test killed it; replaces its entry in `state`.
 */
export async function restartProcess(
  state: LabState,
  name: string,
  ready: RegExp = READY,
): Promise<LabProcess> {
  const index = state.processes.findIndex((item) => item.name === name);
  if (index === -1) throw new Error(`the lab has no process ${name}`);
  const old = state.processes[index]!;
  const offset = existsSync(old.log) ? statSync(old.log).size : 0;
  const started = startDetached(name, old.command, old.args, { ...old.env }, old.log);
  state.processes[index] = started;
  saveLabState(state);
  await waitForLog(started, ready, 30_000, offset);
  return started;
}
