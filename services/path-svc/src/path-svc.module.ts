import { Module, type DynamicModule } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { BusStorage, connectBus, openStorage } from '@srv6/bus';
import { LOGGER, PathSvcMetrics, type Logger } from '@srv6/observability';
import { loadPathSvcConfig, PATH_SVC_CONFIG, PathSvcConfig } from './config.js';
import { DocumentRepository } from './repositories/document.repository.js';
import { PolicyRepository } from './repositories/policy.repository.js';
import { PathService } from './services/path.service.js';
import { EventsConsumer } from './handlers/events.consumer.js';
import { BUS_STORAGE, NATS_CONNECTION, PathSvcRunner } from './path-svc.runner.js';

@Module({
  providers: [
    { provide: PATH_SVC_CONFIG, useFactory: () => loadPathSvcConfig() },
    {
      provide: NATS_CONNECTION,
      useFactory: (config: PathSvcConfig) =>
        connectBus({
          servers: config.natsUrl,
          name: config.instance,
          user: config.natsUser,
          pass: config.natsPass,
          caFile: config.natsCa,
        }),
      inject: [PATH_SVC_CONFIG],
    },
    {
      provide: BUS_STORAGE,
      useFactory: (nc: NatsConnection) => openStorage(nc),
      inject: [NATS_CONNECTION],
    },
    {
      provide: DocumentRepository,
      useFactory: (storage: BusStorage) =>
        new DocumentRepository(storage.intents, storage.topology),
      inject: [BUS_STORAGE],
    },
    {
      provide: PolicyRepository,
      useFactory: (storage: BusStorage) => new PolicyRepository(storage.policies),
      inject: [BUS_STORAGE],
    },
    {
      provide: PathService,
      useFactory: (
        documents: DocumentRepository,
        policies: PolicyRepository,
        metrics: PathSvcMetrics,
        log: Logger,
      ) => new PathService(documents, policies, metrics, log),
      inject: [DocumentRepository, PolicyRepository, PathSvcMetrics, LOGGER],
    },
    {
      provide: EventsConsumer,
      useFactory: (nc: NatsConnection, paths: PathService, metrics: PathSvcMetrics, log: Logger) =>
        new EventsConsumer(nc, paths, metrics, log),
      inject: [NATS_CONNECTION, PathService, PathSvcMetrics, LOGGER],
    },
    PathSvcRunner,
  ],
})
export class PathSvcModule {
  /** The module with the process's logger and metrics (main.ts makes them). */
  static register(log: Logger, metrics: PathSvcMetrics): DynamicModule {
    return {
      module: PathSvcModule,
      providers: [
        { provide: LOGGER, useValue: log },
        { provide: PathSvcMetrics, useValue: metrics },
      ],
    };
  }
}
