/** Reading the topology and intent files the lab applies, validated as the services would. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  parseDocument,
  validateIntent,
  validateTopology,
  type FieldError,
  type Intent,
  type Topology,
} from '@srv6/schema';

function describe(file: string, errors: readonly FieldError[]): Error {
  const lines = errors.map((e) => `  ${e.path || '(document)'}: ${e.message}`);
  return new Error(`${file} is not valid:\n${lines.join('\n')}`);
}

function read(file: string): unknown {
  const parsed = parseDocument(readFileSync(file, 'utf8'));
  if (!parsed.ok) throw describe(file, parsed.errors);
  return parsed.value;
}

export function loadTopology(file: string): Topology {
  const result = validateTopology(read(file));
  if (!result.ok) throw describe(file, result.errors);
  return result.value;
}

/** Every Intent document in `path` (a directory of *.yaml / *.json, or one file). */
export function loadIntents(path: string, topology: Topology): Intent[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((file) => /\.(ya?ml|json)$/.test(file))
        .sort()
        .map((file) => join(path, file))
    : [path];
  const intents: Intent[] = [];
  for (const file of files) {
    const document = read(file);
    if ((document as { kind?: unknown } | null)?.kind !== 'Intent') continue;
    const result = validateIntent(document, topology);
    if (!result.ok) throw describe(basename(file), result.errors);
    intents.push(result.value);
  }
  if (intents.length === 0) throw new Error(`no Intent documents in ${path}`);
  return intents;
}
