/**
 * Column-aligned text like podman's tables (Go text/tabwriter with minwidth 12, padding 2, space
 * fill): every column but the last is padded to max(12, widest cell + 2); the last is not padded.
 * See docs/decisions.md ("Tables").
 */
export interface ColumnOptions {
  readonly minWidth?: number;
  readonly padding?: number;
}

export function renderColumns(rows: readonly (readonly string[])[], opts: ColumnOptions = {}): string {
  const minWidth = opts.minWidth ?? 12;
  const padding = opts.padding ?? 2;
  const columnCount = Math.max(0, ...rows.map((r) => r.length));
  const widths: number[] = [];
  for (let c = 0; c < columnCount - 1; c++) {
    const widest = Math.max(0, ...rows.map((r) => displayWidth(r[c] ?? '')));
    widths.push(Math.max(minWidth, widest + padding));
  }
  return rows
    .map((row) =>
      row
        .map((cell, c) => (c < row.length - 1 ? cell + ' '.repeat(widths[c] - displayWidth(cell)) : cell))
        .join('')
        .replace(/\s+$/, ''),
    )
    .map((line) => line + '\n')
    .join('');
}

/** Width in terminal columns; code points, not UTF-16 units (names are ASCII in practice). */
function displayWidth(text: string): number {
  return [...text].length;
}
