/**
 * How the CLI turns an engine {@link Value} into text or JSON.
 *
 * @module
 */
import type { Value } from '../query/value.js';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * Formats an epoch time the way the Logs Insights console and
 * GetQueryResults print timestamps: `YYYY-MM-DD HH:MM:SS.mmm`, UTC.
 *
 * @example
 * ```ts
 * formatInsightsTime(Date.UTC(2024, 4, 1, 10, 0, 0, 5)) //=> '2024-05-01 10:00:00.005'
 * ```
 */
export function formatInsightsTime(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
  );
}

/**
 * Renders a value as one line of display text (not yet sanitised): strings as
 * they are, timestamps in the console's format, maps and lists as JSON,
 * missing as the empty string.
 *
 * @example
 * ```ts
 * valueToText({ a: 1 }) //=> '{"a":1}'
 * valueToText(undefined) //=> ''
 * ```
 */
export function valueToText(value: Value): string {
  if (value === undefined) return '';
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return formatInsightsTime(value.getTime());
  return JSON.stringify(value, jsonReplacer);
}

/**
 * Converts a value to plain JSON data: timestamps become ISO strings, missing
 * becomes `undefined` (the key is then left out).
 *
 * @example
 * ```ts
 * valueToJson(new Date(0)) //=> '1970-01-01T00:00:00.000Z'
 * ```
 */
export function valueToJson(value: Value): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

/** `JSON.stringify` replacer: ISO timestamps, non-finite numbers as strings. */
export function jsonReplacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

/** Tells whether a value is a number the table should right-align. */
export function isNumeric(value: Value): value is number {
  return typeof value === 'number';
}
