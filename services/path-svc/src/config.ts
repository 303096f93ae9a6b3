/** path-svc settings, from the environment. */
export interface PathSvcConfig {
  readonly natsUrl: string;
  readonly natsUser?: string;
  readonly natsPass?: string;
  /** PEM file of the CA of nats-server's TLS certificate (NATS_CA): connect with TLS. */
  readonly natsCa?: string;
  /** Name shown in logs and on the NATS connection. */
  readonly instance: string;
}

export const PATH_SVC_CONFIG = Symbol('PATH_SVC_CONFIG');

export function loadPathSvcConfig(env: NodeJS.ProcessEnv = process.env): PathSvcConfig {
  return {
    natsUrl: env['NATS_URL'] ?? 'nats://127.0.0.1:4222',
    natsUser: env['NATS_USER'] || undefined,
    natsPass: env['NATS_PASS'] || undefined,
    natsCa: env['NATS_CA'] || undefined,
    instance: env['INSTANCE'] ?? `path-svc-${process.pid}`,
  };
}
