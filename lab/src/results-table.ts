/** The lab's result table: one row per intent, plain text, fixed-width columns. */
export interface ResultRow {
  readonly intent: string;
  readonly traffic: string;
  readonly state: string;
  readonly path: string;
  readonly segments: string;
  readonly seenWith: string;
  readonly seenWithout: string;
  readonly follows: string;
  readonly measured: string;
}

const COLUMNS: Array<[keyof ResultRow, string]> = [
  ['intent', 'INTENT'],
  ['traffic', 'TRAFFIC'],
  ['state', 'STATE'],
  ['path', 'COMPUTED PATH'],
  ['segments', 'SEGMENTS'],
  ['seenWith', 'SEEN ON (INTENT)'],
  ['follows', 'FOLLOWS'],
  ['seenWithout', 'SEEN ON (NO INTENT)'],
  ['measured', 'MEASURED: INTENT | NO INTENT'],
];

export function renderTable(rows: readonly ResultRow[]): string {
  const widths = COLUMNS.map(([key, title]) =>
    Math.max(title.length, ...rows.map((row) => row[key].length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    line(COLUMNS.map(([, title]) => title)),
    ...rows.map((row) => line(COLUMNS.map(([key]) => row[key]))),
  ].join('\n');
}
