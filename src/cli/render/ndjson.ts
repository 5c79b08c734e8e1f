/**
 * NDJSON output: one compact JSON object per row and line.
 *
 * @module
 */
import { escapeJsonText } from '../sanitize.js';
import { rowToJson } from './json.js';
import type { Row } from './types.js';

/**
 * Renders one row as an NDJSON line.
 *
 * @example
 * ```ts
 * renderNdjsonRow({ a: 1, b: 'x' }, ['a', 'b']) //=> '{"a":1,"b":"x"}\n'
 * ```
 */
export function renderNdjsonRow(row: Row, fields: readonly string[]): string {
  return escapeJsonText(JSON.stringify(rowToJson(row, fields))) + '\n';
}
