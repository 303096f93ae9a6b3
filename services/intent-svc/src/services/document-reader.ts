/**
 * Request bodies of both transports: bytes → UTF-8 text → JSON or YAML data, with the size limit
 * checked first. Never throws: every problem becomes a Failure.
 */
import { decodeText, MAX_MESSAGE_BYTES } from '@srv6/bus';
import { DOCUMENT_NAME_MAX_LENGTH, NAME_PATTERN, parseDocument } from '@srv6/schema';
import { fail, type Failure } from './service-result.js';

export type ReadResult<T> = { readonly ok: true; readonly value: T } | Failure;

export function readDocument(body: Uint8Array, maxBytes = MAX_MESSAGE_BYTES): ReadResult<unknown> {
  if (body.byteLength > maxBytes) {
    return fail('too-large', [
      { path: '', message: `message is ${body.byteLength} bytes, the limit is ${maxBytes}` },
    ]);
  }
  const text = decodeText(body, maxBytes);
  if (!text.ok) return fail('invalid', text.errors);
  const parsed = parseDocument(text.text, { maxBytes });
  return parsed.ok ? parsed : fail('invalid', parsed.errors);
}

/** `{name}` or `{name, revision}` (revision only where allowed). */
export interface NameRequest {
  readonly name: string;
  readonly revision?: number;
}

export function readNameRequest(input: unknown, allowRevision: boolean): ReadResult<NameRequest> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail('invalid', [{ path: '', message: 'the request must be an object {"name"}' }]);
  }
  const { name, revision, ...unknown } = input as Record<string, unknown>;
  const errors = Object.keys(unknown).map((key) => ({
    path: key,
    message: `unknown field (expected name${allowRevision ? ', revision' : ''})`,
  }));
  if (typeof name !== 'string' || name === '') {
    errors.push({ path: 'name', message: 'name is required: a non-empty string' });
  } else if (!NAME_PATTERN.test(name) || name.length > DOCUMENT_NAME_MAX_LENGTH) {
    errors.push({
      path: 'name',
      message: `'${name.slice(0, 80)}' is not a name: use [a-z0-9-], at most ${DOCUMENT_NAME_MAX_LENGTH} characters`,
    });
  }
  if (revision !== undefined) {
    if (!allowRevision) errors.push({ path: 'revision', message: 'unknown field (expected name)' });
    else if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 1) {
      errors.push({ path: 'revision', message: 'revision must be a whole number ≥ 1' });
    }
  }
  if (errors.length > 0) return fail('invalid', errors);
  return { ok: true, value: { name: name as string, revision: revision as number | undefined } };
}

/** Most intents one list request may ask for (a reply also stops at the message size). */
export const LIST_LIMIT_MAX = 10_000;

/** `{}`, `{limit}`, `{after}` or both: a page of the intents in name order after `after`. */
export interface ListRequest {
  readonly limit?: number;
  /** The `next` of the previous page: the list continues after this name. */
  readonly after?: string;
}

export function readListRequest(input: unknown): ReadResult<ListRequest> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail('invalid', [
      { path: '', message: 'the request must be an object {limit?, after?}' },
    ]);
  }
  const { limit, after, ...unknown } = input as Record<string, unknown>;
  const errors = Object.keys(unknown).map((key) => ({
    path: key,
    message: 'unknown field (expected limit, after)',
  }));
  if (
    limit !== undefined &&
    (typeof limit !== 'number' ||
      !Number.isSafeInteger(limit) ||
      limit < 1 ||
      limit > LIST_LIMIT_MAX)
  ) {
    errors.push({ path: 'limit', message: `limit must be a whole number 1..${LIST_LIMIT_MAX}` });
  }
  if (
    after !== undefined &&
    (typeof after !== 'string' ||
      !NAME_PATTERN.test(after) ||
      after.length > DOCUMENT_NAME_MAX_LENGTH)
  ) {
    errors.push({
      path: 'after',
      message: `after must be an intent name (the 'next' of the previous page)`,
    });
  }
  if (errors.length > 0) return fail('invalid', errors);
  return {
    ok: true,
    value: {
      ...(limit !== undefined ? { limit: limit as number } : {}),
      ...(after !== undefined ? { after: after as string } : {}),
    },
  };
}
