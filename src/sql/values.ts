/**
 * The engine's value semantics (`src/query/semantics/`) as SQL.
 *
 * Every SQL expression the compiler makes has a static *kind*:
 * - `json`: a JSON leaf (string, number, boolean or JSON null) of a
 *   dynamically typed field; SQL NULL is a missing field;
 * - `str`, `num` (DOUBLE, as JavaScript numbers are), `bool`, `ts` (epoch
 *   milliseconds shown as a timestamp): typed values; SQL NULL is missing.
 *
 * The semantics are written against *views* of a value: its string if it is
 * a string, its number if it is a number, its boolean if it is a boolean,
 * its epoch ms if it is a timestamp. A view that cannot exist for a kind is
 * `undefined` at compile time, so the SQL for typed values has no dead
 * branches. Every comparison is total (never SQL NULL): the missing-field
 * rule is explicit, not left to SQL's three-valued logic.
 *
 * @module
 */
import type { Dialect } from './dialect.js';
import { sqlString } from './dialect.js';

/** An SQL `error(…)` that `runOnDuckdb` reports as `sql_unsupported`. @internal */
export function notTranslated(what: string): string {
  return `error(${sqlString(`kubetrail: ${what} is not translated to SQL (sql_unsupported)`)})`;
}

/** The static kind of a SQL value. @internal */
export type SqlKind = 'json' | 'str' | 'num' | 'bool' | 'ts';

/** A SQL expression with its kind; `literal` when it is a constant of the query. @internal */
export interface SqlValue {
  readonly kind: SqlKind;
  readonly sql: string;
  readonly literal?: string | number | boolean | undefined;
  /** A `json` value that may be a map or list (`jsonParse`, `split`, paths into them; see `json-values.ts`). */
  readonly structured?: boolean | undefined;
  /**
   * A `str` column of an imported copy whose values all have one chunk shape
   * and are not numeric strings (`TypedColumn.plainOrder`): it sorts by plain
   * code-point order. Only the column itself carries it (`sameKind` drops it).
   */
  readonly plainOrder?: boolean | undefined;
}

/** JavaScript's `\\s` (the engine trims and tests blanks with it), as an RE2 class body. @internal */
export const JS_WHITESPACE =
  '\\t\\n\\v\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}';

/** The same kind (and structure mark) as `v`, with other SQL. @internal */
export function sameKind(v: SqlValue, sql: string): SqlValue {
  return v.structured === true ? { kind: v.kind, sql, structured: true } : { kind: v.kind, sql };
}

/** The numeric-string rule of `isNumericString`, as an RE2 pattern for a whole-string match. */
const NUMERIC_STRING = '[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?';

/** SQL for a typed value of a JavaScript literal. @internal */
export function literalValue(v: string | number | boolean): SqlValue {
  if (typeof v === 'string') return { kind: 'str', sql: sqlString(v), literal: v };
  if (typeof v === 'boolean') return { kind: 'bool', sql: v ? 'TRUE' : 'FALSE', literal: v };
  return { kind: 'num', sql: `CAST(${numberText(v)} AS DOUBLE)`, literal: v };
}

function numberText(n: number): string {
  // A literal too large for a double (1e400) is ±Infinity, as in the engine; both dialects cast these strings.
  if (Number.isNaN(n)) return "'NaN'";
  if (!Number.isFinite(n)) return n > 0 ? "'Infinity'" : "'-Infinity'";
  return String(n);
}

/** The SQL of a boolean condition, or `undefined` for a condition that is statically false. */
type Cond = string | undefined;

function and(...parts: Cond[]): Cond {
  if (parts.some((p) => p === undefined)) return undefined;
  const real = (parts as string[]).filter((p) => p !== 'TRUE');
  if (real.length === 0) return 'TRUE';
  return real.length === 1 ? real[0] : `(${real.join(' AND ')})`;
}

function or(...parts: Cond[]): Cond {
  const real = parts.filter((p): p is string => p !== undefined);
  if (real.includes('TRUE')) return 'TRUE';
  if (real.length === 0) return undefined;
  return real.length === 1 ? real[0] : `(${real.join(' OR ')})`;
}

function notNull(x: string | undefined): Cond {
  return x === undefined ? undefined : `(${x} IS NOT NULL)`;
}

/** A total boolean: `FALSE` for a statically false condition, else `COALESCE(cond, FALSE)`. @internal */
export function total(c: Cond): string {
  if (c === undefined) return 'FALSE';
  if (c === 'TRUE' || c === 'FALSE') return c;
  return `COALESCE(${c}, FALSE)`;
}

/**
 * Top-level split points of generated SQL: the index of every occurrence of
 * `sep` outside parentheses, string literals ('…') and quoted names ("…").
 */
function topLevel(sql: string, sep: string): number[] {
  const out: number[] = [];
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i] as string;
    if (quote !== undefined) {
      // A doubled quote inside a literal is an escaped quote, which the next step passes over.
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && sql.startsWith(sep, i)) out.push(i);
  }
  return out;
}

/** Whether `sql` is one parenthesised group, `(…)`, from its first character to its last. */
function wrapped(sql: string): boolean {
  if (!sql.startsWith('(') || !sql.endsWith(')')) return false;
  const inner = sql.slice(1, -1);
  // The group closes at the end only if the inner text is balanced on its own.
  let depth = 0;
  let quote: string | undefined;
  for (const ch of inner) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0 && quote === undefined;
}

/**
 * A condition as a WHERE clause needs it: `COALESCE(c, FALSE)` (see
 * {@link total}) is dropped where it stands at a positive position — the
 * whole condition, or an operand of a top-level AND/OR chain. A row passes a
 * WHERE only when the condition is TRUE, and AND/OR are TRUE exactly when
 * they are with NULL read as FALSE, so the rows are the same; but plain
 * comparisons on columns are what DuckDB pushes into a Parquet scan, so that
 * the other columns are read only for the rows that pass.
 *
 * @internal
 */
export function whereCondition(sql: string): string {
  const s = sql.trim();
  if (s.startsWith('COALESCE(') && s.endsWith(', FALSE)') && wrapped(s.slice('COALESCE'.length))) {
    const args = s.slice('COALESCE('.length, -1);
    const commas = topLevel(args, ', ');
    // Kept in parentheses: the operand may be an OR inside an AND.
    if (commas.length === 1 && args.slice((commas[0] as number) + 2) === 'FALSE') {
      const inner = whereCondition(args.slice(0, commas[0]));
      return wrapped(inner) ? inner : `(${inner})`;
    }
  }
  if (wrapped(s)) {
    const inner = whereCondition(s.slice(1, -1));
    return wrapped(inner) ? inner : `(${inner})`;
  }
  // AND inside CASE … END or BETWEEN … AND is no operand boundary: such a level is left as it is.
  if (topLevel(s, 'CASE ').length > 0 || topLevel(s, ' BETWEEN ').length > 0) return s;
  for (const op of [' AND ', ' OR ']) {
    const at = topLevel(s, op);
    if (at.length === 0) continue;
    // Mixed AND/OR at one level are left alone (their grouping is the precedence's).
    const other = topLevel(s, op === ' AND ' ? ' OR ' : ' AND ');
    if (other.length > 0) return s;
    const parts: string[] = [];
    let from = 0;
    for (const i of at) {
      parts.push(s.slice(from, i));
      from = i + op.length;
    }
    parts.push(s.slice(from));
    return parts.map((part) => whereCondition(part)).join(op);
  }
  return s;
}

/** The semantics over one dialect. @internal */
export class Semantics {
  constructor(readonly d: Dialect) {}

  /** The value is there and not null. */
  present(v: SqlValue): Cond {
    if (v.literal !== undefined) return 'TRUE';
    return v.kind === 'json' ? this.d.jsonPresent(v.sql) : `(${v.sql} IS NOT NULL)`;
  }

  /** Its string, when it is a string. */
  str(v: SqlValue): string | undefined {
    if (v.kind === 'str') return v.sql;
    return v.kind === 'json' ? this.d.jsonString(v.sql) : undefined;
  }

  /** Its number, when it is a number (not a numeric string, not a timestamp). */
  num(v: SqlValue): string | undefined {
    if (v.kind === 'num') return v.sql;
    return v.kind === 'json' ? this.d.jsonNumber(v.sql) : undefined;
  }

  /** Its boolean, when it is a boolean. */
  bool(v: SqlValue): string | undefined {
    if (v.kind === 'bool') return v.sql;
    return v.kind === 'json' ? this.d.jsonBoolean(v.sql) : undefined;
  }

  /** Its epoch ms, when it is a timestamp. */
  ts(v: SqlValue): string | undefined {
    return v.kind === 'ts' ? v.sql : undefined;
  }

  /** The number a numeric string spells (NULL otherwise). */
  numericString(s: string): string {
    return `CASE WHEN length(${s}) <= 400 AND ${this.d.regexFull(s, sqlString(NUMERIC_STRING))} THEN TRY_CAST(${s} AS DOUBLE) END`;
  }

  /** `comparableNumber`: numbers, numeric strings and timestamps (not booleans). */
  comparableNumber(v: SqlValue): string | undefined {
    if (v.literal !== undefined) {
      const l = v.literal;
      if (typeof l === 'number') return v.sql;
      if (typeof l === 'string') {
        return /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(l) && l.length <= 400
          ? `CAST(${numberText(Number(l))} AS DOUBLE)`
          : undefined;
      }
      return undefined;
    }
    const parts: string[] = [];
    const n = this.num(v);
    if (n !== undefined) parts.push(n);
    const s = this.str(v);
    if (s !== undefined) parts.push(this.numericString(s));
    const t = this.ts(v);
    if (t !== undefined) parts.push(`CAST(${t} AS DOUBLE)`);
    if (parts.length === 0) return undefined;
    return parts.length === 1 ? parts[0] : `COALESCE(${parts.join(', ')})`;
  }

  /** `toNumberValue`: {@link comparableNumber} plus booleans as 1/0. */
  toNumber(v: SqlValue): string | undefined {
    const c = this.comparableNumber(v);
    const b = this.bool(v);
    if (v.literal !== undefined && typeof v.literal === 'boolean')
      return v.literal ? 'CAST(1 AS DOUBLE)' : 'CAST(0 AS DOUBLE)';
    if (b === undefined) return c;
    const fromBool = `CASE WHEN ${b} THEN CAST(1 AS DOUBLE) WHEN NOT ${b} THEN CAST(0 AS DOUBLE) END`;
    return c === undefined ? fromBool : `COALESCE(${c}, ${fromBool})`;
  }

  /**
   * `formatNumber` of a DOUBLE, as JavaScript's `String(x)`: integers below
   * 1e21 as plain digits, other numbers from 1e-6 up to 1e21 in fixed
   * notation, the rest as `d.ddde±n`, always with the shortest round-trip
   * digits. DuckDB's own text has those digits but picks fixed or exponent
   * notation by length and pads the exponent (`1.5e-05`), so its digits are
   * re-laid out; elsewhere numbers outside the fixed range have no string.
   * ±Infinity (`JSON.parse` of `1e400`) is `Infinity` / `-Infinity` on DuckDB, as `String(x)`.
   */
  formatNumber(x: string): string {
    if (this.d.name !== 'duckdb')
      return `CASE WHEN ${x} = 0 THEN '0' WHEN ${x} = trunc(${x}) AND abs(${x}) < 1e21 THEN ${this.d.integerText(x)} WHEN abs(${x}) >= 1e-6 AND abs(${x}) < 1e21 THEN CAST(${x} AS VARCHAR) ELSE NULL END`;
    // kt_a: DuckDB's shortest text of |x| (without the `.0` it gives some integers); m, e: its mantissa and exponent when it chose exponent notation.
    const m = "split_part(kt_a, 'e', 1)";
    const e = "CAST(split_part(kt_a, 'e', 2) AS INTEGER)";
    // Integers from 2^53 have no exact text in JavaScript either: their shortest digits, then zeros.
    const whole = `CASE WHEN contains(kt_a, 'e') THEN replace(${m}, '.', '') || repeat('0', ${e} + 1 - length(replace(${m}, '.', ''))) ELSE kt_a END`;
    const fixed = `CASE WHEN contains(kt_a, 'e') THEN '0.' || repeat('0', -${e} - 1) || replace(${m}, '.', '') ELSE kt_a END`;
    const digits = "rtrim(kt_a, '0')";
    const big = `CASE WHEN length(${digits}) > 1 THEN left(kt_a, 1) || '.' || substr(${digits}, 2) ELSE left(kt_a, 1) END || 'e+' || CAST(length(kt_a) - 1 AS VARCHAR)`;
    const exponent = `CASE WHEN contains(kt_a, 'e') THEN regexp_replace(kt_a, 'e([+-])0*([0-9])', 'e\\1\\2') ELSE ${big} END`;
    const relaid = (layout: string) =>
      `CASE WHEN ${x} < 0 THEN '-' ELSE '' END || list_transform([regexp_replace(CAST(abs(${x}) AS VARCHAR), '\\.0$', '')], kt_a -> ${layout})[1]`;
    const head = `CASE WHEN ${x} = 0 THEN '0' WHEN ${x} = trunc(${x}) AND abs(${x}) < 9007199254740992 THEN ${this.d.integerText(x)}`;
    return `${head} WHEN ${x} = trunc(${x}) AND abs(${x}) < 1e21 THEN ${relaid(whole)} WHEN abs(${x}) >= 1e-6 AND abs(${x}) < 1e21 THEN ${relaid(fixed)} WHEN isfinite(${x}) THEN ${relaid(exponent)} WHEN isnan(${x}) THEN 'NaN' WHEN ${x} > 0 THEN 'Infinity' WHEN ${x} < 0 THEN '-Infinity' END`;
  }

  /**
   * `valueToResultString`: the string form of a value, NULL when it has none.
   * The compact JSON of a map or list is not translated: it stops the query
   * (`structures: 'stop'`), or reads as NULL where the engine never takes it
   * (`'none'`: comparisons, for which maps and lists are not comparable).
   */
  resultString(v: SqlValue, structures: 'stop' | 'none' = 'stop'): string | undefined {
    if (v.structured === true) {
      const leaf = this.resultString({ kind: v.kind, sql: v.sql });
      const text = structures === 'stop' ? notTranslated('the text of a map or list') : 'NULL';
      return `CASE WHEN json_type(${v.sql}) IN ('OBJECT', 'ARRAY') THEN ${text} ELSE ${leaf ?? 'NULL'} END`;
    }
    if (v.literal !== undefined) {
      const l = v.literal;
      if (typeof l === 'string') return v.sql;
      if (typeof l === 'boolean') return l ? "'true'" : "'false'";
    }
    const parts: string[] = [];
    const s = this.str(v);
    if (s !== undefined) parts.push(s);
    const n = this.num(v);
    if (n !== undefined) parts.push(this.formatNumber(n));
    const b = this.bool(v);
    if (b !== undefined) parts.push(`CASE WHEN ${b} THEN 'true' WHEN NOT ${b} THEN 'false' END`);
    const t = this.ts(v);
    if (t !== undefined) parts.push(this.d.formatMillis(t));
    if (parts.length === 0) return undefined;
    return parts.length === 1 ? parts[0] : `COALESCE(${parts.join(', ')})`;
  }

  /** `valuesEqual` as a total boolean. */
  equal(a: SqlValue, b: SqlValue): string {
    const sa = this.str(a);
    const sb = this.str(b);
    const ba = this.bool(a);
    const bb = this.bool(b);
    const na = this.num(a);
    const nb = this.num(b);
    const bothStrings = and(notNull(sa), notNull(sb));
    const boolText = (x: string) => `CASE WHEN ${x} THEN 'true' WHEN NOT ${x} THEN 'false' END`;
    const boolNum = (x: string) => `CASE WHEN ${x} THEN 1 WHEN NOT ${x} THEN 0 END`;
    // A literal that cannot equal a boolean ('x', 7) drops the boolean cases at compile time.
    const boolish = (v: SqlValue) =>
      v.literal === undefined ||
      v.literal === 'true' ||
      v.literal === 'false' ||
      v.literal === 0 ||
      v.literal === 1;
    const cases: Cond[] = [
      sa !== undefined && sb !== undefined ? `${sa} = ${sb}` : undefined,
      ba !== undefined && bb !== undefined ? `${ba} = ${bb}` : undefined,
      ba !== undefined && sb !== undefined && boolish(b) ? `${sb} = ${boolText(ba)}` : undefined,
      bb !== undefined && sa !== undefined && boolish(a) ? `${sa} = ${boolText(bb)}` : undefined,
      ba !== undefined && nb !== undefined && boolish(b) ? `${nb} = ${boolNum(ba)}` : undefined,
      bb !== undefined && na !== undefined && boolish(a) ? `${na} = ${boolNum(bb)}` : undefined,
    ];
    const ca = this.comparableNumber(a);
    const cb = this.comparableNumber(b);
    if (ca !== undefined && cb !== undefined) {
      const notBool = and(
        ba === undefined ? 'TRUE' : `(${ba} IS NULL)`,
        bb === undefined ? 'TRUE' : `(${bb} IS NULL)`,
      );
      const notStrings = bothStrings === undefined ? 'TRUE' : `NOT ${bothStrings}`;
      cases.push(and(notBool, notStrings, `${ca} = ${cb}`));
    }
    return total(or(...cases));
  }

  /** `compareOrdered` as SQL: an integer (negative, 0, positive), or NULL when not comparable. */
  compare(a: SqlValue, b: SqlValue): string | undefined {
    const pa = this.present(a);
    const pb = this.present(b);
    const ba = this.bool(a);
    const bb = this.bool(b);
    const na = this.num(a);
    const nb = this.num(b);
    const ca = this.comparableNumber(a);
    const cb = this.comparableNumber(b);
    const ra = this.resultString(a, 'none');
    const rb = this.resultString(b, 'none');
    const diff = (x: string, y: string) => `CASE WHEN ${x} < ${y} THEN -1 WHEN ${x} > ${y} THEN 1 ELSE 0 END`;
    const int = (x: string) => `CASE WHEN ${x} THEN 1 ELSE 0 END`;
    const whens: string[] = [];
    if (ba !== undefined && bb !== undefined)
      whens.push(`WHEN ${ba} IS NOT NULL AND ${bb} IS NOT NULL THEN ${diff(int(ba), int(bb))}`);
    if (ba !== undefined && nb !== undefined)
      whens.push(`WHEN ${ba} IS NOT NULL AND ${nb} IS NOT NULL THEN ${diff(int(ba), nb)}`);
    if (na !== undefined && bb !== undefined)
      whens.push(`WHEN ${na} IS NOT NULL AND ${bb} IS NOT NULL THEN ${diff(na, int(bb))}`);
    if (ca !== undefined && cb !== undefined)
      whens.push(`WHEN ${ca} IS NOT NULL AND ${cb} IS NOT NULL THEN ${diff(ca, cb)}`);
    if (ra !== undefined && rb !== undefined)
      whens.push(`WHEN ${ra} IS NOT NULL AND ${rb} IS NOT NULL THEN ${diff(ra, rb)}`);
    const p = and(pa, pb);
    if (p === undefined || whens.length === 0) return undefined;
    return `CASE WHEN NOT ${p} THEN NULL ${whens.join(' ')} END`;
  }

  /** `isTruthy` as a total boolean. */
  truthy(v: SqlValue): string {
    if (v.kind === 'bool' && v.literal === undefined) return `COALESCE(${v.sql}, FALSE)`;
    if (v.literal !== undefined) {
      const l = v.literal;
      if (typeof l === 'boolean') return l ? 'TRUE' : 'FALSE';
      if (typeof l === 'number') return l !== 0 && !Number.isNaN(l) ? 'TRUE' : 'FALSE';
      const n = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(l) ? Number(l) : undefined;
      return l === '' || l.toLowerCase() === 'false' || n === 0 ? 'FALSE' : 'TRUE';
    }
    const cases: Cond[] = [];
    const b = this.bool(v);
    if (b !== undefined) cases.push(b);
    const n = this.num(v);
    if (n !== undefined) cases.push(`(${n} <> 0 AND NOT isnan(${n}))`);
    const s = this.str(v);
    if (s !== undefined) {
      cases.push(`(${s} <> '' AND lower(${s}) <> 'false' AND COALESCE(${this.numericString(s)} <> 0, TRUE))`);
    }
    const t = this.ts(v);
    if (t !== undefined) cases.push(`(${t} IS NOT NULL)`);
    return total(or(...cases));
  }

  /** The text `like` and regex tests read (strings, and the string form of other leaves). */
  matchText(v: SqlValue): string | undefined {
    return this.resultString(v, 'none');
  }

  /** A value as JSON (for mixing kinds). Timestamps have no JSON form here. */
  toJson(v: SqlValue): SqlValue | undefined {
    if (v.kind === 'json') return v;
    if (v.kind === 'ts') return undefined;
    return { kind: 'json', sql: this.d.toJson(v.sql) };
  }

  /**
   * The ascending sort key parts of `compareForSort` (descending reverses
   * each): class, number, chunk key, code-point string, kind rank.
   */
  sortKeys(v: SqlValue): string[] {
    // One shape, no numeric string: every present value is a non-number whose chunk order is its
    // code-point order (two strings of one shape split into chunks at the same places).
    if (
      v.kind === 'num' ||
      v.kind === 'ts' ||
      v.kind === 'bool' ||
      (v.kind === 'str' && v.plainOrder === true)
    ) {
      // One kind: missing first, then the values in their own order (false < true, as in the chunk order).
      return [`CASE WHEN ${v.sql} IS NULL THEN 0 ELSE 1 END`, v.sql];
    }
    const p = this.present(v) ?? 'FALSE';
    const c = this.comparableNumber(v);
    const isNull = v.kind === 'json' ? `(${v.sql} IS NOT NULL AND NOT ${p})` : 'FALSE';
    const cls = `CASE WHEN ${c === undefined ? 'FALSE' : `${c} IS NOT NULL`} THEN 3 WHEN ${p} THEN 2 WHEN ${isNull} THEN 1 ELSE 0 END`;
    const rs = this.resultString(v) ?? 'NULL';
    const nonNumberString = c === undefined ? rs : `CASE WHEN ${c} IS NULL THEN ${rs} END`;
    const chunk = this.chunkKey(nonNumberString);
    const rank = this.kindRank(v);
    return [cls, c ?? 'NULL', chunk, rs, rank];
  }

  /** The tie-break rank of `kindRank`. */
  private kindRank(v: SqlValue): string {
    switch (v.kind) {
      case 'num':
        return '0';
      case 'ts':
        return '1';
      case 'str':
        return '2';
      case 'bool':
        return '3';
      default:
        return `CASE WHEN ${this.d.jsonNumber(v.sql)} IS NOT NULL THEN 0 WHEN ${this.d.jsonString(v.sql)} IS NOT NULL THEN 2 WHEN ${this.d.jsonBoolean(v.sql)} IS NOT NULL THEN 3 ELSE 5 END`;
    }
  }

  /**
   * A string whose plain (code point) order is `compareChunked`'s order:
   * each digit run becomes `0`, its length in four digits and the digits; each
   * letter run is followed by U+0001, which sorts below every letter.
   */
  chunkKey(s: string): string {
    if (s === 'NULL') return 'NULL';
    return this.d.chunkKey(
      s,
      sqlString('[0-9]+|\\p{L}+|(?s:.)'),
      (c) => `'0' || lpad(CAST(length(${c}) AS VARCHAR), 4, '0') || ${c}`,
      (c) => `${c} || chr(1)`,
    );
  }
}
