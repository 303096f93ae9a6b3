/** intent-svc settings, from the environment (documented in docs/intent-api.md). */
export interface IntentSvcConfig {
  readonly natsUrl: string;
  readonly natsUser?: string;
  readonly natsPass?: string;
  /** TCP port of the HTTP API; 0 = any free port (the bound one is printed when ready). */
  readonly httpPort: number;
  readonly httpHost: string;
  /** Name shown on the NATS connections. */
  readonly instance: string;
}

export const INTENT_SVC_CONFIG = Symbol('INTENT_SVC_CONFIG');

export function loadIntentSvcConfig(env: NodeJS.ProcessEnv = process.env): IntentSvcConfig {
  const portText = env['HTTP_PORT'] ?? '8080';
  const httpPort = Number(portText);
  if (!/^\d+$/.test(portText) || httpPort > 65535) {
    throw new Error(`HTTP_PORT '${portText}': a port number from 0 (any free port) to 65535`);
  }
  return {
    natsUrl: env['NATS_URL'] || 'nats://127.0.0.1:4222',
    natsUser: env['NATS_USER'] || undefined,
    natsPass: env['NATS_PASS'] || undefined,
    httpPort,
    httpHost: env['HTTP_HOST'] || '127.0.0.1',
    instance: env['INSTANCE'] || `intent-svc-${process.pid}`,
  };
}
