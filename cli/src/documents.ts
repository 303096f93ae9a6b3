/** Reading YAML/JSON files given with -f, with the schema's parser and limits. */
import { readFileSync } from 'node:fs';
import { parseDocument } from '@srv6/schema';
import { CliError } from './output.js';

export function readText(file: string): string {
  try {
    return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

export function readDocument(file: string): unknown {
  const parsed = parseDocument(readText(file));
  if (!parsed.ok) {
    throw new CliError(
      `${file}:\n${parsed.errors.map((e) => `  ${e.path || '(document)'}: ${e.message}`).join('\n')}`,
    );
  }
  return parsed.value;
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
