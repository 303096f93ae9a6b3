import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { HostAgentModule } from './host-agent.module.js';

/** Starts host-agent; SIGTERM/SIGINT close it cleanly (Nest shutdown hooks) and exit 0. */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(HostAgentModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  process.stdout.write(JSON.stringify({ service: 'host-agent', event: 'ready', pid: process.pid }) + '\n');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`host-agent failed to start: ${String(error)}\n`);
  process.exit(1);
});
