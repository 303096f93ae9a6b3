import { NatsConnection } from '@nats-io/transport-node';
import {
  connectBus,
  openStorage,
  startNatsServer,
  NatsServerProcess,
  BUCKETS,
} from '../src/index.js';

describe('bus storage on a real nats-server', () => {
  let server: NatsServerProcess;
  let nc: NatsConnection;

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connectBus({ servers: server.url, name: 'storage-test' });
  });

  afterAll(async () => {
    await nc?.close();
    await server?.destroy();
  });

  it('creates the buckets idempotently and refuses a stale revision', async () => {
    const storage = await openStorage(nc);
    await openStorage(nc); // second open changes nothing
    const first = await storage.intents.put('video', '{"v":1}');
    const second = await storage.intents.update('video', '{"v":2}', first);
    await expect(storage.intents.update('video', '{"v":3}', first)).rejects.toThrow(
      /wrong last sequence/,
    );
    const entry = await storage.intents.get('video');
    expect(entry?.revision).toBe(second);
    expect(entry?.string()).toBe('{"v":2}');
    expect((await storage.intents.status()).bucket).toBe(BUCKETS.intents);
  });

  it('keeps stored values across a nats-server restart on the same store', async () => {
    const storage = await openStorage(nc);
    await storage.topology.put('current', '{"t":1}');
    const reconnected = (async () => {
      for await (const status of nc.status()) if (status.type === 'reconnect') return;
    })();
    await server.restart();
    await reconnected; // the connection comes back by itself
    const value = (await storage.topology.get('current'))?.string();
    expect(value).toBe('{"t":1}');
  });
});
