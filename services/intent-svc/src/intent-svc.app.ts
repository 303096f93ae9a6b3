/**
 * Builds and starts the hybrid application: the HTTP API (raw bodies, JSON or YAML, read by the
 * service) and the NATS transport with raw JSON replies, and GET /metrics (Prometheus) on the
 * same HTTP server. main.ts runs it; tests start it in-process.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { MAX_MESSAGE_BYTES, RECONNECT_OPTIONS, securityOptions } from '@srv6/bus';
import {
  IntentSvcMetrics,
  METRICS_PATH,
  metricsHandler,
  NestPinoLogger,
  silentLogger,
  type Logger,
} from '@srv6/observability';
import type { IntentSvcConfig } from './config.js';
import { bodyErrorHandler } from './controllers/body-error.handler.js';
import { writeAuthorization } from './controllers/write-authorization.js';
import { IntentSvcModule } from './intent-svc.module.js';
import { NATS_CONNECTION } from './repositories/bus.providers.js';
import { RawJsonDeserializer } from './transport/raw-json.deserializer.js';
import { RawJsonSerializer } from './transport/raw-json.serializer.js';

/** Queue group of the public subjects: each request goes to one intent-svc instance. */
export const INTENT_SVC_QUEUE = 'intent-svc';
export const OPENAPI_PATH = '/openapi.json';

export interface RunningIntentSvc {
  readonly app: NestExpressApplication;
  /** The bound HTTP port (HTTP_PORT=0 picks a free one). */
  readonly httpPort: number;
  readonly metrics: IntentSvcMetrics;
}

/** Where the service logs and counts; main.ts passes the process's, tests may pass none. */
export interface IntentSvcObservability {
  readonly log: Logger;
  readonly metrics: IntentSvcMetrics;
}

export async function startIntentSvc(
  config: IntentSvcConfig,
  observability: IntentSvcObservability = {
    log: silentLogger(),
    metrics: new IntentSvcMetrics(config.instance),
  },
): Promise<RunningIntentSvc> {
  const { log, metrics } = observability;
  const app = await NestFactory.create<NestExpressApplication>(
    IntentSvcModule.register(config, log, metrics),
    { bodyParser: false, logger: new NestPinoLogger(log) },
  );
  // Writes need the bearer token (HTTP_TOKEN), checked before any body is read.
  app.use(writeAuthorization(config.httpToken));
  // Every body arrives as bytes: the service decodes UTF-8 and JSON or YAML the same way it
  // does for NATS messages.
  app.useBodyParser('raw', { type: () => true, limit: MAX_MESSAGE_BYTES });
  app.use(bodyErrorHandler);

  const requests = app.connectMicroservice<MicroserviceOptions>({
    transport: Transport.NATS,
    options: {
      servers: config.natsUrl,
      name: `${config.instance}-requests`,
      ...securityOptions({ user: config.natsUser, pass: config.natsPass, caFile: config.natsCa }),
      queue: INTENT_SVC_QUEUE,
      serializer: new RawJsonSerializer(),
      deserializer: new RawJsonDeserializer(),
      ...RECONNECT_OPTIONS,
      gracefulShutdown: true,
      gracePeriod: 100,
    },
  });

  const openApi = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('srv6 intent-svc')
      .setDescription('Intents and the topology (SPEC.md); the same bodies as the NATS subjects')
      .setVersion('1')
      .build(),
  );
  app
    .getHttpAdapter()
    .get(OPENAPI_PATH, (_request: unknown, response: { json(body: unknown): void }) =>
      response.json(openApi),
    );
  app.getHttpAdapter().get(METRICS_PATH, metricsHandler(metrics.registry));
  metrics.watchNats(app.get(NATS_CONNECTION), 'bus');
  for (const type of ['disconnect', 'reconnect'])
    requests.on(type, () => metrics.natsEvent('requests', type));

  await app.startAllMicroservices();
  await app.listen(config.httpPort, config.httpHost);
  const address = app.getHttpServer().address() as AddressInfo;
  return { app, httpPort: address.port, metrics };
}
