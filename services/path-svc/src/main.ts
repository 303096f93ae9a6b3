import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { runUntilSignal } from '@srv6/service-runtime';
import { PathSvcModule } from './path-svc.module.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(PathSvcModule, {
    logger: ['error', 'warn'],
  });
  runUntilSignal('path-svc', app);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`path-svc failed to start: ${String(error)}\n`);
  process.exit(1);
});
