/** Request/reply to the services over NATS, with errors that say what to do next. */
import { connect, NatsConnection } from '@nats-io/transport-node';
import { decodeJson, encodeJson } from '@srv6/bus';
import { CliError } from './output.js';

export async function withBus<T>(
  server: string,
  work: (nc: NatsConnection) => Promise<T>,
): Promise<T> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: server,
      name: 'srv6 cli',
      timeout: 3000,
      maxReconnectAttempts: 0,
    });
  } catch (error) {
    throw new CliError(
      `cannot reach NATS at ${server} (${(error as Error).message}): start the services (npm run lab -- --keep) or pass --server nats://HOST:PORT`,
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
    throw new CliError(`${subject}: ${message}`);
  }
}
