/** Flattens class-validator's error tree into `{ path, message }` entries. */
import type { ValidationError } from 'class-validator';
import { ENTRY_MARKER } from './field-validators.js';
import { joinPath, type FieldError } from './result.js';

function constraintErrors(path: string, property: string, message: string): FieldError[] {
  if (!message.startsWith(ENTRY_MARKER)) {
    // class-validator prefixes messages with the property name; keep them readable as is.
    return [{ path, message }];
  }
  return message.split('\n').map((line) => {
    const entry = /^\u0000entry\[(\d+)\] (.*)$/s.exec(line);
    return entry
      ? { path: joinPath(path, Number(entry[1])), message: entry[2]! }
      : { path, message: `${property}: ${line}` };
  });
}

/**
 * Constraints that say the value has the wrong type or is missing: when one of them fails, the
 * other constraints of the same field (sizes, ranges) only add noise and are left out.
 */
const TYPE_CONSTRAINTS = new Set([
  'isDefined',
  'isArray',
  'isObject',
  'isString',
  'isNumber',
  'isInt',
  'nestedValidation',
]);

function ownConstraints(constraints: Record<string, string>): Array<[string, string]> {
  // An array over its size limit: that is the problem, not each of its (maybe 100,000) entries.
  const all = Object.entries(constraints).filter(
    ([name]) => !(name === 'eachEntry' && 'arrayMaxSize' in constraints),
  );
  const typeFailures = all.filter(([name]) => TYPE_CONSTRAINTS.has(name));
  const chosen = typeFailures.length > 0 ? typeFailures : all;
  // A missing value fails its type checks too; "is required" says it best.
  return chosen.some(([name]) => name === 'isDefined')
    ? chosen.filter(([name]) => name === 'isDefined')
    : chosen.filter(([name]) => name !== 'nestedValidation' || chosen.length === 1);
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const path = joinPath(parent, error.property);
    const own = ownConstraints(error.constraints ?? {}).flatMap(([name, message]) =>
      name === 'whitelistValidation'
        ? [{ path, message: `unknown field '${error.property}'` }]
        : constraintErrors(path, error.property, message),
    );
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}
