/**
 * HTTP_TOKEN: writes need `Authorization: Bearer <token>`, reads stay open; without a token the
 * service refuses to listen anywhere but on loopback. In-process service, real nats-server.
 */
import { startNatsServer, type NatsServerProcess } from '@srv6/bus';
import { loadIntentSvcConfig } from '../src/config.js';
import { startIntentSvc, type RunningIntentSvc } from '../src/intent-svc.app.js';
import { tokenMatches } from '../src/controllers/write-authorization.js';
import { TOPOLOGY } from './support.js';

const TOKEN = 'a-test-token-of-32-characters-xx';
let nats: NatsServerProcess;
let service: RunningIntentSvc;
let baseUrl = '';

beforeAll(async () => {
  nats = await startNatsServer();
  service = await startIntentSvc(
    loadIntentSvcConfig({ NATS_URL: nats.url, HTTP_PORT: '0', HTTP_TOKEN: TOKEN }),
  );
  baseUrl = `http://127.0.0.1:${service.httpPort}`;
});

afterAll(async () => {
  await service?.app.close();
  await nats?.destroy();
});

async function put(
  authorization?: string,
): Promise<{ status: number; body: unknown; www: string | null }> {
  const response = await fetch(`${baseUrl}/v1/topology`, {
    method: 'PUT',
    headers: {
      'content-type': 'application/json',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify(TOPOLOGY),
  });
  return {
    status: response.status,
    body: await response.json(),
    www: response.headers.get('www-authenticate'),
  };
}

describe('HTTP writes and the bearer token', () => {
  it('refuses a write without the token or with another one (401, the API error body)', async () => {
    for (const header of [
      undefined,
      'Bearer wrong-token-wrong-token',
      `Basic ${TOKEN}`,
      `Bearer ${TOKEN}x`,
      'Bearer',
    ]) {
      const reply = await put(header);
      expect(reply).toEqual({
        status: 401,
        body: { ok: false, errors: [{ path: '', message: expect.any(String) }] },
        www: 'Bearer realm="srv6-intents"',
      });
    }
    expect((await fetch(`${baseUrl}/v1/topology`)).status).toBe(404); // nothing was stored
  });

  it('accepts it with the token; reads need none', async () => {
    expect((await put(`Bearer ${TOKEN}`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/v1/topology`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/v1/intents`)).status).toBe(200);
    const remove = await fetch(`${baseUrl}/v1/intents/none`, { method: 'DELETE' });
    expect(remove.status).toBe(401);
  });

  it('compares tokens exactly', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(tokenMatches('', TOKEN)).toBe(false);
  });
});

describe('configuration', () => {
  it('refuses to serve writes beyond loopback without a token', () => {
    expect(() => loadIntentSvcConfig({ HTTP_HOST: '0.0.0.0' })).toThrow(
      /HTTP_TOKEN is not set and HTTP_HOST '0\.0\.0\.0' is not a loopback address/,
    );
    expect(() => loadIntentSvcConfig({ HTTP_HOST: '::' })).toThrow(/HTTP_TOKEN is not set/);
    expect(loadIntentSvcConfig({ HTTP_HOST: '0.0.0.0', HTTP_TOKEN: TOKEN }).httpToken).toBe(TOKEN);
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) {
      expect(loadIntentSvcConfig({ HTTP_HOST: host }).httpToken).toBeUndefined();
    }
  });

  it('refuses a short token', () => {
    expect(() => loadIntentSvcConfig({ HTTP_TOKEN: 'short' })).toThrow(/at least 16 characters/);
  });
});
