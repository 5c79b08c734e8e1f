/**
 * The get-query-results string form of values: timestamps, numbers, JSON
 * text of maps and lists.
 *
 * @module
 */
import type { Value, ValueMap } from '../value.js';

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Formats epoch ms as the service prints timestamps: `YYYY-MM-DD HH:MM:SS.mmm`
 * in UTC. A non-finite or out-of-range input is printed as a number.
 *
 * @example
 * ```ts
 * formatTimestamp(1628061726518) //=> '2021-08-04 07:22:06.518'
 * ```
 */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return formatNumber(ms);
  const y = d.getUTCFullYear();
  const year = y < 0 ? `-${pad(-y, 6)}` : y > 9999 ? `+${pad(y, 6)}` : pad(y, 4);
  return (
    `${year}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.` +
    pad(d.getUTCMilliseconds(), 3)
  );
}

/**
 * Formats a number without exponent notation: integers as plain digits,
 * fractions with the shortest digits that round-trip (`0.1`, `0.6666666666666666`,
 * `0.0000001`); `-0` prints as `0`; NaN and infinities as `NaN`,
 * `Infinity` and `-Infinity`.
 *
 * @example
 * ```ts
 * formatNumber(1e21) //=> '1000000000000000000000'
 * formatNumber(1e-7) //=> '0.0000001'
 * ```
 */
export function formatNumber(n: number): string {
  if (Object.is(n, -0)) return '0';
  const s = String(n);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const negative = s.startsWith('-');
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exponent = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const pointAt = (dot < 0 ? mantissa.length : dot) + exponent;
  let out: string;
  if (pointAt <= 0) out = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return negative ? `-${out}` : out;
}

function jsonText(v: Value): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? formatNumber(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return JSON.stringify(valueToResultString(v) ?? null);
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  const map = v as ValueMap;
  const parts: string[] = [];
  for (const key of Object.keys(map)) {
    const item = map[key];
    if (item === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${jsonText(item)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * Serialises a value as compact JSON (maps keep key order; timestamps become
 * their result string; non-finite numbers become `null`).
 *
 * @example
 * ```ts
 * toJsonText({ a: [1, 'x'] }) //=> '{"a":[1,"x"]}'
 * ```
 */
export function toJsonText(v: Value): string {
  return jsonText(v);
}

/**
 * The get-query-results string form of a value, or `undefined` when the cell
 * has no value (missing or `null`: the service omits such cells from the row).
 * Numbers print without exponent (see {@link formatNumber}), booleans as
 * `true`/`false`, timestamps as `YYYY-MM-DD HH:MM:SS.mmm` UTC, maps and lists
 * as compact JSON.
 *
 * @example
 * ```ts
 * valueToResultString(new Date(0)) //=> '1970-01-01 00:00:00.000'
 * valueToResultString(2.5) //=> '2.5'
 * ```
 */
export function valueToResultString(v: Value): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) {
    const t = v.getTime();
    return Number.isNaN(t) ? undefined : formatTimestamp(t);
  }
  return jsonText(v);
}
