import { Module, type DynamicModule } from '@nestjs/common';
import { NatsConnection } from '@nats-io/transport-node';
import { connectBus, HostStorage, openHostStorage } from '@srv6/bus';
import { HostAgentMetrics, LOGGER, type Logger } from '@srv6/observability';
import { AGENT_CONFIG, AgentConfig, loadAgentConfig } from './config.js';
import { DATAPATH_PORT, KernelDatapath } from './repositories/datapath.repository.js';
import { PolicyWatcher } from './repositories/policy.watcher.js';
import { StatusRepository } from './repositories/status.repository.js';
import { ReconcilerService } from './services/reconciler.service.js';
import { ControlPlaneMonitor } from './services/control-plane.monitor.js';
import { NatsLifecycle, NATS_CONNECTION, BUS_STORAGE } from './repositories/nats.lifecycle.js';

@Module({
  providers: [
    { provide: AGENT_CONFIG, useFactory: () => loadAgentConfig() },
    {
      provide: NATS_CONNECTION,
      useFactory: (config: AgentConfig) =>
        connectBus({
          servers: config.natsUrl,
          name: `host-agent ${config.host}`,
          user: config.natsUser,
          pass: config.natsPass,
          caFile: config.natsCa,
        }),
      inject: [AGENT_CONFIG],
    },
    {
      provide: BUS_STORAGE,
      // With NATS permissions the agent cannot create the buckets: it waits for the services.
      useFactory: (nc: NatsConnection) =>
        openHostStorage(nc, (reason) =>
          process.stdout.write(JSON.stringify({ event: 'waiting-for-buckets', reason }) + '\n'),
        ),
      inject: [NATS_CONNECTION],
    },
    {
      provide: DATAPATH_PORT,
      useFactory: (config: AgentConfig) => new KernelDatapath(config),
      inject: [AGENT_CONFIG],
    },
    {
      provide: PolicyWatcher,
      useFactory: (storage: HostStorage, config: AgentConfig) =>
        new PolicyWatcher(storage.policies, config.host),
      inject: [BUS_STORAGE, AGENT_CONFIG],
    },
    {
      provide: StatusRepository,
      useFactory: (nc: NatsConnection, storage: HostStorage) =>
        new StatusRepository(nc, storage.status),
      inject: [NATS_CONNECTION, BUS_STORAGE],
    },
    NatsLifecycle,
    ReconcilerService,
    ControlPlaneMonitor,
  ],
})
export class HostAgentModule {
  /** The module with the process's logger and metrics (main.ts makes them). */
  static register(log: Logger, metrics: HostAgentMetrics): DynamicModule {
    return {
      module: HostAgentModule,
      providers: [
        { provide: LOGGER, useValue: log },
        { provide: HostAgentMetrics, useValue: metrics },
      ],
    };
  }
}
