/** What every bench command line shares: --help, --json, whole numbers, section lists. */

/** A bad command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}

export function positiveInteger(name: string, text: string | undefined, max: number): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < 1 || value > max) {
    throw new UsageError(`${name} needs an integer 1..${max}, got ${text ?? 'nothing'}`);
  }
  return value;
}

/** `--only a,b`: a non-empty subset of `sections`. */
export function sectionSet<S extends string>(
  name: string,
  text: string | undefined,
  sections: readonly S[],
): Set<S> {
  const names = (text ?? '').split(',').filter(Boolean);
  const unknown = names.filter((entry) => !(sections as readonly string[]).includes(entry));
  if (names.length === 0 || unknown.length > 0)
    throw new UsageError(`${name} takes a list of ${sections.join(', ')}`);
  return new Set(names as S[]);
}

/**
 * Walks argv (without node and script). -h/--help ends it (undefined: print the usage),
 * --json is common to all; every other argument goes to `option` with a reader of its value,
 * which returns false for an argument it does not know.
 */
export function parseCommandLine(
  argv: readonly string[],
  option: (name: string, value: () => string | undefined) => boolean,
): { json: boolean } | undefined {
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    if (argument === '-h' || argument === '--help') return undefined;
    if (argument === '--json') json = true;
    else if (!option(argument, () => argv[++i]))
      throw new UsageError(`unknown argument '${argument}'`);
  }
  return { json };
}

/** Whole-number options: flag → [the field of `numbers` it sets, its largest value]. */
export type IntegerOptions<K extends string> = Readonly<Record<string, readonly [K, number]>>;

/** Sets the field `name` stands for from its value; false when `name` is not in `options`. */
export function integerOption<K extends string>(
  numbers: Record<K, number>,
  options: IntegerOptions<K>,
  name: string,
  value: () => string | undefined,
): boolean {
  const option = options[name];
  if (option === undefined) return false;
  numbers[option[0]] = positiveInteger(name, value(), option[1]);
  return true;
}
