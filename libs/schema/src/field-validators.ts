/** Custom class-validator decorators: IPv6 addresses/prefixes (strict parser) and port specs. */
import {
  IsDefined,
  IsObject,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { Type } from 'class-transformer';
import { parseIpv6Address, parseIpv6Prefix } from '@srv6/datapath/pure';
import {
  FLEX_ALGO_MAX,
  FLEX_ALGO_MIN,
  LABEL_MAX_LENGTH,
  LABEL_PATTERN,
  NAME_PATTERN,
  PORT_MAX,
} from './limits.js';

/** The parser's own reason, or null when the text is a valid IPv6 address. */
export function ipv6AddressProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be an IPv6 address string';
  if (value.includes('/')) return `must be an IPv6 address without a prefix length, got '${value}'`;
  try {
    parseIpv6Address(value);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export function ipv6PrefixProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be an IPv6 prefix string';
  try {
    parseIpv6Prefix(value);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

const PORT_RANGE = /^(\d{1,5})-(\d{1,5})$/;

/** A port is an integer 0..65535 or a string "a-b" with a ≤ b (both in range). */
export function portEntryProblem(value: unknown): string | null {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 && value <= PORT_MAX
      ? null
      : `port ${value} must be an integer 0..${PORT_MAX}`;
  }
  if (typeof value !== 'string') return `must be a port number or a "low-high" range string`;
  const range = PORT_RANGE.exec(value);
  if (!range) return `port range '${value}' must look like "5000-5100"`;
  const [low, high] = [Number(range[1]), Number(range[2])];
  if (low > PORT_MAX || high > PORT_MAX) return `port range '${value}' exceeds ${PORT_MAX}`;
  if (low > high) return `port range '${value}' is reversed (low must be ≤ high)`;
  return null;
}

/** The value must pass `problem` (null = fine, else the reason shown to the user). */
export function Satisfies(
  name: string,
  problem: (value: unknown) => string | null,
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value: unknown) => problem(value) === null,
        defaultMessage: (args) => problem(args?.value) ?? 'is invalid',
      },
    },
    options,
  );
}

/**
 * Marker that lets an array constraint report per-entry problems: the message holds one
 * `ENTRY_MARKER[index] reason` line per bad entry and the error flattener (validation-errors.ts)
 * turns each line into its own error with path `field[index]` (class-validator's `each` option
 * does not say which entry failed).
 */
export const ENTRY_MARKER = '\u0000entry';

function entryProblems(value: unknown, problem: (entry: unknown) => string | null): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry, index) => {
    const reason = problem(entry);
    return reason === null ? [] : [`${ENTRY_MARKER}[${index}] ${reason}`];
  });
}

/** Every entry of the array must pass `problem` (non-arrays are left to @IsArray). */
export function EachEntry(
  problem: (entry: unknown) => string | null,
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'eachEntry',
      validator: {
        validate: (value: unknown) => entryProblems(value, problem).length === 0,
        defaultMessage: (args) => entryProblems(args?.value, problem).join('\n'),
      },
    },
    options,
  );
}

/**
 * An entry of an array of nested documents (nodes, links, objectives…) must be an object:
 * class-validator's nested validation lets arrays inside the array through unchecked.
 */
export function objectEntryProblem(what: string): (value: unknown) => string | null {
  return (value) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return null;
    const found = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
    return `must be ${what} (an object), not ${found}`;
  };
}

/** A name following NAME_PATTERN and at most `maxLength` characters. */
export function nameProblem(maxLength: number): (value: unknown) => string | null {
  return (value) => {
    if (typeof value !== 'string') return 'must be a name string';
    if (value.length === 0 || value.length > maxLength) {
      return `name '${value}' must be 1..${maxLength} characters`;
    }
    return NAME_PATTERN.test(value) ? null : `name '${value}' may only hold a-z, 0-9 and '-'`;
  };
}

export function labelProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a label string';
  if (value.length === 0 || value.length > LABEL_MAX_LENGTH) {
    return `label '${value}' must be 1..${LABEL_MAX_LENGTH} characters`;
  }
  return LABEL_PATTERN.test(value)
    ? null
    : `label '${value}' may only hold A-Z, a-z, 0-9, '.', '_' and '-'`;
}

export function flexAlgoProblem(value: unknown): string | null {
  return Number.isInteger(value) &&
    (value as number) >= FLEX_ALGO_MIN &&
    (value as number) <= FLEX_ALGO_MAX
    ? null
    : `Flex-Algorithm must be an integer ${FLEX_ALGO_MIN}..${FLEX_ALGO_MAX}, got ${JSON.stringify(value)}`;
}

export const IsName = (maxLength: number, options?: ValidationOptions): PropertyDecorator =>
  Satisfies('isName', nameProblem(maxLength), options);

export const IsLabel = (options?: ValidationOptions): PropertyDecorator =>
  Satisfies('isLabel', labelProblem, options);

export const IsIpv6Address = (options?: ValidationOptions): PropertyDecorator =>
  Satisfies('isIpv6Address', ipv6AddressProblem, options);

export const IsIpv6Prefix = (options?: ValidationOptions): PropertyDecorator =>
  Satisfies('isIpv6Prefix', ipv6PrefixProblem, options);

/** A required nested object validated as `type`: present, an object, then its own rules. */
export function RequiredObject(name: string, type: () => new () => object): PropertyDecorator {
  const decorators = [
    IsDefined({ message: `${name} is required` }),
    IsObject({ message: `${name} must be an object` }),
    ValidateNested(),
    Type(type),
  ];
  return (target, property) => decorators.forEach((decorate) => decorate(target, property));
}
