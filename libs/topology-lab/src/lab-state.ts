/**
 * What a running lab owns, written to /run/srv6-intents/labs/<prefix>.json as soon as it exists,
 * so that `npm run lab:down` can remove a kept lab — or the remains of one whose command was
 * killed — and nothing is left behind: processes, namespaces, pinned BPF objects, directories.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { PIN_ROOT, removePinDirectory } from '@srv6/datapath';
import { ip, run } from '@srv6/netlab';
import { stopProcess, type LabProcess } from './lab-processes.js';

export const LAB_STATE_DIRECTORY = '/run/srv6-intents/labs';

export interface LabState {
  readonly prefix: string;
  readonly topology: string;
  readonly createdAt: string;
  /** Logs, nats-server store, agent state: removed with the lab. */
  readonly runDirectory: string;
  processes: LabProcess[];
  pinDirectories: string[];
  /** The lab's client NATS user (TLS): labBusOptions. The state file is private (0600). */
  clientBus?: { user: string; pass: string; caFile: string };
  /** Bearer token of intent-svc's HTTP writes. */
  httpToken?: string;
  natsUrl?: string;
  httpUrl?: string;
  /** Where each service process serves Prometheus metrics, by process name. */
  metricsUrls?: Record<string, string>;
}

export const stateFile = (prefix: string): string => join(LAB_STATE_DIRECTORY, `${prefix}.json`);

export function saveLabState(state: LabState): void {
  mkdirSync(LAB_STATE_DIRECTORY, { recursive: true });
  // It holds the lab's credentials (processes' environments, the client user): owner only.
  writeFileSync(stateFile(state.prefix), JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  chmodSync(stateFile(state.prefix), 0o600);
}

export function listLabStates(): LabState[] {
  if (!existsSync(LAB_STATE_DIRECTORY)) return [];
  return readdirSync(LAB_STATE_DIRECTORY)
    .filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(readFileSync(join(LAB_STATE_DIRECTORY, file), 'utf8')) as LabState);
}

/** Namespaces whose name starts with `<prefix>-`. */
export function labNamespaces(prefix: string): string[] {
  return run('ip', ['netns', 'list'])
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(`${prefix}-`));
}

/** Removes everything the lab owns; safe to call twice and on a half-built lab. */
export async function destroyLab(state: LabState): Promise<string[]> {
  const removed: string[] = [];
  // Agents first (they hold the pins), then the services, nats-server last.
  const order = (name: string): number =>
    name.startsWith('host-agent') ? 0 : name === 'nats-server' ? 2 : 1;
  const processes = [...state.processes].sort((a, b) => order(a.name) - order(b.name));
  for (const item of processes) {
    await stopProcess(item.pid);
    removed.push(`process ${item.name} (${item.pid})`);
  }
  for (const namespace of labNamespaces(state.prefix)) {
    try {
      const pids = run('ip', ['netns', 'pids', namespace]).split('\n').filter(Boolean);
      if (pids.length > 0) run('kill', ['-9', ...pids]);
      ip(['netns', 'delete', namespace]);
      removed.push(`namespace ${namespace}`);
    } catch {
      // gone meanwhile
    }
  }
  for (const directory of state.pinDirectories) {
    if (removePinDirectory(directory)) removed.push(`pins ${directory}`);
  }
  try {
    if (existsSync(PIN_ROOT) && readdirSync(PIN_ROOT).length === 0) rmdirSync(PIN_ROOT);
  } catch {
    // another lab or test pinned something meanwhile: theirs to remove
  }
  rmSync(state.runDirectory, { recursive: true, force: true });
  rmSync(stateFile(state.prefix), { force: true });
  return removed;
}
