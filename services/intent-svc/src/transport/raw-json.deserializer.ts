/**
 * Reads a NATS message as Nest's incoming packet without expecting Nest's envelope: the body goes
 * to the handler as raw bytes (it may be JSON, YAML or garbage; the handler decides), so any NATS
 * client can send a plain document. A message with a reply subject is a request, one without an
 * event.
 */
import type { ConsumerDeserializer, IncomingEvent, IncomingRequest } from '@nestjs/microservices';

interface NatsMessageLike {
  readonly subject: string;
  readonly reply?: string;
  readonly data: Uint8Array;
}

export class RawJsonDeserializer implements ConsumerDeserializer {
  deserialize(
    message: NatsMessageLike,
    options?: { channel?: string; replyTo?: string },
  ): IncomingRequest | IncomingEvent {
    const pattern = options?.channel ?? message.subject;
    const replyTo = options?.replyTo ?? message.reply;
    return replyTo ? { pattern, data: message.data, id: replyTo } : { pattern, data: message.data };
  }
}
