/** intent-svc settings, from the environment (documented in docs/intent-api.md). */
export interface IntentSvcConfig {
  readonly natsUrl: string;
  readonly natsUser?: string;
  readonly natsPass?: string;
  /** PEM file of the CA of nats-server's TLS certificate (NATS_CA): connect with TLS. */
  readonly natsCa?: string;
  /** TCP port of the HTTP API; 0 = any free port (the bound one is printed when ready). */
  readonly httpPort: number;
  readonly httpHost: string;
  /**
   * Bearer token HTTP writes need (HTTP_TOKEN). Unset = writes open, allowed only when
   * HTTP_HOST is a loopback address.
   */
  readonly httpToken?: string;
  /** Name shown on the NATS connections. */
  readonly instance: string;
}

export const INTENT_SVC_CONFIG = Symbol('INTENT_SVC_CONFIG');

/** Shortest HTTP_TOKEN accepted. */
export const MIN_HTTP_TOKEN_LENGTH = 16;

/** 127.0.0.0/8, ::1 and localhost: only this machine reaches the port. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export function loadIntentSvcConfig(env: NodeJS.ProcessEnv = process.env): IntentSvcConfig {
  const portText = env['HTTP_PORT'] ?? '8080';
  const httpPort = Number(portText);
  if (!/^\d+$/.test(portText) || httpPort > 65535) {
    throw new Error(`HTTP_PORT '${portText}': a port number from 0 (any free port) to 65535`);
  }
  const httpHost = env['HTTP_HOST'] || '127.0.0.1';
  const httpToken = env['HTTP_TOKEN'] || undefined;
  if (httpToken !== undefined && httpToken.length < MIN_HTTP_TOKEN_LENGTH) {
    throw new Error(
      `HTTP_TOKEN: at least ${MIN_HTTP_TOKEN_LENGTH} characters (make one with: openssl rand -base64 24)`,
    );
  }
  if (httpToken === undefined && !isLoopback(httpHost)) {
    throw new Error(
      `HTTP_TOKEN is not set and HTTP_HOST '${httpHost}' is not a loopback address: HTTP writes would be open to the network; set HTTP_TOKEN (docs/security.md) or HTTP_HOST=127.0.0.1`,
    );
  }
  return {
    natsUrl: env['NATS_URL'] || 'nats://127.0.0.1:4222',
    natsUser: env['NATS_USER'] || undefined,
    natsPass: env['NATS_PASS'] || undefined,
    natsCa: env['NATS_CA'] || undefined,
    httpPort,
    httpHost,
    httpToken,
    instance: env['INSTANCE'] || `intent-svc-${process.pid}`,
  };
}
