/**
 * Republishes host-agents' status reports on the SPEC's public subject srv6.status.intents.<name>
 * after checkStatusReport; agents cannot publish there themselves (docs/security.md). One
 * instance of intent-svc handles each report (queue group `intent-svc`).
 */
import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { AGENT_STATUS_SUBJECTS } from '@srv6/bus';
import { checkStatusReport } from '../services/status-report.js';

export const STATUS_RELAY_QUEUE = 'intent-svc';

/** Made by a factory provider (bus.providers.ts) with the service's bus connection. */
export class StatusRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('status-relay');
  private subscription?: Subscription;

  constructor(private readonly nc: NatsConnection) {}

  onApplicationBootstrap(): void {
    this.subscription = this.nc.subscribe(AGENT_STATUS_SUBJECTS, {
      queue: STATUS_RELAY_QUEUE,
      callback: (error, message) => {
        if (error) return this.logger.error(`status reports: ${error.message}`);
        const decision = checkStatusReport(message.subject, message.data);
        if (!decision.ok) return this.logger.warn(`status report dropped: ${decision.reason}`);
        try {
          this.nc.publish(decision.subject, message.data);
        } catch (failure) {
          this.logger.warn(`status of ${decision.intent} not republished: ${String(failure)}`);
        }
      },
    });
  }

  /** Before the connection drains (onApplicationShutdown): take no more reports. */
  onModuleDestroy(): void {
    if (this.subscription && !this.subscription.isClosed()) this.subscription.unsubscribe();
  }
}
