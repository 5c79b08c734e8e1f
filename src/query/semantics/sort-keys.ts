/**
 * The service's sort order, made total over all values, and the sort keys
 * that let a sort classify each value once.
 *
 * Ascending sort order: missing < `null` < non-numbers < numbers, so that
 * `sort x desc | limit n` (the common top-N query) lists values before rows
 * lacking the field.
 *
 * @module
 */
import type { Value } from '../value.js';
import { compareCodePoints, isNumericString } from './compare.js';
import { valueToResultString } from './format.js';

enum SortClass {
  Missing = 0,
  Null = 1,
  NonNumber = 2,
  Number = 3,
}

/** Tie-break rank between kinds whose sort keys are equal. */
function kindRank(v: Value): number {
  if (typeof v === 'number') return 0;
  if (v instanceof Date) return 1;
  if (typeof v === 'string') return 2;
  if (typeof v === 'boolean') return 3;
  if (Array.isArray(v)) return 4;
  return 5;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

const LETTER = /\p{L}/u;

function isLetterCode(cp: number): boolean {
  if ((cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)) return true;
  if (cp < 0x80) return false;
  return LETTER.test(String.fromCodePoint(cp));
}

/** The code point at `i` (a lone surrogate stands for itself). */
function codePointAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff || i + 1 >= s.length) return c;
  const d = s.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff ? (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000 : c;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function sign(x: number, y: number): number {
  return x < y ? -1 : 1;
}

/**
 * The service's documented ordering of non-number strings: the strings are
 * split into runs of digits, runs of letters and single other characters;
 * digit runs compare by length, then by value; any other pair of chunks
 * compares by code point; a string that runs out of chunks first sorts first.
 * Allocation-free: chunks are compared in place.
 *
 * @example
 * ```ts
 * compareChunked('5A', '111A') //=> -1
 * ```
 */
export function compareChunked(a: string, b: string): number {
  // Skip the common prefix, backing up to the start of the letter/digit run it
  // ends in: that position is a chunk boundary in both strings.
  const n = Math.min(a.length, b.length);
  let start = 0;
  while (start < n && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  if (start === a.length && start === b.length) return 0;
  if (start > 0 && isHighSurrogate(a.charCodeAt(start - 1))) start--;
  while (start > 0) {
    let c = a.charCodeAt(start - 1);
    let width = 1;
    if (c >= 0xdc00 && c <= 0xdfff && start >= 2 && isHighSurrogate(a.charCodeAt(start - 2))) {
      c = (a.charCodeAt(start - 2) - 0xd800) * 0x400 + (c - 0xdc00) + 0x10000;
      width = 2;
    }
    if (!isDigit(c) && !isLetterCode(c)) break;
    start -= width;
  }
  let i = start;
  let j = start;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    const da = isDigit(ca);
    const db = isDigit(cb);
    if (da && db) {
      let ie = i + 1;
      while (ie < a.length && isDigit(a.charCodeAt(ie))) ie++;
      let je = j + 1;
      while (je < b.length && isDigit(b.charCodeAt(je))) je++;
      if (ie - i !== je - j) return sign(ie - i, je - j);
      for (let k = 0; k < ie - i; k++) {
        const x = a.charCodeAt(i + k);
        const y = b.charCodeAt(j + k);
        if (x !== y) return sign(x, y);
      }
      i = ie;
      j = je;
      continue;
    }
    const pa = codePointAt(a, i);
    const pb = codePointAt(b, j);
    if (da || db) return sign(pa, pb);
    const la = isLetterCode(pa);
    const lb = isLetterCode(pb);
    if (la && lb) {
      // Two letter runs: compare in place; a run that ends first is a prefix and sorts first.
      let x = pa;
      let y = pb;
      for (;;) {
        if (x !== y) return sign(x, y);
        i += x > 0xffff ? 2 : 1;
        j += y > 0xffff ? 2 : 1;
        x = i < a.length ? codePointAt(a, i) : -1;
        y = j < b.length ? codePointAt(b, j) : -1;
        const moreA = x >= 0 && isLetterCode(x);
        const moreB = y >= 0 && isLetterCode(y);
        if (!moreA || !moreB) {
          if (moreA) return 1;
          if (moreB) return -1;
          break;
        }
      }
      continue;
    }
    if (pa !== pb) return sign(pa, pb);
    i += pa > 0xffff ? 2 : 1;
    j += pb > 0xffff ? 2 : 1;
  }
  if (i < a.length) return 1;
  if (j < b.length) return -1;
  return 0;
}

function sortString(v: Value): string {
  if (typeof v === 'string') return v;
  return valueToResultString(v) ?? '';
}

/**
 * A value classified once for {@link compareSortKeys}, so that a sort that
 * compares each value many times (a heap, `Array.prototype.sort`) runs the
 * numeric-string test and number parsing once per value, not per comparison.
 * Build it with {@link sortKeyOf}; treat it as opaque.
 *
 * @example
 * ```ts
 * sortKeyOf('01').num //=> 1
 * ```
 *
 * @internal
 */
export interface SortKey {
  /** The value itself. */
  readonly value: Value;
  /** Its sort class: 0 missing, 1 `null`, 2 non-number, 3 number. */
  readonly cls: number;
  /** For the number class, the number (NaN when it has none); otherwise NaN. */
  readonly num: number;
  /**
   * The string form: set for non-numbers and strings; for numbers and
   * timestamps it is made on first use (only ties need it) and kept.
   */
  str: string | undefined;
  /** Tie-break rank of the kind (see `kindRank`). */
  readonly rank: number;
  /**
   * For non-numbers, the chunk shape of `str` (see `computeShape`), made on
   * first use: its length, -1 when it has none, -2 before it is made …
   */
  shapeLength: number;
  /** … and the character classes, 2 bits a character. */
  shape0: number;
  shape1: number;
  shape2: number;
}

/** Strings longer than this get no shape: it is packed into three 32-bit words, 2 bits a character. */
const MAX_SHAPE_LENGTH = 48;
const UNSHAPED = -1;
const NOT_YET = -2;

function makeKey(value: Value, cls: SortClass, num: number, str: string | undefined, rank: number): SortKey {
  return { value, cls, num, str, rank, shapeLength: NOT_YET, shape0: 0, shape1: 0, shape2: 0 };
}

const MISSING_KEY: SortKey = makeKey(undefined, SortClass.Missing, Number.NaN, '', 5);
const NULL_KEY: SortKey = makeKey(null, SortClass.Null, Number.NaN, '', 5);

/**
 * Classifies a value once for {@link compareSortKeys}.
 *
 * @example
 * ```ts
 * compareSortKeys(sortKeyOf('1e3'), sortKeyOf(999)) //=> 1
 * ```
 *
 * @internal
 */
export function sortKeyOf(v: Value): SortKey {
  if (v === undefined) return MISSING_KEY;
  if (v === null) return NULL_KEY;
  if (typeof v === 'string') {
    if (isNumericString(v)) return makeKey(v, SortClass.Number, Number(v), v, 2);
    return makeKey(v, SortClass.NonNumber, Number.NaN, v, 2);
  }
  if (typeof v === 'number') return makeKey(v, SortClass.Number, v, undefined, 0);
  if (v instanceof Date) return makeKey(v, SortClass.Number, v.getTime(), undefined, 1);
  return makeKey(v, SortClass.NonNumber, Number.NaN, sortString(v), kindRank(v));
}

/**
 * Computes the chunk shape of a key's ASCII string: the class of every
 * character (digit, letter, anything else) packed 2 bits a character, or
 * none for a string with a non-ASCII character or longer than
 * {@link MAX_SHAPE_LENGTH}. Two strings of the same shape have their
 * {@link compareChunked} chunks at the same places and of the same lengths,
 * so each chunk pair is decided by its first differing character: their
 * chunked order is their plain code-unit order.
 */
function computeShape(k: SortKey): void {
  const s = k.str as string;
  k.shapeLength = UNSHAPED;
  if (s.length > MAX_SHAPE_LENGTH) return;
  let w0 = 0;
  let w1 = 0;
  let w2 = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return;
    const bits =
      (isDigit(c) ? 1 : (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ? 2 : 3) << ((i & 15) * 2);
    if (i < 16) w0 |= bits;
    else if (i < 32) w1 |= bits;
    else w2 |= bits;
  }
  k.shape0 = w0;
  k.shape1 = w1;
  k.shape2 = w2;
  k.shapeLength = s.length;
}

function sameShape(a: SortKey, b: SortKey): boolean {
  if (a.shapeLength === NOT_YET) computeShape(a);
  if (a.shapeLength === UNSHAPED) return false;
  if (b.shapeLength === NOT_YET) computeShape(b);
  return (
    a.shapeLength === b.shapeLength && a.shape0 === b.shape0 && a.shape1 === b.shape1 && a.shape2 === b.shape2
  );
}

/** The string form of a key, made and kept on first use. */
function keyString(k: SortKey): string {
  let s = k.str;
  if (s === undefined) {
    s = sortString(k.value);
    k.str = s;
  }
  return s;
}

/**
 * {@link compareForSort} on values classified by {@link sortKeyOf}:
 * `compareSortKeys(sortKeyOf(a), sortKeyOf(b))` is exactly
 * `compareForSort(a, b)`.
 *
 * @example
 * ```ts
 * compareSortKeys(sortKeyOf('01'), sortKeyOf('1')) //=> -1
 * ```
 *
 * @internal
 */
export function compareSortKeys(a: SortKey, b: SortKey): number {
  const ka = a.cls;
  const kb = b.cls;
  if (ka !== kb) return ka < kb ? -1 : 1;
  if (ka === SortClass.Missing || ka === SortClass.Null) return 0;
  if (ka === SortClass.Number) {
    const x = a.num;
    const y = b.num;
    // Both false when either is NaN (or for 0 and -0).
    if (x < y) return -1;
    if (x > y) return 1;
    const nx = Number.isNaN(x);
    const ny = Number.isNaN(y);
    if (nx !== ny) return nx ? 1 : -1;
    const c = compareCodePoints(keyString(a), keyString(b));
    if (c !== 0) return c;
  } else {
    const sa = a.str as string;
    const sb = b.str as string;
    if (sa !== sb) {
      // Same shape: the chunked order is the code-unit order (see shapeOf), which the engine compares natively.
      if (sameShape(a, b)) return sa < sb ? -1 : 1;
    }
    const c = compareChunked(sa, sb);
    if (c !== 0) return c;
    const d = compareCodePoints(sa, sb);
    if (d !== 0) return d;
  }
  const ra = a.rank;
  const rb = b.rank;
  return ra === rb ? 0 : ra < rb ? -1 : 1;
}

/**
 * The service's ascending sort order (descending is its exact reverse), made
 * total over all values:
 * 1. missing, then `null`, then non-numbers, then numbers (numbers, numeric
 *    strings and timestamps);
 * 2. non-numbers by {@link compareChunked} on their string form (booleans
 *    as `true`/`false`, maps and lists as JSON);
 * 3. numbers by value (NaN last), then by string form (`0 < 01 < 1`);
 * 4. remaining ties by kind (number, timestamp, string, boolean, list, map).
 *
 * Note: `Array.prototype.sort` moves `undefined` elements to the end without
 * calling the comparator; sort rows (objects), not bare values.
 *
 * @example
 * ```ts
 * ['1', 'A', '#', '01'].sort(compareForSort) //=> ['#', 'A', '01', '1']
 * ```
 */
export function compareForSort(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number' && a !== b && !Number.isNaN(a) && !Number.isNaN(b))
    return a < b ? -1 : 1;
  return compareSortKeys(sortKeyOf(a), sortKeyOf(b));
}
