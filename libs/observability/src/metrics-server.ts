/**
 * Serves a registry in Prometheus's text format: `metricsHandler` for an HTTP server a service
 * already has (intent-svc), `startMetricsServer` for a small listener of its own (path-svc,
 * host-agent) that answers GET /metrics and 404 to anything else.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { MetricsListen } from './settings.js';

export const METRICS_PATH = '/metrics';

export interface MetricsServer {
  readonly host: string;
  /** The bound port (METRICS_PORT=0 picks a free one). */
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** Answers with the registry's current figures (500 and the reason if collecting failed). */
export function metricsHandler(registry: Registry) {
  return (_request: IncomingMessage, response: ServerResponse): void => {
    registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': registry.contentType });
        response.end(text);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(`collecting metrics failed: ${String(error)}\n`);
      },
    );
  };
}

export function startMetricsServer(
  registry: Registry,
  listen: MetricsListen,
): Promise<MetricsServer> {
  const serve = metricsHandler(registry);
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method === 'GET' && path === METRICS_PATH) return serve(request, response);
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`only GET ${METRICS_PATH} here\n`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
      resolve({
        host: listen.host,
        port,
        url: `http://${host}:${port}${METRICS_PATH}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

interface Closable {
  close(): Promise<void>;
}

/**
 * A service with its metrics listener, when the settings ask for one: close() stops the service
 * first, then the listener; `readyFields` (metricsHost, metricsPort) go on the ready line.
 */
export async function withMetricsServer(
  service: Closable,
  registry: Registry,
  listen: MetricsListen | undefined,
): Promise<{ service: Closable; readyFields: Record<string, unknown> }> {
  if (!listen) return { service, readyFields: {} };
  const server = await startMetricsServer(registry, listen);
  return {
    service: {
      close: async () => {
        await service.close();
        await server.close();
      },
    },
    readyFields: { metricsHost: server.host, metricsPort: server.port },
  };
}
