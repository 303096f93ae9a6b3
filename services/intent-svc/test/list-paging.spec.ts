/**
 * srv6.intents.list (and GET /intents, and `srv6 get intents`) with more intents than one NATS
 * message holds: pages in name order, `next` while more follow, `limit` and `after`, bad
 * paging fields refused with their paths.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolve } from 'node:path';
import { Kvm } from '@nats-io/kv';
import { BUCKETS, MAX_MESSAGE_BYTES, SUBJECTS } from '@srv6/bus';
import { validateIntent, validateTopology, type Topology } from '@srv6/schema';
import { intent, startTestBed, TOPOLOGY, type Reply, type TestBed } from './support.js';

/** ~370 bytes each in a reply: 3,500 of them are ~1.3 MB, more than one message holds. */
const COUNT = 3500;
const nameOf = (i: number) => `i-${String(i).padStart(5, '0')}`;
const NAMES = Array.from({ length: COUNT }, (_, i) => nameOf(i + 1));
const CLI = resolve('cli/bin/srv6.mjs');

let bed: TestBed;

beforeAll(async () => {
  bed = await startTestBed();
  expect((await bed.request(SUBJECTS.topologyApply, TOPOLOGY)).ok).toBe(true);
  // Written straight into the bucket in the stored form (as intent-svc would store them):
  // applying 2,300 intents one by one would only slow the test down.
  const topology = validateTopology(TOPOLOGY);
  if (!topology.ok) throw new Error('test topology invalid');
  const kv = await new Kvm(bed.nc).open(BUCKETS.intents);
  for (let start = 0; start < COUNT; start += 200) {
    await Promise.all(
      NAMES.slice(start, start + 200).map((name) => {
        const valid = validateIntent(intent(name), topology.value as Topology);
        if (!valid.ok) throw new Error(`test intent invalid: ${JSON.stringify(valid.errors)}`);
        return kv.put(name, JSON.stringify(valid.value));
      }),
    );
  }
}, 60_000);

afterAll(async () => {
  await bed?.close();
});

/** Follows `next` from `first` on; every reply is checked against the message limit. */
async function allPages(
  first: Record<string, unknown>,
): Promise<{ names: string[]; pages: number }> {
  const names: string[] = [];
  let pages = 0;
  for (let body: Record<string, unknown> | undefined = first; body !== undefined; pages++) {
    const raw = await bed.nc.request(SUBJECTS.intentsList, JSON.stringify(body), {
      timeout: 10_000,
    });
    expect(raw.data.byteLength).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    const reply = raw.json<Reply>();
    expect(reply.ok).toBe(true);
    names.push(...reply.intents.map((entry: Reply) => entry.name));
    if (reply.next !== undefined) expect(reply.next).toBe(names.at(-1));
    body = reply.next === undefined ? undefined : { ...first, after: reply.next };
  }
  return { names, pages };
}

describe('listing more intents than one message holds', () => {
  it('{} gives as many as fit, in name order, with next; following next gives every intent once', async () => {
    const first: Reply = await bed.request(SUBJECTS.intentsList, {});
    expect(first.intents.length).toBeGreaterThan(1000);
    expect(first.intents.length).toBeLessThan(COUNT);
    expect(first.next).toBe(first.intents.at(-1).name);
    const { names, pages } = await allPages({});
    expect(pages).toBe(2);
    expect(names).toEqual(NAMES);
  });

  it('limit and after page through exactly, and the last page has no next', async () => {
    expect(await bed.request(SUBJECTS.intentsList, { limit: 3 })).toEqual({
      ok: true,
      intents: NAMES.slice(0, 3).map((name) => ({
        name,
        revision: expect.any(Number),
        intent: expect.objectContaining({ metadata: { name } }),
      })),
      next: 'i-00003',
    });
    const tail: Reply = await bed.request(SUBJECTS.intentsList, { after: 'i-03498', limit: 5 });
    expect(tail.intents.map((entry: Reply) => entry.name)).toEqual(['i-03499', 'i-03500']);
    expect(tail.next).toBeUndefined();
    expect(await bed.request(SUBJECTS.intentsList, { after: 'i-03500' })).toEqual({
      ok: true,
      intents: [],
    });
    // `after` need not be stored: the list continues after it in name order.
    const between: Reply = await bed.request(SUBJECTS.intentsList, { after: 'i-00010a', limit: 1 });
    expect(between.intents.map((entry: Reply) => entry.name)).toEqual(['i-00011']);
    const { names, pages } = await allPages({ limit: 1000 });
    expect(pages).toBe(4);
    expect(names).toEqual(NAMES);
  });

  it.each([
    [{ limit: 0 }, 'limit', /limit must be a whole number 1\.\.10000/],
    [{ limit: 10001 }, 'limit', /1\.\.10000/],
    [{ limit: 'ten' }, 'limit', /whole number/],
    [{ after: 'Not A Name' }, 'after', /after must be an intent name/],
    [{ after: 7 }, 'after', /after must be an intent name/],
    [{ page: 2 }, 'page', /unknown field \(expected limit, after\)/],
  ])('refuses %j naming %s', async (body, path, message) => {
    const reply: Reply = await bed.request(SUBJECTS.intentsList, body);
    expect(reply.ok).toBe(false);
    expect(reply.errors).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it('GET /intents takes limit and after as query parameters', async () => {
    const page = await bed.http('GET', '/v1/intents?limit=2&after=i-00100');
    expect(page.status).toBe(200);
    expect(page.body.intents.map((entry: Reply) => entry.name)).toEqual(['i-00101', 'i-00102']);
    expect(page.body.next).toBe('i-00102');
    const bad = await bed.http('GET', '/v1/intents?limit=many');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('limit');
  });

  it('srv6 get intents follows next and prints every intent', async () => {
    // Not spawnSync: intent-svc runs in this process and must answer meanwhile.
    const result = await promisify(execFile)(
      'node',
      [CLI, 'get', 'intents', '--server', `nats://${bed.nc.getServer()}`, '-o', 'json'],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    expect(result.stderr).toBe('');
    const listed = JSON.parse(result.stdout) as Array<{ name: string }>;
    expect(listed.map((entry) => entry.name)).toEqual(NAMES);
  });
});
