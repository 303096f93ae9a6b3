/** Service results as HTTP responses: the same bodies as over NATS, failures with a status code. */
import { HttpException, HttpStatus } from '@nestjs/common';
import { toReply, type FailureKind, type ServiceResult } from '../services/service-result.js';

const STATUS: Record<FailureKind, HttpStatus> = {
  invalid: HttpStatus.BAD_REQUEST,
  'too-large': HttpStatus.PAYLOAD_TOO_LARGE,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  precondition: HttpStatus.CONFLICT,
};

/** The reply body on success; throws the {ok:false, errors} body with its status otherwise. */
export function httpReply<T extends object>(result: ServiceResult<T>): object {
  if (result.ok) return result;
  throw new HttpException(toReply(result), STATUS[result.failure]);
}

/** The raw request body (the raw body parser leaves it undefined when there is none). */
export function bodyBytes(body: unknown): Uint8Array {
  return body instanceof Uint8Array ? body : new Uint8Array();
}
