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

export function fail(failure: FailureKind, errors: readonly FieldError[]): Failure {
  return { ok: false, errors, failure };
}

/** The SPEC's wire reply: the result without the failure kind. */
export function toReply<T extends object>(result: ServiceResult<T>): object {
  if (result.ok) return result;
  return { ok: false, errors: result.errors };
}
