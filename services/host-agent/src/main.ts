import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import {
  createLogger,
  HostAgentMetrics,
  NestPinoLogger,
  readObservabilitySettings,
  withMetricsServer,
} from '@srv6/observability';
import { runUntilSignal } from '@srv6/service-runtime';
import { loadAgentConfig } from './config.js';
import { HostAgentModule } from './host-agent.module.js';
import { NATS_CONNECTION } from './repositories/nats.lifecycle.js';

async function bootstrap(): Promise<void> {
  const { host, instance } = loadAgentConfig();
  const settings = readObservabilitySettings();
  const log = createLogger({ service: 'host-agent', instance, host, level: settings.logLevel });
  const metrics = new HostAgentMetrics({ instance, host });
  const app = await NestFactory.createApplicationContext(HostAgentModule.register(log, metrics), {
    logger: new NestPinoLogger(log),
  });
  metrics.watchNats(app.get(NATS_CONNECTION), 'bus');
  const served = await withMetricsServer(app, metrics.registry, settings.metrics);
  runUntilSignal('host-agent', served.service, served.readyFields);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`host-agent failed to start: ${String(error)}\n`);
  process.exit(1);
});
