import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import {
  createLogger,
  NestPinoLogger,
  PathSvcMetrics,
  readObservabilitySettings,
  withMetricsServer,
} from '@srv6/observability';
import { runUntilSignal } from '@srv6/service-runtime';
import { loadPathSvcConfig } from './config.js';
import { PathSvcModule } from './path-svc.module.js';
import { NATS_CONNECTION } from './path-svc.runner.js';

async function bootstrap(): Promise<void> {
  const { instance } = loadPathSvcConfig();
  const settings = readObservabilitySettings();
  const log = createLogger({ service: 'path-svc', instance, level: settings.logLevel });
  const metrics = new PathSvcMetrics(instance);
  const app = await NestFactory.createApplicationContext(PathSvcModule.register(log, metrics), {
    logger: new NestPinoLogger(log),
  });
  metrics.watchNats(app.get(NATS_CONNECTION), 'bus');
  const served = await withMetricsServer(app, metrics.registry, settings.metrics);
  runUntilSignal('path-svc', served.service, served.readyFields);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`path-svc failed to start: ${String(error)}\n`);
  process.exit(1);
});
