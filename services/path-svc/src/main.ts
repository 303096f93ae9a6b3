import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { PathSvcModule } from './path-svc.module.js';

/** Starts path-svc; SIGTERM/SIGINT close it cleanly (Nest shutdown hooks) and exit 0. */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(PathSvcModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  process.stdout.write(JSON.stringify({ service: 'path-svc', event: 'ready', pid: process.pid }) + '\n');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`path-svc failed to start: ${String(error)}\n`);
  process.exit(1);
});
