/**
 * HTTP writes (POST, PUT, DELETE, PATCH) need `Authorization: Bearer <HTTP_TOKEN>`; reads stay
 * open. Runs before the body parser, so a refused request's body is never read. Without a token
 * (allowed only on a loopback HTTP_HOST, see config.ts) writes are open. docs/security.md.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface Request {
  readonly method: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

interface Response {
  status(code: number): Response;
  setHeader(name: string, value: string): void;
  json(body: unknown): void;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Compares in constant time (digests have equal lengths whatever the input). */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function refuse(response: Response, message: string): void {
  response.setHeader('WWW-Authenticate', 'Bearer realm="srv6-intents"');
  response.status(401).json({ ok: false, errors: [{ path: '', message }] });
}

export function writeAuthorization(
  token: string | undefined,
): (request: Request, response: Response, next: () => void) => void {
  return (request, response, next) => {
    if (token === undefined || READS.has(request.method.toUpperCase())) return next();
    const header = request.headers['authorization'];
    const value = Array.isArray(header) ? header[0] : header;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
    if (!match) {
      return refuse(response, 'writes need an Authorization: Bearer <token> header (HTTP_TOKEN)');
    }
    if (!tokenMatches(match[1]!, token)) return refuse(response, 'the bearer token is not valid');
    next();
  };
}
