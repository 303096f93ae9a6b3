/** JSON bodies with a size limit; decoding errors are FieldErrors at the root. */
import { MAX_MESSAGE_BYTES } from './names.js';
import { FieldError } from './messages.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function decodeText(
  data: Uint8Array,
  maxBytes = MAX_MESSAGE_BYTES,
): { ok: true; text: string } | { ok: false; errors: FieldError[] } {
  if (data.byteLength > maxBytes) {
    return {
      ok: false,
      errors: [
        { path: '', message: `message is ${data.byteLength} bytes, the limit is ${maxBytes}` },
      ],
    };
  }
  try {
    return { ok: true, text: decoder.decode(data) };
  } catch {
    return { ok: false, errors: [{ path: '', message: 'message is not valid UTF-8' }] };
  }
}

export function decodeJson<T>(data: Uint8Array): T {
  return JSON.parse(decoder.decode(data)) as T;
}
