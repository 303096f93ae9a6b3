/** The REST API: same service and bodies as NATS, status codes, and the OpenAPI document. */
import { intent, intentYaml, startTestBed, TOPOLOGY, type Reply, type TestBed } from './support.js';

let bed: TestBed;

beforeAll(async () => {
  bed = await startTestBed();
});

afterAll(async () => {
  await bed?.close();
});

describe('HTTP API', () => {
  it('GET /v1/topology is 404 until one is applied; PUT applies it (YAML)', async () => {
    expect((await bed.http('GET', '/v1/topology')).status).toBe(404);
    const yaml = JSON.stringify(TOPOLOGY); // JSON is YAML too; sent as text/yaml
    const put = await bed.http('PUT', '/v1/topology', yaml, 'text/yaml');
    expect(put).toEqual({
      status: 200,
      body: { ok: true, name: 'lab', revision: expect.any(Number) },
    });
    const got = await bed.http('GET', '/v1/topology');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ ok: true, revision: put.body.revision });
    expect(got.body.topology.metadata).toEqual({ name: 'lab' });
  });

  it('POST /v1/intents applies JSON and YAML bodies; GET lists and reads them', async () => {
    const json = await bed.http('POST', '/v1/intents', JSON.stringify(intent('video-call')));
    expect(json).toEqual({
      status: 200,
      body: { ok: true, name: 'video-call', revision: expect.any(Number) },
    });
    const yaml = await bed.http('POST', '/v1/intents', intentYaml('backup'), 'text/yaml');
    expect(yaml.body).toMatchObject({ ok: true, name: 'backup' });

    const list = await bed.http('GET', '/v1/intents');
    expect(list.status).toBe(200);
    expect(list.body.intents.map((e: Reply) => [e.name, e.revision])).toEqual([
      ['backup', yaml.body.revision],
      ['video-call', json.body.revision],
    ]);
    const one = await bed.http('GET', '/v1/intents/video-call');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ ok: true, revision: json.body.revision });
    expect(one.body.intent.spec.match.ports).toEqual([3478, '5000-5100']);
    expect(await bed.http('GET', '/v1/intents/nope')).toEqual({
      status: 404,
      body: { ok: false, errors: [{ path: 'name', message: "no intent named 'nope'" }] },
    });
  });

  it('a stale metadata.revision is 409 and changes nothing', async () => {
    const current = (await bed.http('GET', '/v1/intents/video-call')).body.revision;
    const stale = intent('video-call', 'low-cost');
    (stale['metadata'] as Reply).revision = current - 1;
    const before = await bed.snapshot();
    const reply = await bed.http('POST', '/v1/intents', JSON.stringify(stale));
    expect(reply.status).toBe(409);
    expect(reply.body.errors[0].path).toBe('metadata.revision');
    expect(await bed.snapshot()).toEqual(before);
  });

  it('DELETE /v1/intents/:name removes it (404 afterwards)', async () => {
    const deleted = await bed.http('DELETE', '/v1/intents/backup');
    expect(deleted).toEqual({
      status: 200,
      body: { ok: true, name: 'backup', revision: expect.any(Number) },
    });
    expect((await bed.http('GET', '/v1/intents/backup')).status).toBe(404);
    expect((await bed.http('DELETE', '/v1/intents/backup')).status).toBe(404);
    const list = await bed.http('GET', '/v1/intents');
    expect(list.body.intents.map((e: Reply) => e.name)).toEqual(['video-call']);
  });

  it('GET /openapi.json lists every path and method', async () => {
    const { status, body } = await bed.http('GET', '/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    const methods = Object.fromEntries(
      Object.entries(body.paths as Record<string, object>).map(([path, item]) => [
        path,
        Object.keys(item).sort(),
      ]),
    );
    expect(methods).toEqual({
      '/v1/intents': ['get', 'post'],
      '/v1/intents/{name}': ['delete', 'get'],
      '/v1/topology': ['get', 'put'],
    });
    expect(Object.keys(body.paths['/v1/intents'].post.requestBody.content)).toEqual([
      'application/json',
      'text/yaml',
    ]);
    expect(body.components.schemas.ErrorReplyDto).toBeDefined();
  });
});
