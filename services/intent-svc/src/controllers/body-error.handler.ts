/**
 * Express error middleware right after the raw body parser: a body it refuses (over the size
 * limit, aborted, unsupported encoding) gets the API's {ok:false, errors} body, not an HTML page.
 */
import { MAX_MESSAGE_BYTES } from '@srv6/bus';

interface BodyParserError {
  readonly status?: number;
  readonly type?: string;
  readonly message?: string;
}

interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

export function bodyErrorHandler(
  error: BodyParserError,
  _request: unknown,
  response: JsonResponse,
  next: (error?: unknown) => void,
): void {
  if (typeof error?.status !== 'number' || error.status >= 500) return next(error);
  const message =
    error.type === 'entity.too.large'
      ? `body is larger than the limit of ${MAX_MESSAGE_BYTES} bytes`
      : `body refused: ${error.message ?? 'unreadable'}`;
  response.status(error.status).json({ ok: false, errors: [{ path: '', message }] });
}
