/** A NATS connection that reconnects forever (services must survive a nats-server restart). */
import { connect, NatsConnection } from '@nats-io/transport-node';

export interface BusOptions {
  readonly servers: string | string[];
  /** Shown in the server's connection list. */
  readonly name: string;
  readonly user?: string;
  readonly pass?: string;
}

export function connectBus(options: BusOptions): Promise<NatsConnection> {
  return connect({
    servers: options.servers,
    name: options.name,
    user: options.user,
    pass: options.pass,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    pingInterval: 5000,
  });
}

export const DEFAULT_NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
