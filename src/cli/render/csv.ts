/**
 * CSV output: RFC 4180 quoting, CRLF line ends, formula neutralisation and
 * visible control characters (see `../sanitize.ts`).
 *
 * @module
 */
import { valueToText } from '../format-value.js';
import { csvCell } from '../sanitize.js';
import { cell, type RowSet } from './types.js';

/** `@timestamp`, `@message`, …: system field names, not formulas, in the header. */
const SYSTEM_FIELD = /^@[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Renders rows as CSV with a header line.
 *
 * @example
 * ```ts
 * renderCsv({ fields: ['user', 'n'], rows: [{ user: '=cmd|x', n: -1 }] })
 * //=> "user,n\r\n'=cmd|x,-1\r\n"
 * ```
 */
export function renderCsv(data: RowSet): string {
  const lines = [data.fields.map((f) => csvCell(f, !SYSTEM_FIELD.test(f))).join(',')];
  for (const row of data.rows) {
    lines.push(
      data.fields
        .map((f) => {
          const value = cell(row, f);
          return csvCell(valueToText(value), typeof value !== 'number');
        })
        .join(','),
    );
  }
  return lines.map((l) => `${l}\r\n`).join('');
}
