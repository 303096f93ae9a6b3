import { Module, type DynamicModule } from '@nestjs/common';
import { IntentSvcMetrics, LOGGER, type Logger } from '@srv6/observability';
import { INTENT_SVC_CONFIG, type IntentSvcConfig } from './config.js';
import { IntentsController } from './controllers/intents.controller.js';
import { TopologyController } from './controllers/topology.controller.js';
import { IntentsHandler } from './handlers/intents.handler.js';
import { BUS_PROVIDERS } from './repositories/bus.providers.js';
import { IntentsService } from './services/intents.service.js';

/** Root module of intent-svc: HTTP controllers and NATS handlers over one IntentsService. */
@Module({})
export class IntentSvcModule {
  static register(config: IntentSvcConfig, log: Logger, metrics: IntentSvcMetrics): DynamicModule {
    return {
      module: IntentSvcModule,
      controllers: [IntentsController, TopologyController, IntentsHandler],
      providers: [
        { provide: INTENT_SVC_CONFIG, useValue: config },
        { provide: LOGGER, useValue: log },
        { provide: IntentSvcMetrics, useValue: metrics },
        ...BUS_PROVIDERS,
        IntentsService,
      ],
    };
  }
}
