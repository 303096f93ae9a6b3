import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { runUntilSignal } from '@srv6/service-runtime';
import { IntentSvcModule } from './intent-svc.module.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(IntentSvcModule, {
    logger: ['error', 'warn'],
  });
  runUntilSignal('intent-svc', app);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`intent-svc failed to start: ${String(error)}\n`);
  process.exit(1);
});
