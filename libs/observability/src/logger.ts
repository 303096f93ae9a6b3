/**
 * The one logger factory of the services: pino, one JSON object per line on stdout, with the
 * service and its instance (and the agent's host) on every line. Lines about an intent carry
 * its name in `intent`; `event` says what happened in a word, `msg` in a sentence.
 */
import { pino, stdTimeFunctions } from 'pino';
import type { DestinationStream, LevelWithSilent, Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly service: string;
  readonly instance: string;
  /** The topology host a host-agent enforces intents for. */
  readonly host?: string;
  readonly level?: LevelWithSilent;
  /** Default: stdout, written synchronously (lines stay in order with the ready line). */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: {
        service: options.service,
        instance: options.instance,
        ...(options.host === undefined ? {} : { host: options.host }),
        pid: process.pid,
      },
      timestamp: stdTimeFunctions.isoTime,
      // "level":"warn" rather than pino's numbers: readable without a lookup table.
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** For code built outside a service (unit tests): logs nothing. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Dependency-injection token of a service's logger (pino's Logger is a type, not a class). */
export const LOGGER = Symbol('LOGGER');
