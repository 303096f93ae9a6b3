/** A NATS connection that reconnects forever (services must survive a nats-server restart). */
import { connect, NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';

export interface BusOptions {
  readonly servers: string | string[];
  /** Shown in the server's connection list. */
  readonly name: string;
  readonly user?: string;
  readonly pass?: string;
  /**
   * PEM file of the CA that signed nats-server's certificate (NATS_CA): the connection is TLS,
   * and the server's name or address must be in its certificate.
   */
  readonly caFile?: string;
}

/**
 * Replies and KV watches of a user arrive on `_INBOX.<user>.…`: the server lets each user
 * subscribe only to its own prefix (docs/security.md), so no one reads another's replies.
 */
export const inboxPrefixFor = (user: string): string => `_INBOX.${user}`;

/** The authentication, TLS and inbox part of a connection's options (also for the Nest transport). */
export function securityOptions(
  options: Pick<BusOptions, 'user' | 'pass' | 'caFile'>,
): Pick<NodeConnectionOptions, 'user' | 'pass' | 'tls' | 'inboxPrefix'> {
  return {
    ...(options.user ? { user: options.user, inboxPrefix: inboxPrefixFor(options.user) } : {}),
    ...(options.pass ? { pass: options.pass } : {}),
    ...(options.caFile ? { tls: { caFile: options.caFile } } : {}),
  };
}

/**
 * Reconnect forever, quickly: a restarted nats-server is found again within ~250–350 ms (the
 * library's default jitter over TLS is up to 1 s, too slow for a 2 s convergence target).
 */
export const RECONNECT_OPTIONS = {
  maxReconnectAttempts: -1,
  reconnectTimeWait: 250,
  reconnectJitter: 50,
  reconnectJitterTLS: 100,
} as const satisfies Partial<NodeConnectionOptions>;

export function connectBus(options: BusOptions): Promise<NatsConnection> {
  return connect({
    servers: options.servers,
    name: options.name,
    ...securityOptions(options),
    ...RECONNECT_OPTIONS,
    pingInterval: 5000,
  });
}

export const DEFAULT_NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
