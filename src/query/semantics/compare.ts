/**
 * Value comparison shared by the evaluator and the function library:
 * equality, ordering of comparable values, truthiness and numeric coercion.
 *
 * Decisions (also listed in `docs/functions.md`):
 * - A *numeric string* is a string that spells a decimal number exactly:
 *   optional `-` or `+`, digits with an optional fraction (or a leading-dot
 *   fraction), an optional exponent. No surrounding whitespace, no hex, no
 *   `NaN`/`Infinity`. `"401"`, `"01"`, `"-1.5"` and `"2e3"` are numeric;
 *   `" 401"` and `"0xff"` are not.
 * - Missing (`undefined`) and `null` are never equal to anything, not even
 *   to each other (SQL-like); maps and lists are never equal to anything
 *   ("Comparing map and list to any other fields result in false").
 *
 * @module
 */
import type { Value, ValueList, ValueMap } from '../value.js';
import { valueToResultString } from './format.js';

const NUMERIC_STRING = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Tells whether a string spells a decimal number (see the module notes).
 *
 * @example
 * ```ts
 * isNumericString('401') //=> true
 * isNumericString('4O1') //=> false
 * ```
 */
export function isNumericString(s: string): boolean {
  return s.length > 0 && s.length <= 400 && NUMERIC_STRING.test(s);
}

/**
 * Tells whether a value is a map (a JSON object).
 *
 * @example
 * ```ts
 * isValueMap({ a: 1 }) //=> true
 * isValueMap(new Date(0)) //=> false
 * ```
 */
export function isValueMap(v: Value): v is ValueMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/**
 * Tells whether a value is a list (a JSON array).
 *
 * @example
 * ```ts
 * isValueList([1, 2]) //=> true
 * ```
 */
export function isValueList(v: Value): v is ValueList {
  return Array.isArray(v);
}

/**
 * The number a value stands for in arithmetic and numeric aggregates:
 * numbers as themselves, numeric strings parsed, booleans as 1/0,
 * timestamps as epoch ms. Everything else (missing, null, other strings,
 * maps, lists, NaN) is `undefined`.
 *
 * @example
 * ```ts
 * toNumberValue('12.5') //=> 12.5
 * toNumberValue('abc') //=> undefined
 * ```
 */
export function toNumberValue(v: Value): number | undefined {
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : v;
  if (typeof v === 'string') return isNumericString(v) ? Number(v) : undefined;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) {
    const t = v.getTime();
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/** Numeric view of a value for comparisons: numbers, numeric strings and timestamps only (not booleans). */
function comparableNumber(v: Value): number | undefined {
  if (typeof v === 'boolean') return undefined;
  return toNumberValue(v);
}

/**
 * Equality as `=`, `==`, `!=` (negated by the evaluator) and `in` use it.
 *
 * A number and a string compare by value (`401` equals `"401"` and
 * `"401.0"`); a timestamp compares as its epoch ms; a boolean equals
 * `true`/`false`, the strings `"true"`/`"false"` and the numbers 1/0.
 * Missing, `null`, maps and lists are never equal to anything.
 *
 * @example
 * ```ts
 * valuesEqual(401, '401') //=> true
 * valuesEqual(undefined, undefined) //=> false
 * ```
 */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return false;
  if (typeof a === 'object' && !(a instanceof Date)) return false;
  if (typeof b === 'object' && !(b instanceof Date)) return false;
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    if (typeof a === 'boolean' && typeof b === 'boolean') return a === b;
    const bool = (typeof a === 'boolean' ? a : b) as boolean;
    const other = typeof a === 'boolean' ? b : a;
    if (typeof other === 'string') return other === String(bool);
    if (typeof other === 'number') return other === (bool ? 1 : 0);
    return false;
  }
  const x = comparableNumber(a);
  const y = comparableNumber(b);
  return x !== undefined && y !== undefined && x === y;
}

/**
 * Compares two strings by Unicode code point (not UTF-16 code unit).
 *
 * @example
 * ```ts
 * compareCodePoints('a', 'b') //=> -1
 * ```
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // Surrogates (U+D800–U+DFFF) stand for code points above U+FFFF: they sort after U+E000–U+FFFF.
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    if (sa !== sb) {
      if (sa) return cb >= 0xe000 ? 1 : ca < cb ? -1 : 1;
      return ca >= 0xe000 ? -1 : ca < cb ? -1 : 1;
    }
    return ca < cb ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * Ordering comparison for `<`, `<=`, `>` and `>=`.
 *
 * Numeric when both sides are numbers, numeric strings or timestamps;
 * `false < true` for two booleans, a boolean against a number as 1/0; otherwise, when both sides are strings,
 * numbers, booleans or timestamps, the get-query-results string forms are
 * compared by code point. Returns `undefined` (the comparison is false) when
 * either side is missing, `null`, a map or a list.
 *
 * @example
 * ```ts
 * compareOrdered('10', 2) //=> 1
 * compareOrdered(undefined, 2) //=> undefined
 * ```
 */
export function compareOrdered(a: Value, b: Value): number | undefined {
  if (a === undefined || a === null || b === undefined || b === null) return undefined;
  if (typeof a === 'object' && !(a instanceof Date)) return undefined;
  if (typeof b === 'object' && !(b instanceof Date)) return undefined;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  // A boolean against a number compares as 1/0, consistent with valuesEqual.
  if (typeof a === 'boolean' && typeof b === 'number') return compareOrdered(a ? 1 : 0, b);
  if (typeof a === 'number' && typeof b === 'boolean') return compareOrdered(a, b ? 1 : 0);
  const x = comparableNumber(a);
  const y = comparableNumber(b);
  if (x !== undefined && y !== undefined) return x === y ? 0 : x < y ? -1 : 1;
  const sa = valueToResultString(a);
  const sb = valueToResultString(b);
  if (sa === undefined || sb === undefined) return undefined;
  return compareCodePoints(sa, sb);
}

/**
 * Truthiness for `filter`, `and`, `or`, `not`, `if` and `case`.
 *
 * Booleans as themselves; numbers are true unless 0 or NaN; strings are true
 * unless empty, `"false"` (any case), or a numeric string equal to 0;
 * timestamps are true; missing, `null`, maps and lists are false.
 *
 * @example
 * ```ts
 * isTruthy(1) //=> true
 * isTruthy('false') //=> false
 * ```
 */
export function isTruthy(v: Value): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') {
    if (v === '' || v.toLowerCase() === 'false') return false;
    if (isNumericString(v)) return Number(v) !== 0;
    return true;
  }
  if (v instanceof Date) return true;
  return false;
}
