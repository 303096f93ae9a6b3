/** Starts the policy cache, then the events consumer; stops them in reverse and drains NATS. */
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { EventsConsumer } from './handlers/events.consumer.js';
import { PolicyRepository } from './repositories/policy.repository.js';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const BUS_STORAGE = Symbol('BUS_STORAGE');

@Injectable()
export class PathSvcRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly policies: PolicyRepository,
    private readonly consumer: EventsConsumer,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.policies.start();
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
    this.policies.stop();
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}
