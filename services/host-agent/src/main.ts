import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { runUntilSignal } from '@srv6/service-runtime';
import { HostAgentModule } from './host-agent.module.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(HostAgentModule, {
    logger: ['error', 'warn'],
  });
  runUntilSignal('host-agent', app);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`host-agent failed to start: ${String(error)}\n`);
  process.exit(1);
});
