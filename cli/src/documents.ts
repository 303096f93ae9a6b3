/** Reading YAML/JSON files given with -f, with the schema's parser and limits. */
import { readFileSync } from 'node:fs';
// The parser alone: the whole schema (class-validator) costs a command ~0.15 s to load.
import { parseDocument } from '@srv6/schema/parse';
import { CliError } from './output.js';

/** Strict: invalid UTF-8 is refused, not turned into U+FFFD (the services refuse it too). */
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function readText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = file === '-' ? readFileSync(0) : readFileSync(file);
  } catch (error) {
    throw new CliError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    return utf8.decode(bytes);
  } catch {
    throw new CliError(`${file}:\n  (document): not valid UTF-8`);
  }
}

/** The file's text and what it holds (parsed with the schema's parser and limits). */
export function readDocumentText(file: string): { text: string; document: unknown } {
  const text = readText(file);
  const parsed = parseDocument(text);
  if (!parsed.ok) {
    throw new CliError(
      `${file}:\n${parsed.errors.map((e) => `  ${e.path || '(document)'}: ${e.message}`).join('\n')}`,
    );
  }
  return { text, document: parsed.value };
}

export function readDocument(file: string): unknown {
  return readDocumentText(file).document;
}

/** Prints every field error of a refused document and fails. */
export function refuse(
  what: string,
  errors: ReadonlyArray<{ path: string; message: string }>,
): never {
  throw new CliError(
    `${what} refused:\n${errors.map((e) => `  ${e.path || '(document)'}: ${e.message}`).join('\n')}`,
  );
}
