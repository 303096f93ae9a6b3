/** Outcome of parsing or validating a document: the value, or every problem found. */

export interface FieldError {
  /** Field path such as `spec.match.ports[1]` or `spec.links[3].adjSids.r9`; '' = whole document. */
  path: string;
  /** Human reason. */
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Appends `key` to `path`: indexes as `[3]`, other keys as `.key`. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number' || /^\d+$/.test(key)) return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}
