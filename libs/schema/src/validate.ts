/** validateTopology / validateIntent: every problem of a document at once, with field paths. */
import 'reflect-metadata';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';
import { IntentDto, type Intent } from './intent.dto.js';
import { checkIntentAgainstTopology, checkIntentShape } from './intent-checks.js';
import { DEFAULT_ENCAPSULATION, DEFAULT_PROTOCOL } from './objectives.js';
import type { FieldError, Result } from './result.js';
import { checkTopology, defaultLinkName } from './topology-checks.js';
import { TopologyDto, type Topology } from './topology.dto.js';
import { MAX_NESTING_DEPTH, MAX_OBJECT_FIELDS } from './limits.js';
import { nestingDepth } from './parse-document.js';
import { joinPath } from './result.js';
import { flattenValidationErrors } from './validation-errors.js';

function isPlainObject(input: unknown): input is Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input);
}

/** Keys class-transformer skips without a word: they would vanish instead of being refused. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor']);

/**
 * Objects with more fields than any object of the formats, and reserved keys (`unknown field`),
 * found without recursion.
 */
function fieldProblems(input: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const pending: Array<[unknown, string]> = [[input, '']];
  while (pending.length > 0) {
    const [node, path] = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const array = Array.isArray(node);
    const entries = Object.entries(node);
    if (!array && entries.length > MAX_OBJECT_FIELDS) {
      errors.push({
        path,
        message: `${entries.length} fields, more than any object of the format has (at most ${MAX_OBJECT_FIELDS}): unknown fields`,
      });
      continue;
    }
    for (const [key, child] of entries) {
      const at = joinPath(path, array ? Number(key) : key);
      if (!array && RESERVED_KEYS.has(key))
        errors.push({ path: at, message: `unknown field '${key}'` });
      pending.push([child, at]);
    }
  }
  return errors;
}

/**
 * Optional fields given as null (YAML `constraints:` with nothing after it) are left out, as
 * if omitted: @IsOptional accepts null, and a stored document never holds one. Only fields of
 * the DTO classes; plain maps (adjSids) keep their entries for the checks to judge.
 */
function dropNullFields(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(dropNullFields);
  if (node === null || typeof node !== 'object') return;
  if (Object.getPrototypeOf(node) === Object.prototype) return;
  for (const [key, value] of Object.entries(node)) {
    if (value === null) delete (node as Record<string, unknown>)[key];
    else dropNullFields(value);
  }
}

/** Structural validation with class-validator; unknown fields are errors. */
function validateStructure<T extends object>(
  type: ClassConstructor<T>,
  input: unknown,
  kind: string,
): Result<T> {
  if (!isPlainObject(input))
    return { ok: false, errors: [{ path: '', message: `a ${kind} must be an object` }] };
  // Before class-transformer and class-validator, which recurse: deep input overflows the stack.
  if (nestingDepth(input) > MAX_NESTING_DEPTH) {
    const message = `the ${kind} nests objects and arrays more than ${MAX_NESTING_DEPTH} levels deep (the limit)`;
    return { ok: false, errors: [{ path: '', message }] };
  }
  const fields = fieldProblems(input);
  if (fields.length > 0) return { ok: false, errors: fields };
  const instance = plainToInstance(type, input);
  const errors = flattenValidationErrors(
    validateSync(instance, {
      forbidUnknownValues: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      validationError: { target: false, value: false },
    }),
  );
  if (errors.length > 0) return { ok: false, errors };
  dropNullFields(instance);
  return { ok: true, value: instance };
}

function finish<T>(value: T, errors: FieldError[]): Result<T> {
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}

/** Validates a parsed Topology; on success link names are filled in ("<a>-<b>"). */
export function validateTopology(input: unknown): Result<Topology> {
  const structure = validateStructure(TopologyDto, input, 'Topology');
  if (!structure.ok) return structure;
  const topology = structure.value;
  const errors = checkTopology(topology);
  for (const link of topology.spec.links) link.name ??= defaultLinkName(link);
  return finish<Topology>(topology, errors);
}

/**
 * What the network decides, never an intent: a user naming one gets told why (SIDs come only
 * from the topology, paths and the outer source address from path-svc; docs/security.md).
 */
const CHOSEN_BY_THE_NETWORK = new Set([
  'segments',
  'sids',
  'segmentList',
  'sidList',
  'path',
  'source',
]);

function explainNetworkFields(errors: readonly FieldError[]): FieldError[] {
  return errors.map((error) => {
    const field = /^unknown field '(.+)'$/.exec(error.message)?.[1];
    if (field === undefined || !CHOSEN_BY_THE_NETWORK.has(field)) return error;
    return {
      path: error.path,
      message:
        `unknown field '${field}': an intent cannot set segments, SIDs, a path or a source ` +
        'address; path-svc computes them from the topology for the hosts the intent names',
    };
  });
}

/**
 * Validates a parsed Intent; with a topology, also that every name it uses exists there and the
 * destination has an egress. On success protocol ('any') and encapsulation ('srh') are filled in.
 */
export function validateIntent(input: unknown, topology?: Topology): Result<Intent> {
  const structure = validateStructure(IntentDto, input, 'Intent');
  if (!structure.ok) return { ok: false, errors: explainNetworkFields(structure.errors) };
  const intent = structure.value;
  intent.spec.match.protocol ??= DEFAULT_PROTOCOL;
  intent.spec.encapsulation ??= DEFAULT_ENCAPSULATION;
  const errors = [
    ...checkIntentShape(intent),
    ...(topology === undefined ? [] : checkIntentAgainstTopology(intent, topology)),
  ];
  return finish<Intent>(intent, errors);
}
