import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, type Result } from '@srv6/schema';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** The fixture parsed to plain data (fails the test when it does not parse). */
export function loadFixture(name: string): Record<string, unknown> {
  const parsed = parseDocument(readFileSync(join(fixtures, name), 'utf8'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value as Record<string, unknown>;
}

export function errorsOf<T>(result: Result<T>): Array<{ path: string; message: string }> {
  return result.ok ? [] : result.errors;
}

/** Test documents are plain data edited field by field; typing every edit would add only noise. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EditableDocument = any;

/** Deep copy with `edit` applied (test documents are plain JSON data). */
export function edited<T>(document: T, edit: (copy: EditableDocument) => void): T {
  const copy = structuredClone(document);
  edit(copy);
  return copy;
}

/** Exact text, or a pattern for longer parser-made messages. */
export function matches(message: string | RegExp): unknown {
  return typeof message === 'string' ? message : expect.stringMatching(message);
}
