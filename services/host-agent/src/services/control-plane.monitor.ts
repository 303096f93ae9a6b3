/**
 * Last-known-good: while NATS (the control plane) is unreachable the agent changes nothing — the
 * tc program and its pinned maps keep steering with the last state — and says so: a JSON line
 * on stdout and `<stateDirectory>/agent-status.json` (`mode: "last-known-good"`, since when, how
 * many policies it keeps). Once NATS is back it republishes every intent's status.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { AGENT_CONFIG, type AgentConfig } from '../config.js';
import { NATS_CONNECTION } from '../repositories/nats.lifecycle.js';
import { ReconcilerService } from './reconciler.service.js';

export type ControlPlaneState = 'connected' | 'unreachable';

export interface AgentLocalStatus {
  readonly host: string;
  readonly controlPlane: ControlPlaneState;
  /** live: following the control plane; last-known-good: keeping the last programmed state. */
  readonly mode: 'live' | 'last-known-good';
  readonly since: string;
  readonly policies: number;
}

export const LOCAL_STATUS_FILE = 'agent-status.json';

@Injectable()
export class ControlPlaneMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopped = false;

  constructor(
    @Inject(AGENT_CONFIG) private readonly config: AgentConfig,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly reconciler: ReconcilerService,
  ) {}

  onApplicationBootstrap(): void {
    this.report('connected');
    void (async () => {
      for await (const status of this.nc.status()) {
        if (this.stopped) return;
        if (status.type === 'disconnect') this.report('unreachable');
        if (status.type === 'reconnect') {
          this.report('connected');
          this.reconciler.republish();
        }
      }
    })();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  private report(state: ControlPlaneState): void {
    const status: AgentLocalStatus = {
      host: this.config.host,
      controlPlane: state,
      mode: state === 'connected' ? 'live' : 'last-known-good',
      since: new Date().toISOString(),
      policies: this.reconciler.policyCount,
    };
    mkdirSync(this.config.stateDirectory, { recursive: true });
    writeFileSync(
      join(this.config.stateDirectory, LOCAL_STATUS_FILE),
      JSON.stringify(status, null, 2) + '\n',
    );
    process.stdout.write(JSON.stringify({ event: 'control-plane', ...status }) + '\n');
  }
}
