import 'reflect-metadata';
import { createLogger, IntentSvcMetrics, readObservabilitySettings } from '@srv6/observability';
import { runUntilSignal } from '@srv6/service-runtime';
import { loadIntentSvcConfig } from './config.js';
import { startIntentSvc } from './intent-svc.app.js';

async function bootstrap(): Promise<void> {
  const config = loadIntentSvcConfig();
  const { logLevel } = readObservabilitySettings();
  const log = createLogger({ service: 'intent-svc', instance: config.instance, level: logLevel });
  const metrics = new IntentSvcMetrics(config.instance);
  const { app, httpPort } = await startIntentSvc(config, { log, metrics });
  runUntilSignal('intent-svc', app, {
    httpHost: config.httpHost,
    httpPort,
    natsUrl: config.natsUrl,
  });
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`intent-svc failed to start: ${String(error)}\n`);
  process.exit(1);
});
