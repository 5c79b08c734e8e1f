/**
 * The human table format: box-drawn, every cell sanitised, numbers
 * right-aligned, cells truncated to fit a width with a note saying so.
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
}

const MIN_COLUMN = 4;
/** Columns up to this wide (timestamps, codes, verbs) are cut only when nothing else fits. */
const KEEP_COLUMN = 24;

/**
 * Picks column widths so that the table fits `width`: short columns keep
 * their natural width, the widest ones are cut to a common cap.
 */
function fitWidths(natural: readonly number[], width: number): number[] {
  const overhead = natural.length * 3 + 1;
  const total = natural.reduce((a, b) => a + b, 0) + overhead;
  if (width <= 0 || total <= width) return [...natural];
  const budget = width - overhead;
  const floors = natural.map((w) => Math.min(w, KEEP_COLUMN));
  const floorSum = floors.reduce((a, b) => a + b, 0);
  const lowest = floorSum <= budget ? floors : natural.map((w) => Math.min(w, MIN_COLUMN));
  const used = (cap: number): number =>
    natural.reduce((sum, w, i) => sum + Math.max(lowest[i] ?? 0, Math.min(w, cap)), 0);
  // The largest cap that fits, by binary search (used() grows with cap).
  let lo = MIN_COLUMN;
  let hi = Math.max(...natural);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (used(mid) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return natural.map((w, i) => Math.max(lowest[i] ?? 0, Math.min(w, lo)));
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
  const body = data.rows.map((row) =>
    fields.map((f) => {
      const value = cell(row, f);
      return { text: escapeControl(valueToText(value), true), right: isNumeric(value) };
    }),
  );
  const natural = header.map((h, i) =>
    body.reduce((max, r) => Math.max(max, displayWidth(r[i]?.text ?? '')), displayWidth(h)),
  );
  const widths = fitWidths(natural, options.width);
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
