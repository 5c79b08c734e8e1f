/**
 * Argument helpers shared by the function families: how a function reads its
 * arguments as strings, numbers and timestamps. Maps and lists are treated
 * as null by string, number and datetime functions, as the service documents.
 *
 * @module
 */

import type { UserRegex } from '../regex.js';
import { isNumericString, toNumberValue } from '../semantics/compare.js';
import { formatNumber, formatTimestamp } from '../semantics/format.js';
import type { Period, Value } from '../value.js';
import type { Arg } from './types.js';

const PERIOD_UNITS: ReadonlySet<string> = new Set(['ms', 's', 'm', 'h', 'd', 'w', 'mo', 'q', 'y']);

/**
 * The argument as a compiled regex, if it is a regex literal. (A map from
 * log data cannot pass for one: it has no `test` function.)
 *
 * @example
 * ```ts
 * argRegex('x') //=> undefined
 * ```
 */
export function argRegex(a: Arg | undefined): UserRegex | undefined {
  if (typeof a !== 'object' || a === null || Array.isArray(a) || a instanceof Date) return undefined;
  if (!Object.hasOwn(a, 'kind') || (a as { kind?: unknown }).kind !== 'Regex') return undefined;
  const regex = (a as { regex?: unknown }).regex;
  return typeof regex === 'object' && regex !== null && typeof (regex as UserRegex).test === 'function'
    ? (regex as UserRegex)
    : undefined;
}

/**
 * Tells whether an argument is the `*` of `count(*)`.
 *
 * @example
 * ```ts
 * isStarArg({ kind: 'Star' }) //=> true
 * ```
 */
export function isStarArg(a: Arg | undefined): boolean {
  return (
    typeof a === 'object' &&
    a !== null &&
    !Array.isArray(a) &&
    !(a instanceof Date) &&
    Object.hasOwn(a, 'kind') &&
    (a as { kind?: unknown }).kind === 'Star'
  );
}

/**
 * The argument as a plain value. Special arguments only appear where a
 * function expects them (its constant arguments); a regex literal elsewhere
 * reads as missing, and any other special reads as a map (null for string,
 * number and datetime functions).
 *
 * @example
 * ```ts
 * argValue(3) //=> 3
 * ```
 */
export function argValue(a: Arg | undefined): Value {
  if (a === undefined || argRegex(a) !== undefined) return undefined;
  return a as Value;
}

/**
 * The argument as a string for string functions: strings as themselves,
 * numbers in result form, booleans as `true`/`false`, timestamps in result
 * form; missing, null, maps, lists and specials are `undefined`.
 *
 * @example
 * ```ts
 * argString(12) //=> '12'
 * ```
 */
export function argString(a: Arg | undefined): string | undefined {
  const v = argValue(a);
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) {
    const t = v.getTime();
    return Number.isNaN(t) ? undefined : formatTimestamp(t);
  }
  return undefined;
}

/**
 * The argument as a number (see `toNumberValue`); `undefined` when it is not numeric.
 *
 * @example
 * ```ts
 * argNumber('2.5') //=> 2.5
 * ```
 */
export function argNumber(a: Arg | undefined): number | undefined {
  return toNumberValue(argValue(a));
}

/**
 * The argument as a period, if it is one.
 *
 * @example
 * ```ts
 * argPeriod({ kind: 'Period', amount: 5, unit: 'm' })?.unit //=> 'm'
 * ```
 */
export function argPeriod(a: Arg | undefined): Period | undefined {
  if (typeof a !== 'object' || a === null || Array.isArray(a) || a instanceof Date) return undefined;
  const p = a as { kind?: unknown; amount?: unknown; unit?: unknown };
  if (p.kind !== 'Period' || typeof p.amount !== 'number' || typeof p.unit !== 'string') return undefined;
  return PERIOD_UNITS.has(p.unit) ? (a as Period) : undefined;
}

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses an ISO-8601-like date (`2024-01-02`, `2024-01-02T03:04:05.678Z`,
 * `2024-01-02 03:04:05.678`, offsets `+01:00`/`+0100`/`+01`); no offset means UTC.
 *
 * @example
 * ```ts
 * parseIsoDate('1970-01-01T00:00:01Z') //=> 1000
 * ```
 */
export function parseIsoDate(s: string): number | undefined {
  if (s.length > 40) return undefined;
  const m = ISO_DATE.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(sec ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
    return undefined;
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000 + 1e-6);
  let t = Date.UTC(Number(y), month - 1, day, hour, minute, second, ms);
  if (new Date(t).getUTCDate() !== day) return undefined;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    t -= sign * offset * 60_000;
  }
  return t;
}

/**
 * The argument as epoch ms for datetime functions: timestamps, numbers and
 * numeric strings (epoch ms), and ISO-8601 strings.
 *
 * @example
 * ```ts
 * argEpochMs(new Date(5)) //=> 5
 * ```
 */
export function argEpochMs(a: Arg | undefined): number | undefined {
  const v = argValue(a);
  if (v instanceof Date) {
    const t = v.getTime();
    return Number.isNaN(t) ? undefined : t;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    if (isNumericString(v)) {
      const n = Number(v);
      return Number.isFinite(n) ? n : undefined;
    }
    return parseIsoDate(v);
  }
  return undefined;
}

/**
 * A finite number or `undefined` (results that are NaN or infinite have no value).
 *
 * @example
 * ```ts
 * finite(1 / 0) //=> undefined
 * ```
 */
export function finite(n: number | undefined): number | undefined {
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}
