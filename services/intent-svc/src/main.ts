import 'reflect-metadata';
import { runUntilSignal } from '@srv6/service-runtime';
import { loadIntentSvcConfig } from './config.js';
import { startIntentSvc } from './intent-svc.app.js';

async function bootstrap(): Promise<void> {
  const config = loadIntentSvcConfig();
  const { app, httpPort } = await startIntentSvc(config);
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
