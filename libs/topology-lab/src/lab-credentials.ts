/**
 * The lab's NATS and HTTP credentials (docs/security.md): generated per lab into its run
 * directory by startLabServices, each process with its own user. The lab command, its tests
 * and a user of a kept lab connect as the client user, over TLS.
 */
import type { BusOptions } from '@srv6/bus';
import type { LabState } from './lab-state.js';

/** connectBus options for a client of the lab (the lab command, tests). */
export function labBusOptions(state: LabState, name: string): BusOptions {
  if (!state.natsUrl) throw new Error(`lab ${state.prefix} has no nats-server yet`);
  return { servers: state.natsUrl, name, ...state.clientBus };
}

/** The environment of a `srv6` CLI run against the lab (NATS_URL, NATS_USER, NATS_PASS, NATS_CA). */
export function labClientEnv(state: LabState): Record<string, string> {
  const bus = labBusOptions(state, 'srv6 cli');
  return {
    NATS_URL: String(bus.servers),
    ...(bus.user ? { NATS_USER: bus.user } : {}),
    ...(bus.pass ? { NATS_PASS: bus.pass } : {}),
    ...(bus.caFile ? { NATS_CA: bus.caFile } : {}),
  };
}
