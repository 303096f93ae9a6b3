/** Output formats of every command: json, yaml, or a plain table. */
import { stringify } from 'yaml';

export type OutputFormat = 'json' | 'yaml' | 'table';

export function parseFormat(value: string): OutputFormat {
  if (value === 'json' || value === 'yaml' || value === 'table') return value;
  throw new CliError(`--output must be json, yaml or table (got '${value}')`);
}

/** A table of rows with the given columns; values are stringified, columns padded. */
export function table(
  columns: readonly string[],
  rows: ReadonlyArray<Record<string, unknown>>,
): string {
  const cells = rows.map((row) => columns.map((column) => String(row[column] ?? '')));
  const widths = columns.map((column, i) =>
    Math.max(column.length, ...cells.map((row) => row[i]!.length)),
  );
  const line = (values: readonly string[]): string =>
    values
      .map((value, i) => value.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n');
}

export function render(format: OutputFormat, value: unknown, asTable: () => string): string {
  if (format === 'json') return JSON.stringify(value, null, 2);
  if (format === 'yaml') return stringify(value).trimEnd();
  return asTable();
}

/** An error the user can act on: printed without a stack, exit code 1. */
export class CliError extends Error {}
