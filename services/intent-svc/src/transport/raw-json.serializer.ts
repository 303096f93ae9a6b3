/**
 * Writes a handler's reply as plain JSON (the SPEC's reply bodies) instead of Nest's
 * {response, err, isDisposed, id} envelope. An error escaping a handler becomes an
 * {ok:false, errors} reply too, and so does a reply too large for a NATS message, so a client
 * never waits for a reply that does not come.
 */
import { Logger } from '@nestjs/common';
import type { ConsumerSerializer, OutgoingResponse } from '@nestjs/microservices';
import { encodeJson, MAX_MESSAGE_BYTES } from '@srv6/bus';

export interface NatsReply {
  readonly data: Uint8Array;
  readonly headers?: undefined;
}

function errorMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : 'unknown error';
}

export class RawJsonSerializer implements ConsumerSerializer {
  private readonly logger = new Logger(RawJsonSerializer.name);

  serialize(packet: OutgoingResponse): NatsReply {
    if (packet.err === undefined && packet.response !== undefined) {
      const data = encodeJson(packet.response);
      if (data.byteLength <= MAX_MESSAGE_BYTES) return { data };
      // nats-server would refuse it (max_payload) and the client would wait until its timeout.
      const message = `the reply is ${data.byteLength} bytes, more than the ${MAX_MESSAGE_BYTES} a NATS message may carry`;
      this.logger.error(message);
      return { data: encodeJson({ ok: false, errors: [{ path: '', message }] }) };
    }
    const message =
      packet.err === undefined ? 'the handler gave no reply' : errorMessage(packet.err);
    this.logger.error(`request failed: ${message}`);
    return {
      data: encodeJson({
        ok: false,
        errors: [{ path: '', message: `internal error: ${message}` }],
      }),
    };
  }
}
