/** Request/reply to the services over NATS, with errors that say what to do next. */
import { connect, NatsConnection } from '@nats-io/transport-node';
import { decodeJson, encodeJson, securityOptions } from '@srv6/bus';
import { CliError } from './output.js';

/** Where the services are and how to log in (--server, --user, --password, --ca or NATS_*). */
export interface BusTarget {
  readonly server: string;
  readonly user?: string;
  readonly pass?: string;
  readonly caFile?: string;
}

export async function withBus<T>(
  bus: BusTarget,
  work: (nc: NatsConnection) => Promise<T>,
): Promise<T> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: bus.server,
      name: 'srv6 cli',
      ...securityOptions(bus),
      timeout: 3000,
      maxReconnectAttempts: 0,
    });
  } catch (error) {
    const message = (error as Error).message;
    if (/authoriz|authentic/i.test(message)) {
      throw new CliError(
        `NATS at ${bus.server} refused the login (${message}): pass --user/--password (NATS_USER/NATS_PASS), e.g. the client user of the credentials directory (docs/security.md)`,
      );
    }
    throw new CliError(
      `cannot reach NATS at ${bus.server} (${message}): start the services (npm run lab -- --keep) or pass --server nats://HOST:PORT`,
    );
  }
  try {
    return await work(nc);
  } finally {
    await nc.close();
  }
}

export async function request<T>(nc: NatsConnection, subject: string, body: unknown): Promise<T> {
  const payload = typeof body === 'string' ? new TextEncoder().encode(body) : encodeJson(body);
  try {
    const reply = await nc.request(subject, payload, { timeout: 5000 });
    return decodeJson<T>(reply.data);
  } catch (error) {
    const message = (error as Error).message;
    if (/no responders|503/i.test(message)) {
      throw new CliError(`nobody answers on ${subject}: is intent-svc running?`);
    }
    if (/permissions violation/i.test(message)) {
      throw new CliError(`${subject}: this NATS user may not send it (${message})`);
    }
    throw new CliError(`${subject}: ${message}`);
  }
}
