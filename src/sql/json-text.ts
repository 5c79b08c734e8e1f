/**
 * JSON text between the engine's values and DuckDB's JSON columns.
 *
 * `JSON.parse` reads a number too large for a double (`1e400`) as
 * `Infinity`, and the streaming engine keeps it; `JSON.stringify` writes it
 * as `null`, which would turn a number into a JSON null on the way into
 * DuckDB. Written here as `1e400` / `-1e400` instead, DuckDB reads it as a
 * DOUBLE ±infinity (its JSON type is `DOUBLE`), and the text it gives back,
 * `1e400` for a stored leaf or `Infinity` for a DOUBLE turned into JSON, is
 * read back as the same number.
 *
 * @module
 */
import type { Value } from '../query/value.js';

/** The JSON text of a non-finite number: the out-of-range literals that parse back to it (NaN has none: `null`, as `JSON.stringify`). */
function nonFinite(n: number): string {
  if (n > 0) return '1e400';
  return n < 0 ? '-1e400' : 'null';
}

/** Whether a value holds a non-finite number anywhere. */
function hasNonFinite(v: Value): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (v === null || typeof v !== 'object' || v instanceof Date) return false;
  if (Array.isArray(v)) return v.some(hasNonFinite);
  for (const k of Object.keys(v)) if (hasNonFinite((v as Record<string, Value>)[k])) return true;
  return false;
}

/** `JSON.stringify`, with non-finite numbers as {@link nonFinite} gives them. */
function textOf(v: Value): string {
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : nonFinite(v);
  if (v === null || typeof v !== 'object' || v instanceof Date) return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x: Value) => (x === undefined ? 'null' : textOf(x))).join(',')}]`;
  const parts: string[] = [];
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, Value>)[k];
    if (x !== undefined) parts.push(`${JSON.stringify(k)}:${textOf(x)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * The JSON text of a value as DuckDB reads it: `JSON.stringify`'s, except
 * that `±Infinity` is written `±1e400` (not `null`), anywhere in the value.
 *
 * @example
 * ```ts
 * duckdbJsonText({ x: Number.POSITIVE_INFINITY, y: [1, Number.NEGATIVE_INFINITY] })
 * //=> '{"x":1e400,"y":[1,-1e400]}'
 * ```
 */
export function duckdbJsonText(value: Record<string, Value>): string {
  const json = JSON.stringify(value);
  // A non-finite number is the only number JSON.stringify writes as null: only then is the value walked.
  return json.includes('null') && hasNonFinite(value) ? textOf(value) : json;
}

/** The bare tokens DuckDB writes for non-finite doubles (`Infinity`, `-Infinity`, `NaN`), outside strings. */
const BARE_TOKENS = /"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g;

/**
 * Parses JSON text DuckDB gave back: `JSON.parse`, also reading the
 * `Infinity` / `-Infinity` DuckDB writes for a DOUBLE infinity (as the
 * number; `NaN` as null, `JSON.stringify`'s reading).
 *
 * @example
 * ```ts
 * parseDuckdbJson('[1,-Infinity]') //=> [1, -Infinity]
 * ```
 */
export function parseDuckdbJson(text: string): Value {
  try {
    return JSON.parse(text) as Value;
  } catch (error) {
    const fixed = text.replace(BARE_TOKENS, (t) =>
      t.startsWith('"') ? t : t === 'NaN' ? 'null' : t.startsWith('-') ? '-1e400' : '1e400',
    );
    if (fixed === text) throw error;
    return JSON.parse(fixed) as Value;
  }
}
