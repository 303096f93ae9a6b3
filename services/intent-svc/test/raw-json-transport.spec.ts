/** The raw NATS serializer/deserializer: no Nest envelope either way, errors still answered. */
import { Logger } from '@nestjs/common';
import { RawJsonDeserializer } from '../src/transport/raw-json.deserializer.js';
import { RawJsonSerializer } from '../src/transport/raw-json.serializer.js';
import { fail, MAX_ERROR_TEXT, MAX_REPLY_ERRORS } from '../src/services/service-result.js';

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

  it('turns a reply too large for a NATS message into an error reply (not a silent drop)', () => {
    const intents = Array.from({ length: 20_000 }, (_, i) => ({
      name: `i${i}`,
      pad: 'x'.repeat(60),
    }));
    const reply = new RawJsonSerializer().serialize({ id: 'x', response: { ok: true, intents } });
    expect(reply.data.byteLength).toBeLessThan(1000);
    expect(decode(reply.data)).toEqual({
      ok: false,
      errors: [
        {
          path: '',
          message: expect.stringMatching(
            /^the reply is \d+ bytes, more than the 1048576 a NATS message may carry$/,
          ),
        },
      ],
    });
  });
});

describe('fail: the errors of a refusal are bounded', () => {
  it('lists the first 100 errors and counts the rest; quotes at most 300 characters', () => {
    const errors = Array.from({ length: 1000 }, (_, i) => ({
      path: `spec.hosts[${i}]`,
      message: 'bad',
    }));
    const failure = fail('invalid', [
      { path: 'x'.repeat(5000), message: 'y'.repeat(900_000) },
      ...errors,
    ]);
    expect(failure.errors).toHaveLength(MAX_REPLY_ERRORS + 1);
    expect(failure.errors[0]).toEqual({
      path: `${'x'.repeat(MAX_ERROR_TEXT)}… (5000 characters)`,
      message: `${'y'.repeat(MAX_ERROR_TEXT)}… (900000 characters)`,
    });
    expect(failure.errors[99]).toEqual({ path: 'spec.hosts[98]', message: 'bad' });
    expect(failure.errors[100]).toEqual({
      path: '',
      message: 'and 901 more problems (only the first 100 are listed)',
    });
    expect(fail('invalid', errors.slice(0, 3)).errors).toEqual(errors.slice(0, 3));
  });
});
