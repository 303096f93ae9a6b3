/**
 * Turns YAML or JSON text into plain data, refusing oversized documents, alias bombs, deep
 * nesting and duplicate keys. Every step is linear in the text: a document of the size limit
 * costs milliseconds to refuse, never seconds (services parse request bodies with this).
 */
import {
  isScalar,
  Lexer,
  LineCounter,
  parseDocument as parseYamlDocument,
  visit,
  type Document,
  type YAMLError,
} from 'yaml';
import { MAX_DOCUMENT_BYTES, MAX_NESTING_DEPTH, YAML_MAX_ALIAS_COUNT } from './limits.js';
import type { FieldError, Result } from './result.js';

export interface ParseDocumentOptions {
  /** Largest accepted text in UTF-8 bytes (default MAX_DOCUMENT_BYTES). */
  maxBytes?: number;
  /** Largest accepted number of YAML alias nodes (default YAML_MAX_ALIAS_COUNT). */
  maxAliasCount?: number;
}

function failure(message: string): Result<unknown> {
  return { ok: false, errors: [{ path: '', message }] };
}

const TOO_DEEP = `document nests objects and arrays more than ${MAX_NESTING_DEPTH} levels deep (the limit)`;

/**
 * How deep objects and arrays nest in `value` (a scalar: 0), without recursion; stops counting
 * once past `limit`.
 */
export function nestingDepth(value: unknown, limit = MAX_NESTING_DEPTH): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * Whether YAML text nests flow collections and block indicators on one line (`- - - x`) deeper
 * than `limit`, from the lexer's tokens: the YAML parser would otherwise build the whole
 * syntax tree of a 1 MiB bracket bomb (seconds, hundreds of MB) before its stack overflows.
 * Nesting by indentation is bounded by the line length and left to the parser.
 */
function yamlNestsDeeper(text: string, limit: number): boolean {
  let flow = 0;
  let indicators = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') flow++;
    else if (token === ']' || token === '}') flow = Math.max(0, flow - 1);
    else if (token === '\n' || token === '\r\n') indicators = 0;
    else if (flow === 0 && (token === '-' || token === '?' || token === ':')) indicators++;
    else continue;
    if (flow + indicators > limit) return true;
  }
  return false;
}

/**
 * Keys that repeat in a mapping, and keys that are collections (JavaScript objects cannot hold
 * them): one linear pass (the YAML library's own uniqueKeys check compares every key with every
 * other, minutes for a mapping of 100,000 keys).
 */
function keyProblems(document: Document, lines: LineCounter): FieldError[] {
  const problems: FieldError[] = [];
  const at = (offset: number | undefined): string => {
    const { line, col } = lines.linePos(offset ?? 0);
    return `at line ${line}, column ${col}`;
  };
  visit(document, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const { key } of map.items) {
        const node = key as { range?: [number, number, number] } | null;
        if (key !== null && !isScalar(key)) {
          problems.push({
            path: '',
            message: `invalid YAML: a key must be a plain value, not a collection, ${at(node?.range?.[0])}`,
          });
          continue;
        }
        const text = String(key?.value ?? null);
        if (seen.has(text)) {
          problems.push({
            path: '',
            message: `invalid YAML: Map keys must be unique: '${text.slice(0, 80)}' is repeated ${at(node?.range?.[0])}`,
          });
        }
        seen.add(text);
      }
      return problems.length >= 10 ? visit.BREAK : undefined;
    },
  });
  return problems;
}

/**
 * One line: the library's message without its code frame (prettyErrors appends the source
 * lines after a colon), with the position; a second document gets words a user acts on.
 */
function yamlErrorMessage(error: YAMLError): string {
  const position = error.linePos?.[0];
  const where = position ? ` at line ${position.line}, column ${position.col}` : '';
  if (error.code === 'MULTIPLE_DOCS')
    return `invalid YAML: more than one document (another starts${where}); give one document at a time`;
  const first = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return `invalid YAML: ${first}${where}`;
}

function parseYaml(text: string, maxAliasCount: number): Result<unknown> {
  if (yamlNestsDeeper(text, MAX_NESTING_DEPTH)) return failure(TOO_DEEP);
  const lines = new LineCounter();
  const document = parseYamlDocument(text, {
    schema: 'core',
    uniqueKeys: false, // checked below, in linear time
    merge: false,
    prettyErrors: true,
    lineCounter: lines,
  });
  if (document.errors.length > 0) {
    return {
      ok: false,
      errors: document.errors.map((error) => ({ path: '', message: yamlErrorMessage(error) })),
    };
  }
  const keys = keyProblems(document, lines);
  if (keys.length > 0) return { ok: false, errors: keys };
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

/**
 * Parses a Topology or Intent document. Text starting with `{` or `[` is JSON, anything else
 * YAML 1.2 (core schema, duplicate keys refused, one document only). The size limit is
 * checked before any parsing, the nesting limit before YAML parsing and after either.
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
  let parsed: Result<unknown>;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      parsed = { ok: true, value: JSON.parse(text) as unknown };
    } catch (error) {
      return failure(`invalid JSON: ${(error as Error).message}`);
    }
  } else parsed = parseYaml(text, maxAliasCount);
  if (!parsed.ok) return parsed;
  return nestingDepth(parsed.value) > MAX_NESTING_DEPTH ? failure(TOO_DEEP) : parsed;
}
