/** What the intents service answers: the SPEC's reply bodies plus why a request failed. */
import type { FieldError } from '@srv6/bus';

/**
 * invalid: the document or request is wrong; too-large: over the size limit; not-found: no such
 * name; conflict: a stale metadata.revision; precondition: the store is not ready for it (no
 * topology yet).
 */
export type FailureKind = 'invalid' | 'too-large' | 'not-found' | 'conflict' | 'precondition';

export interface Failure {
  readonly ok: false;
  readonly errors: readonly FieldError[];
  readonly failure: FailureKind;
}

export type ServiceResult<T extends object> = ({ readonly ok: true } & T) | Failure;

/** Errors a reply lists; the rest are counted in one more entry. */
export const MAX_REPLY_ERRORS = 100;
/** Characters of a path or message: validators quote the values they refuse, which may be huge. */
export const MAX_ERROR_TEXT = 300;

function shorten(text: string): string {
  return text.length <= MAX_ERROR_TEXT
    ? text
    : `${text.slice(0, MAX_ERROR_TEXT)}… (${text.length} characters)`;
}

/**
 * A refusal, its errors bounded: a 1 MiB document can hold 100,000 bad entries or one
 * 1,000,000-character value, and a reply listing them all would not fit in a NATS message
 * (nats-server would drop it and the client wait for nothing).
 */
export function fail(failure: FailureKind, errors: readonly FieldError[]): Failure {
  const listed = errors
    .slice(0, MAX_REPLY_ERRORS)
    .map(({ path, message }) => ({ path: shorten(path), message: shorten(message) }));
  if (errors.length > MAX_REPLY_ERRORS) {
    const more = errors.length - MAX_REPLY_ERRORS;
    listed.push({
      path: '',
      message: `and ${more} more problem${more === 1 ? '' : 's'} (only the first ${MAX_REPLY_ERRORS} are listed)`,
    });
  }
  return { ok: false, errors: listed, failure };
}

/** The SPEC's wire reply: the result without the failure kind. */
export function toReply<T extends object>(result: ServiceResult<T>): object {
  if (result.ok) return result;
  return { ok: false, errors: result.errors };
}
