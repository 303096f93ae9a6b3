import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { IntentSvcModule } from './intent-svc.module.js';

/** Starts intent-svc; SIGTERM/SIGINT close it cleanly (Nest shutdown hooks) and exit 0. */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(IntentSvcModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  process.stdout.write(JSON.stringify({ service: 'intent-svc', event: 'ready', pid: process.pid }) + '\n');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`intent-svc failed to start: ${String(error)}\n`);
  process.exit(1);
});
