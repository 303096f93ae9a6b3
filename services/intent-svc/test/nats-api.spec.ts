/** The public subjects with a raw @nats-io/transport-node client: plain bodies, plain replies. */
import { jetstream } from '@nats-io/jetstream';
import { EVENTS_STREAM, SUBJECTS } from '@srv6/bus';
import { intent, intentYaml, startTestBed, TOPOLOGY, type Reply, type TestBed } from './support.js';

let bed: TestBed;

beforeAll(async () => {
  bed = await startTestBed();
});

afterAll(async () => {
  await bed?.close();
});

/** Every event on the stream, in order, read with an ordered consumer. */
async function events(): Promise<Reply[]> {
  const consumer = await jetstream(bed.nc).consumers.get(EVENTS_STREAM);
  const seen: Reply[] = [];
  const messages = await consumer.fetch({ max_messages: 100, expires: 1000 });
  for await (const message of messages) {
    seen.push({ subject: message.subject, ...message.json<Reply>() });
    if (message.info.pending === 0) break;
  }
  return seen;
}

describe('srv6.* subjects with a raw NATS client', () => {
  let topologyRevision = 0;
  let jsonRevision = 0;
  let yamlRevision = 0;

  it('refuses an intent before any topology, changing nothing', async () => {
    const before = await bed.snapshot();
    expect(await bed.request(SUBJECTS.intentsApply, intent('early'))).toEqual({
      ok: false,
      errors: [
        {
          path: '',
          message: 'no topology applied yet: apply one first (srv6 topology apply -f FILE)',
        },
      ],
    });
    expect(await bed.snapshot()).toEqual(before);
  });

  it('applies a topology and reads it back', async () => {
    const reply = await bed.request(SUBJECTS.topologyApply, TOPOLOGY);
    expect(reply).toEqual({ ok: true, name: 'lab', revision: expect.any(Number) });
    topologyRevision = reply.revision;
    const stored = await bed.request(SUBJECTS.topologyGet, {});
    expect(stored.ok).toBe(true);
    expect(stored.revision).toBe(topologyRevision);
    expect(stored.topology.spec.links.map((l: Reply) => l.name)).toEqual([
      'r1-r2',
      'r2-r3',
      'r1-r3',
    ]);
  });

  it('applies intents from a JSON body and from a YAML body', async () => {
    const json = await bed.request(SUBJECTS.intentsApply, intent('video-call'));
    expect(json).toEqual({ ok: true, name: 'video-call', revision: expect.any(Number) });
    const yaml = await bed.request(SUBJECTS.intentsApply, intentYaml('backup'));
    expect(yaml).toEqual({ ok: true, name: 'backup', revision: expect.any(Number) });
    jsonRevision = json.revision;
    yamlRevision = yaml.revision;
  });

  it('get and list return the stored intents with defaults filled in', async () => {
    const got = await bed.request(SUBJECTS.intentsGet, { name: 'video-call' });
    expect(got).toEqual({ ok: true, intent: expect.any(Object), revision: jsonRevision });
    expect(got.intent.metadata).toEqual({ name: 'video-call' });
    expect(got.intent.spec.encapsulation).toBe('srh');
    const listed = await bed.request(SUBJECTS.intentsList, {});
    expect(listed.ok).toBe(true);
    expect(listed.intents.map((e: Reply) => [e.name, e.revision])).toEqual([
      ['backup', yamlRevision],
      ['video-call', jsonRevision],
    ]);
    expect(listed.intents[0].intent.spec.match).toEqual({
      destination: '2001:db8:b::/64',
      protocol: 'tcp',
    });
    expect(await bed.request(SUBJECTS.intentsGet, { name: 'nope' })).toEqual({
      ok: false,
      errors: [{ path: 'name', message: "no intent named 'nope'" }],
    });
  });

  it('a conditional update at the current revision succeeds, a stale one changes nothing', async () => {
    const update = intent('video-call', 'low-jitter');
    (update['metadata'] as Reply).revision = jsonRevision;
    const updated = await bed.request(SUBJECTS.intentsApply, update);
    expect(updated).toEqual({ ok: true, name: 'video-call', revision: expect.any(Number) });
    expect(updated.revision).toBeGreaterThan(jsonRevision);

    const before = await bed.snapshot();
    const stale = await bed.request(SUBJECTS.intentsApply, update); // still the old revision
    expect(stale.ok).toBe(false);
    expect(stale.errors).toEqual([
      {
        path: 'metadata.revision',
        message: expect.stringContaining(`revision ${jsonRevision} is stale`),
      },
    ]);
    const create = intent('video-call');
    (create['metadata'] as Reply).revision = 0;
    const exists = await bed.request(SUBJECTS.intentsApply, create);
    expect(exists.errors[0].path).toBe('metadata.revision');
    expect(await bed.snapshot()).toEqual(before);

    const got = await bed.request(SUBJECTS.intentsGet, { name: 'video-call' });
    expect([got.revision, got.intent.spec.objective]).toEqual([updated.revision, 'low-jitter']);
    jsonRevision = updated.revision;
  });

  it('of two concurrent updates at the same revision exactly one wins', async () => {
    const racers = ['low-cost', 'high-bandwidth'].map((objective) => {
      const update = intent('video-call', objective);
      (update['metadata'] as Reply).revision = jsonRevision;
      return bed.request(SUBJECTS.intentsApply, update);
    });
    const replies = await Promise.all(racers);
    const winners = replies.filter((reply) => reply.ok);
    expect(winners).toHaveLength(1);
    expect(replies.find((reply) => !reply.ok).errors[0].path).toBe('metadata.revision');
    jsonRevision = winners[0].revision;
  });

  it('revision 0 creates a missing intent', async () => {
    const create = intent('fresh');
    (create['metadata'] as Reply).revision = 0;
    expect(await bed.request(SUBJECTS.intentsApply, create)).toMatchObject({
      ok: true,
      name: 'fresh',
    });
  });

  it('delete removes an intent; deleting it again is refused', async () => {
    const deleted = await bed.request(SUBJECTS.intentsDelete, { name: 'fresh' });
    expect(deleted).toEqual({ ok: true, name: 'fresh', revision: expect.any(Number) });
    expect((await bed.request(SUBJECTS.intentsGet, { name: 'fresh' })).ok).toBe(false);
    const listed = await bed.request(SUBJECTS.intentsList, {});
    expect(listed.intents.map((e: Reply) => e.name)).toEqual(['backup', 'video-call']);
    const before = await bed.snapshot();
    expect(await bed.request(SUBJECTS.intentsDelete, { name: 'fresh' })).toEqual({
      ok: false,
      errors: [{ path: 'name', message: "no intent named 'fresh'" }],
    });
    expect(await bed.snapshot()).toEqual(before);
  });

  it('every change is an event on the stream, with type, name and revision', async () => {
    const seen = await events();
    const intents = seen.filter((e) => e.subject.startsWith('srv6.events.intents.'));
    expect(seen.find((e) => e.subject === 'srv6.events.topology')).toEqual({
      subject: 'srv6.events.topology',
      type: 'applied',
      revision: topologyRevision,
    });
    expect(intents.map((e) => [e.subject, e.type, e.name])).toEqual([
      ['srv6.events.intents.video-call', 'applied', 'video-call'],
      ['srv6.events.intents.backup', 'applied', 'backup'],
      ['srv6.events.intents.video-call', 'applied', 'video-call'],
      ['srv6.events.intents.video-call', 'applied', 'video-call'],
      ['srv6.events.intents.fresh', 'applied', 'fresh'],
      ['srv6.events.intents.fresh', 'deleted', 'fresh'],
    ]);
    expect(intents[1].revision).toBe(yamlRevision);
    expect(intents[3].revision).toBe(jsonRevision);
    expect(intents[5].revision).toBeGreaterThan(intents[4].revision);
  });
});
