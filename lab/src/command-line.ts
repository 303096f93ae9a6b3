/** Reads a command line one flag at a time; a flag's value is the next word (never `--…`). */
export class CommandLine {
  private index = -1;

  constructor(private readonly argv: readonly string[]) {}

  /** The next flag, or undefined at the end. */
  next(): string | undefined {
    return this.argv[++this.index];
  }

  /** The value of `flag`, the word after it. */
  value(flag: string): string {
    const next = this.argv[++this.index];
    if (next === undefined || next.startsWith('--'))
      throw new Error(`${flag} needs a value (see --help)`);
    return next;
  }

  /** A whole number from `min` to `max` after `flag`. */
  integer(flag: string, min: number, max: number): number {
    const text = this.value(flag);
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max)
      throw new Error(`${flag} '${text}': a whole number from ${min} to ${max}`);
    return value;
  }

  /** Every word after the current one (what follows `--`). */
  rest(): string[] {
    const words = this.argv.slice(this.index + 1);
    this.index = this.argv.length;
    return words;
  }
}

export const unknownOption = (flag: string): Error =>
  new Error(`unknown option ${flag} (see --help)`);
