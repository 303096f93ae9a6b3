/** host-agent settings, from the environment (documented in docs/host-agent.md). */
import { DEFAULT_CAPACITY } from '@srv6/datapath/pure';

export interface AgentConfig {
  /** The topology's host name this agent enforces intents for. */
  readonly host: string;
  /** The uplink the tc program is attached to. */
  readonly interfaceName: string;
  /** Network namespace of the uplink (`ip netns` name); the agent's own when empty. */
  readonly netns?: string;
  readonly natsUrl: string;
  readonly natsUser?: string;
  readonly natsPass?: string;
  /** PEM file of the CA of nats-server's TLS certificate (NATS_CA): connect with TLS. */
  readonly natsCa?: string;
  /** Policies the datapath maps hold. */
  readonly capacity: number;
  /** How often counters are reported, ms. */
  readonly reportIntervalMs: number;
  /** Names the pin directory /sys/fs/bpf/srv6-intents/<instance>; defaults to the host name. */
  readonly instance: string;
  /** Where the slot of each policy is remembered across restarts. */
  readonly stateDirectory: string;
}

export const AGENT_CONFIG = Symbol('AGENT_CONFIG');

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set: the agent needs it (see docs/host-agent.md)`);
  return value;
}

export function loadAgentConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const host = required(env, 'HOST_NAME');
  if (!/^[a-z0-9-]{1,32}$/.test(host))
    throw new Error(`HOST_NAME '${host}': use [a-z0-9-], at most 32 characters`);
  const capacity = Number(env['CAPACITY'] ?? DEFAULT_CAPACITY);
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1 << 22) {
    throw new Error(`CAPACITY '${env['CAPACITY']}': a whole number from 1 to ${1 << 22}`);
  }
  return {
    host,
    interfaceName: required(env, 'INTERFACE'),
    netns: env['NETNS'] || undefined,
    natsUrl: env['NATS_URL'] ?? 'nats://127.0.0.1:4222',
    natsUser: env['NATS_USER'] || undefined,
    natsPass: env['NATS_PASS'] || undefined,
    natsCa: env['NATS_CA'] || undefined,
    capacity,
    reportIntervalMs: Number(env['REPORT_INTERVAL_MS'] ?? 2000),
    instance: env['DATAPATH_INSTANCE'] || host,
    stateDirectory: env['STATE_DIRECTORY'] ?? `/run/srv6-intents/${host}`,
  };
}
