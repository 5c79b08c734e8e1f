/**
 * JSON output: one array of row objects, timestamps as ISO strings, missing
 * cells left out, terminal-unsafe characters escaped (still valid JSON).
 *
 * @module
 */
import { valueToJson } from '../format-value.js';
import { escapeJsonText } from '../sanitize.js';
import { cell, type Row, type RowSet } from './types.js';

/** Converts a row to a plain object in column order (null prototype is dropped by JSON). */
export function rowToJson(row: Row, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const f of fields) {
    const value = cell(row, f);
    if (value !== undefined) out[f] = valueToJson(value);
  }
  return out;
}

/**
 * Renders rows as a pretty-printed JSON array.
 *
 * @example
 * ```ts
 * renderJson({ fields: ['a'], rows: [{ a: 1 }] }) //=> '[\n  {\n    "a": 1\n  }\n]\n'
 * ```
 */
export function renderJson(data: RowSet): string {
  const rows = data.rows.map((row) => rowToJson(row, data.fields));
  return escapeJsonText(JSON.stringify(rows, null, 2)) + '\n';
}
