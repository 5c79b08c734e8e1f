/**
 * The human table format: box-drawn, every cell sanitised, numbers
 * right-aligned. When the table is wider than the terminal, free-text
 * columns are cut first, then identifier-like tokens; timestamps, numbers
 * and the columns the caller keeps are never cut: when even those do not
 * fit, every row is printed as a record (one `field │ value` line per cell).
 * Narrow columns keep their width and the cut ones share what they leave.
 * Cut cells are counted for a note saying so.
 *
 * @module
 */
import { isNumeric, valueToText } from '../format-value.js';
import { displayWidth, escapeControl, truncateText } from '../sanitize.js';
import { cell, type RowSet } from './types.js';

/** Options for {@link renderTable}. */
export interface TableOptions {
  /** Maximum line width in columns; `0` means unlimited. */
  readonly width: number;
  /**
   * Columns that are never cut (ids the reader must be able to copy), like
   * timestamps and numbers: when they do not fit, rows are printed as records.
   */
  readonly keep?: readonly string[];
}

/** The narrowest a cut column gets. */
const MIN_COLUMN = 4;
/** A free-text column is not cut below this many columns (or its own width) while the table keeps its shape. */
const TEXT_FLOOR = 10;
/** The widest token (no whitespace) still treated as an identifier, cut only after the free text. */
const ID_WIDTH = 64;
/** An identifier column is not cut below this many columns (or its own width) while the table keeps its shape. */
const ID_FLOOR = 12;

/**
 * How much a column resists cutting: free text is cut first, identifiers
 * (one token, at most {@link ID_WIDTH} wide) next, timestamps and numbers
 * last.
 */
const Keep = { Text: 0, Id: 1, Exact: 2 } as const;
type Keep = (typeof Keep)[keyof typeof Keep];

// A date, optionally with a time: `2024-05-14`, `2024-05-14 13:40:12.000`, `2024-05-14T13:40:12Z`.
const TIMESTAMP = /^\d{4}-\d\d-\d\d(?:[ T]\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?(?:Z|[+-]\d\d:?\d\d)?)?$/;
const WHITESPACE = /\s/;

interface Cell {
  readonly text: string;
  readonly right: boolean;
}

function keepOf(cells: readonly Cell[]): Keep {
  let keep: Keep = Keep.Exact;
  let any = false;
  for (const c of cells) {
    if (c.text === '') continue;
    any = true;
    if (c.right || TIMESTAMP.test(c.text)) continue;
    if (WHITESPACE.test(c.text) || displayWidth(c.text) > ID_WIDTH) return Keep.Text;
    keep = Keep.Id;
  }
  // a column without values is only its header: cut it as text
  return any ? keep : Keep.Text;
}

/**
 * Fills `columns` (indexes into `natural`) into `space` columns: each gets
 * at least its floor, the narrow ones their natural width, and the wide ones
 * a common cap; what the cap leaves is handed out left to right. Returns
 * undefined when even the floors do not fit.
 */
function waterFill(
  natural: readonly number[],
  floors: readonly number[],
  columns: readonly number[],
  space: number,
): Map<number, number> | undefined {
  const at = (i: number): number => natural[i] ?? 0;
  const floor = (i: number): number => floors[i] ?? 0;
  const used = (cap: number): number =>
    columns.reduce((sum, i) => sum + Math.max(floor(i), Math.min(at(i), cap)), 0);
  if (used(0) > space) return undefined;
  let lo = 0;
  let hi = Math.max(0, ...columns.map(at));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (used(mid) <= space) lo = mid;
    else hi = mid - 1;
  }
  const out = new Map(columns.map((i) => [i, Math.max(floor(i), Math.min(at(i), lo))] as const));
  let left = space - used(lo);
  for (const i of columns) {
    if (left <= 0) break;
    const w = out.get(i) ?? 0;
    if (w < at(i)) {
      out.set(i, w + 1);
      left--;
    }
  }
  return out;
}

/**
 * Column widths that fit `width`: free-text columns are cut first (down to
 * {@link TEXT_FLOOR}), then identifier-like tokens (down to {@link ID_FLOOR});
 * timestamps, numbers and the caller's `keep` columns never. Undefined when
 * those alone do not fit.
 */
function fitWidths(natural: readonly number[], keeps: readonly Keep[], width: number): number[] | undefined {
  const overhead = natural.length * 3 + 1;
  const total = natural.reduce((a, b) => a + b, 0) + overhead;
  if (width <= 0 || total <= width) return [...natural];
  const floors = natural.map((w, i) => Math.min(w, keeps[i] === Keep.Text ? TEXT_FLOOR : ID_FLOOR));
  for (const level of [Keep.Text, Keep.Id]) {
    // columns below `level` at their floors, `level` shares what is left, the rest whole
    const cut = keeps.flatMap((k, i) => (k === level ? [i] : []));
    const fixed = natural.reduce(
      (sum, w, i) => sum + ((keeps[i] ?? Keep.Exact) < level ? (floors[i] ?? 0) : keeps[i] === level ? 0 : w),
      0,
    );
    const filled = waterFill(natural, floors, cut, width - overhead - fixed);
    if (filled !== undefined)
      return natural.map(
        (w, i) => filled.get(i) ?? ((keeps[i] ?? Keep.Exact) < level ? (floors[i] ?? 0) : w),
      );
  }
  return undefined;
}

/** The widths of a table without rows: headers cut down to {@link MIN_COLUMN}, or overflowing. */
function headerWidths(natural: readonly number[], width: number): number[] {
  const all = natural.map((_, i) => i);
  const floors = natural.map((w) => Math.min(w, MIN_COLUMN));
  const filled = waterFill(natural, floors, all, width - (natural.length * 3 + 1));
  return natural.map((w, i) => filled?.get(i) ?? Math.min(w, MIN_COLUMN));
}

/**
 * Renders rows as a box-drawn table. Returns the text and how many cells were cut.
 *
 * @example
 * ```ts
 * renderTable({ fields: ['verb'], rows: [{ verb: 'get' }] }, { width: 80 }).text
 * //=> '┌──────┐\n│ verb │\n├──────┤\n│ get  │\n└──────┘\n'
 * ```
 */
export function renderTable(data: RowSet, options: TableOptions): { text: string; truncatedCells: number } {
  const fields = data.fields;
  if (fields.length === 0) return { text: '(no results)\n', truncatedCells: 0 };
  const header = fields.map((f) => escapeControl(f, true));
  const body: Cell[][] = data.rows.map((row) =>
    fields.map((f) => {
      const value = cell(row, f);
      return { text: escapeControl(valueToText(value), true), right: isNumeric(value) };
    }),
  );
  const natural = header.map((h, i) =>
    body.reduce((max, r) => Math.max(max, displayWidth(r[i]?.text ?? '')), displayWidth(h)),
  );
  const keepAlways = new Set(options.keep ?? []);
  const keeps = fields.map((f, i) =>
    keepAlways.has(f) && body.length > 0
      ? Keep.Exact
      : keepOf(body.map((r) => r[i] ?? { text: '', right: false })),
  );
  let widths = fitWidths(natural, keeps, options.width);
  if (widths === undefined && body.length > 0) return renderRecords(header, body, options.width);
  // (no rows: only the header, cut as needed)
  widths ??= headerWidths(natural, options.width);
  let truncatedCells = 0;
  const fitCell = (text: string, i: number, right: boolean): string => {
    const w = widths[i] ?? 0;
    let shown = text;
    if (displayWidth(text) > w) {
      truncatedCells++;
      shown = truncateText(text, w);
    }
    const padding = ' '.repeat(Math.max(0, w - displayWidth(shown)));
    return right ? padding + shown : shown + padding;
  };
  const rule = (l: string, m: string, r: string): string =>
    l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const lines = [rule('┌', '┬', '┐')];
  lines.push(`│ ${header.map((h, i) => fitCell(h, i, false)).join(' │ ')} │`);
  lines.push(rule('├', '┼', '┤'));
  for (const r of body) lines.push(`│ ${r.map((c, i) => fitCell(c.text, i, c.right)).join(' │ ')} │`);
  lines.push(rule('└', '┴', '┘'));
  return { text: lines.join('\n') + '\n', truncatedCells };
}

/**
 * The narrow layout: each row as a numbered record, one `field │ value`
 * line per non-empty cell, values cut only to the line width.
 */
function renderRecords(
  header: readonly string[],
  body: readonly (readonly Cell[])[],
  width: number,
): { text: string; truncatedCells: number } {
  const labelWidth = Math.max(
    ...header.map((h) => Math.min(displayWidth(h), Math.max(MIN_COLUMN, width >> 2))),
  );
  const valueWidth = Math.max(MIN_COLUMN, width - labelWidth - 3);
  let truncatedCells = 0;
  const cut = (text: string, w: number): string => {
    if (displayWidth(text) <= w) return text;
    truncatedCells++;
    return truncateText(text, w);
  };
  const lines: string[] = [];
  body.forEach((row, n) => {
    const title = `─[ ${n + 1} ]`;
    lines.push(
      title + '─'.repeat(Math.max(0, Math.min(width, labelWidth + 3 + valueWidth) - displayWidth(title))),
    );
    header.forEach((h, i) => {
      const text = row[i]?.text ?? '';
      if (text === '') return;
      const label = cut(h, labelWidth);
      lines.push(`${label}${' '.repeat(labelWidth - displayWidth(label))} │ ${cut(text, valueWidth)}`);
    });
  });
  return { text: lines.length === 0 ? '(no results)\n' : `${lines.join('\n')}\n`, truncatedCells };
}

/**
 * The note printed under a table whose cells were cut, or `''`.
 *
 * @example
 * ```ts
 * truncationNote(2, 80) //=> '(2 cells truncated to fit 80 columns; use --format json or --width 0 for full values)\n'
 * ```
 */
export function truncationNote(truncatedCells: number, width: number): string {
  if (truncatedCells === 0) return '';
  const cells = truncatedCells === 1 ? '1 cell' : `${truncatedCells} cells`;
  return `(${cells} truncated to fit ${width} columns; use --format json or --width 0 for full values)\n`;
}
