/** The service's own NATS connection (KV + JetStream), opened at start and drained at stop. */
import { Inject, Injectable, OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectBus, openStorage, type BusStorage } from '@srv6/bus';
import { INTENT_SVC_CONFIG, type IntentSvcConfig } from '../config.js';
import { EventPublisher } from './event.publisher.js';
import { IntentRepository } from './intent.repository.js';
import { StatusRelay } from './status.relay.js';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const BUS_STORAGE = Symbol('BUS_STORAGE');

/** Drains the connection after the NATS transport and HTTP server have stopped taking requests. */
@Injectable()
export class BusConnectionCloser implements OnApplicationShutdown {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}

export const BUS_PROVIDERS: Provider[] = [
  {
    provide: NATS_CONNECTION,
    useFactory: (config: IntentSvcConfig) =>
      connectBus({
        servers: config.natsUrl,
        name: config.instance,
        user: config.natsUser,
        pass: config.natsPass,
        caFile: config.natsCa,
      }),
    inject: [INTENT_SVC_CONFIG],
  },
  {
    provide: BUS_STORAGE,
    useFactory: (nc: NatsConnection) => openStorage(nc),
    inject: [NATS_CONNECTION],
  },
  {
    provide: IntentRepository,
    useFactory: (storage: BusStorage) => new IntentRepository(storage.intents, storage.topology),
    inject: [BUS_STORAGE],
  },
  {
    provide: EventPublisher,
    useFactory: (storage: BusStorage) => new EventPublisher(storage.js),
    inject: [BUS_STORAGE],
  },
  {
    provide: StatusRelay,
    useFactory: (nc: NatsConnection) => new StatusRelay(nc),
    inject: [NATS_CONNECTION],
  },
  BusConnectionCloser,
];
