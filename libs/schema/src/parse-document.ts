/** Turns YAML or JSON text into plain data, refusing oversized documents and alias bombs. */
import { parseDocument as parseYamlDocument } from 'yaml';
import { MAX_DOCUMENT_BYTES, YAML_MAX_ALIAS_COUNT } from './limits.js';
import type { Result } from './result.js';

export interface ParseDocumentOptions {
  /** Largest accepted text in UTF-8 bytes (default MAX_DOCUMENT_BYTES). */
  maxBytes?: number;
  /** Largest accepted number of YAML alias nodes (default YAML_MAX_ALIAS_COUNT). */
  maxAliasCount?: number;
}

function failure(message: string): Result<unknown> {
  return { ok: false, errors: [{ path: '', message }] };
}

/**
 * Parses a Topology or Intent document. Text starting with `{` or `[` is JSON, anything else
 * YAML 1.2 (core schema, duplicate keys refused, one document only). The size limit is
 * checked before any parsing.
 */
export function parseDocument(text: string, options: ParseDocumentOptions = {}): Result<unknown> {
  const maxBytes = options.maxBytes ?? MAX_DOCUMENT_BYTES;
  const maxAliasCount = options.maxAliasCount ?? YAML_MAX_ALIAS_COUNT;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    return failure(`document is ${bytes} bytes, larger than the limit of ${maxBytes} bytes`);
  }
  const trimmed = text.trimStart();
  if (trimmed === '') return failure('document is empty');
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch (error) {
      return failure(`invalid JSON: ${(error as Error).message}`);
    }
  }
  const document = parseYamlDocument(text, {
    schema: 'core',
    uniqueKeys: true,
    merge: false,
    prettyErrors: true,
  });
  if (document.errors.length > 0) {
    return {
      ok: false,
      errors: document.errors.map((error) => ({
        path: '',
        message: `invalid YAML: ${error.message}`,
      })),
    };
  }
  try {
    return { ok: true, value: document.toJS({ maxAliasCount }) as unknown };
  } catch (error) {
    const message = (error as Error).message;
    if (/alias/i.test(message)) {
      return failure(
        `YAML uses too many aliases (limit ${maxAliasCount}): refused as a possible ` +
          `expansion ("billion laughs") attack`,
      );
    }
    return failure(`invalid YAML: ${message}`);
  }
}
