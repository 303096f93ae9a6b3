/** The raw NATS serializer/deserializer: no Nest envelope either way, errors still answered. */
import { Logger } from '@nestjs/common';
import { RawJsonDeserializer } from '../src/transport/raw-json.deserializer.js';
import { RawJsonSerializer } from '../src/transport/raw-json.serializer.js';

const decode = (data: Uint8Array): unknown => JSON.parse(new TextDecoder().decode(data));

describe('RawJsonDeserializer', () => {
  const data = new TextEncoder().encode('kind: Intent');

  it('a message with a reply subject is a request carrying the raw bytes', () => {
    const packet = new RawJsonDeserializer().deserialize(
      { subject: 'srv6.intents.apply', reply: '_INBOX.x', data },
      { channel: 'srv6.intents.apply', replyTo: '_INBOX.x' },
    );
    expect(packet).toEqual({ pattern: 'srv6.intents.apply', data, id: '_INBOX.x' });
  });

  it('a message without one is an event (no id)', () => {
    const packet = new RawJsonDeserializer().deserialize({ subject: 's', data }, { channel: 's' });
    expect(packet).toEqual({ pattern: 's', data });
  });
});

describe('RawJsonSerializer', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['error', 'warn']));

  it('writes the response alone, without {response, isDisposed, id}', () => {
    const reply = new RawJsonSerializer().serialize({
      id: '_INBOX.x',
      response: { ok: true, name: 'a', revision: 3 },
      isDisposed: true,
    });
    expect(decode(reply.data)).toEqual({ ok: true, name: 'a', revision: 3 });
  });

  it('turns a handler error into an {ok:false, errors} reply', () => {
    const reply = new RawJsonSerializer().serialize({ id: 'x', err: new Error('kv timeout') });
    expect(decode(reply.data)).toEqual({
      ok: false,
      errors: [{ path: '', message: 'internal error: kv timeout' }],
    });
  });
});
