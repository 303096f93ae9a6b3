/**
 * Logging and metrics settings every service reads from its environment: LOG_LEVEL, and where
 * the /metrics listener of path-svc and host-agent binds (METRICS_PORT, METRICS_HOST). Off
 * unless METRICS_PORT is set, so two agents on one machine never fight over a default port.
 */
import type { LevelWithSilent } from 'pino';

export const LOG_LEVELS: readonly LevelWithSilent[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

export interface MetricsListen {
  /** 0 = any free port (the bound one is printed in the ready line). */
  readonly port: number;
  readonly host: string;
}

export interface ObservabilitySettings {
  readonly logLevel: LevelWithSilent;
  /** Undefined: no metrics listener. */
  readonly metrics?: MetricsListen;
}

export function readObservabilitySettings(
  env: NodeJS.ProcessEnv = process.env,
): ObservabilitySettings {
  const logLevel = (env['LOG_LEVEL'] || 'info') as LevelWithSilent;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new Error(`LOG_LEVEL '${logLevel}': one of ${LOG_LEVELS.join(', ')}`);
  }
  const portText = env['METRICS_PORT'];
  if (portText === undefined || portText === '') return { logLevel };
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new Error(`METRICS_PORT '${portText}': a port number from 0 (any free port) to 65535`);
  }
  return { logLevel, metrics: { port, host: env['METRICS_HOST'] || '127.0.0.1' } };
}
