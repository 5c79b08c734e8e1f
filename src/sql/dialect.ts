/**
 * The SQL dialects the compiler renders: DuckDB (executed here, by
 * `engine: 'duckdb'`) and Trino (Athena engine v3 and CloudTrail Lake; printed,
 * not executed here). Each dialect is a table of small renderers; the
 * semantics live in `values.ts` and are the same for both.
 *
 * @module
 */

/**
 * The SQL dialects `compileToSql` renders.
 *
 * @example
 * ```ts
 * import { compileToSql, type SqlDialectName } from 'kubetrail/sql';
 * const dialects: SqlDialectName[] = ['duckdb', 'trino'];
 * for (const dialect of dialects) console.log(compileToSql('stats count(*) by verb', { dialect }).sql);
 * ```
 */
export type SqlDialectName = 'duckdb' | 'trino';

/** The dialect-specific spellings. @internal */
export interface Dialect {
  readonly name: SqlDialectName;
  /** The string of a JSON string value, else NULL. */
  jsonString(x: string): string;
  /** The number of a JSON number value (as DOUBLE), else NULL. */
  jsonNumber(x: string): string;
  /** The boolean of a JSON boolean value, else NULL. */
  jsonBoolean(x: string): string;
  /** True when a JSON value is there and not a JSON null. */
  jsonPresent(x: string): string;
  /** A typed SQL value as JSON. */
  toJson(x: string): string;
  /** The JSON text of a JSON value, for the result rows. */
  jsonText(x: string): string;
  /** A partial (search) regex match. */
  regexSearch(s: string, pattern: string): string;
  /** A whole-string regex match. */
  regexFull(s: string, pattern: string): string;
  /** The text of a capture group (`''` or NULL when there is no match: test with regexSearch first). */
  regexExtract(s: string, pattern: string, group: number): string;
  /** Substring test. */
  contains(s: string, sub: string): string;
  startsWith(s: string, prefix: string): string;
  endsWith(s: string, suffix: string): string;
  /** The value of `v` in the row where `key` is largest / smallest. */
  argMax(v: string, key: string): string;
  argMin(v: string, key: string): string;
  /** A composite (lexicographically ordered) key. */
  row(parts: readonly string[]): string;
  /** The `YYYY-MM-DD HH:MM:SS.mmm` UTC text of epoch milliseconds. */
  formatMillis(ms: string): string;
  /** Concatenates the transformed chunks of a string (chunk-order key). */
  chunkKey(
    s: string,
    chunkPattern: string,
    digitRun: (c: string) => string,
    letterRun: (c: string) => string,
  ): string;
  /** The nearest-rank percentile (exact on DuckDB; approximate on Trino). */
  percentile(x: string, percent: number): string;
  /** A finite-number test. */
  isFinite(x: string): string;
  /** The integer of a double (for exact integer formatting). */
  integerText(x: string): string;
  /** A power. */
  power(x: string, y: string): string;
  /** The sum of doubles (DuckDB: Kahan–Babuška). */
  sum(x: string): string;
  /** The last non-NULL value of `x` over a window (`over`: the window's PARTITION BY / ORDER BY / frame). */
  lastValueIgnoreNulls(x: string, over: string): string;
}

const DUCKDB: Dialect = {
  name: 'duckdb',
  jsonString: (x) => `CASE WHEN json_type(${x}) = 'VARCHAR' THEN (${x} ->> '$') END`,
  jsonNumber: (x) =>
    `CASE WHEN json_type(${x}) IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT') THEN CAST(${x} AS DOUBLE) END`,
  jsonBoolean: (x) => `CASE WHEN json_type(${x}) = 'BOOLEAN' THEN CAST(${x} AS BOOLEAN) END`,
  jsonPresent: (x) => `(${x} IS NOT NULL AND json_type(${x}) <> 'NULL')`,
  toJson: (x) => `to_json(${x})`,
  jsonText: (x) => `CAST(${x} AS VARCHAR)`,
  regexSearch: (s, p) => `regexp_matches(${s}, ${p})`,
  regexFull: (s, p) => `regexp_full_match(${s}, ${p})`,
  regexExtract: (s, p, g) => `regexp_extract(${s}, ${p}, ${g})`,
  contains: (s, sub) => `contains(${s}, ${sub})`,
  startsWith: (s, x) => `starts_with(${s}, ${x})`,
  endsWith: (s, x) => `ends_with(${s}, ${x})`,
  argMax: (v, k) => `arg_max(${v}, ${k})`,
  argMin: (v, k) => `arg_min(${v}, ${k})`,
  row: (parts) => `row(${parts.join(', ')})`,
  formatMillis: (ms) => `strftime(epoch_ms(CAST(${ms} AS BIGINT)), '%Y-%m-%d %H:%M:%S.%g')`,
  chunkKey: (s, re, digit, letter) =>
    `array_to_string(list_transform(regexp_extract_all(${s}, ${re}), c -> CASE WHEN regexp_full_match(c, '[0-9]+') THEN ${digit('c')} WHEN regexp_full_match(c, '\\p{L}+') THEN ${letter('c')} ELSE c END), '')`,
  percentile: (x, p) =>
    `list_extract(list_sort(list(${x}) FILTER (WHERE ${x} IS NOT NULL)), CAST(greatest(1, ceil((${p} / 100.0) * count(${x}))) AS BIGINT))`,
  isFinite: (x) => `isfinite(${x})`,
  integerText: (x) => `CAST(CAST(${x} AS HUGEINT) AS VARCHAR)`,
  power: (x, y) => `pow(${x}, ${y})`,
  // Exact for integers (a HUGEINT sum, rounded once); Kahan–Babuška otherwise.
  sum: (x) =>
    `CASE WHEN count(${x}) = 0 THEN NULL WHEN bool_and(${x} = trunc(${x}) AND abs(${x}) < 9.2e18) THEN CAST(sum(CAST(${x} AS HUGEINT)) AS DOUBLE) ELSE fsum(${x}) END`,
  lastValueIgnoreNulls: (x, over) => `last_value(${x} IGNORE NULLS) OVER (${over})`,
};

const TRINO: Dialect = {
  name: 'trino',
  jsonString: (x) => `CASE WHEN json_format(${x}) LIKE '"%' THEN json_extract_scalar(${x}, '$') END`,
  jsonNumber: (x) => `CASE WHEN regexp_like(json_format(${x}), '^-?[0-9]') THEN CAST(${x} AS DOUBLE) END`,
  jsonBoolean: (x) => `CASE WHEN json_format(${x}) IN ('true', 'false') THEN CAST(${x} AS BOOLEAN) END`,
  jsonPresent: (x) => `(${x} IS NOT NULL AND json_format(${x}) <> 'null')`,
  toJson: (x) => `CAST(${x} AS JSON)`,
  jsonText: (x) => `json_format(${x})`,
  regexSearch: (s, p) => `regexp_like(${s}, ${p})`,
  regexFull: (s, p) => `regexp_like(${s}, '^(?:' || ${p} || ')$')`,
  regexExtract: (s, p, g) => `regexp_extract(${s}, ${p}, ${g})`,
  contains: (s, sub) => `(strpos(${s}, ${sub}) > 0)`,
  startsWith: (s, x) => `starts_with(${s}, ${x})`,
  endsWith: (s, x) =>
    `(substr(${s}, greatest(length(${s}) - length(${x}) + 1, 1)) = ${x} AND length(${s}) >= length(${x}))`,
  argMax: (v, k) => `max_by(${v}, ${k})`,
  argMin: (v, k) => `min_by(${v}, ${k})`,
  row: (parts) => `ROW(${parts.join(', ')})`,
  formatMillis: (ms) =>
    `format_datetime(from_unixtime(CAST(${ms} AS DOUBLE) / 1000.0, 'UTC'), 'yyyy-MM-dd HH:mm:ss.SSS')`,
  chunkKey: (s, re, digit, letter) =>
    `array_join(transform(regexp_extract_all(${s}, ${re}), c -> CASE WHEN regexp_like(c, '^[0-9]+$') THEN ${digit('c')} WHEN regexp_like(c, '^\\p{L}+$') THEN ${letter('c')} ELSE c END), '')`,
  percentile: (x, p) => `approx_percentile(${x}, ${p / 100})`,
  isFinite: (x) => `is_finite(${x})`,
  integerText: (x) => `CAST(CAST(${x} AS DECIMAL(38, 0)) AS VARCHAR)`,
  power: (x, y) => `power(${x}, ${y})`,
  sum: (x) => `sum(${x})`,
  lastValueIgnoreNulls: (x, over) => `last_value(${x}) IGNORE NULLS OVER (${over})`,
};

/**
 * The dialect table of a name.
 *
 * @internal
 */
export function dialectOf(name: SqlDialectName): Dialect {
  return name === 'trino' ? TRINO : DUCKDB;
}

/**
 * A SQL string literal (single quotes doubled).
 *
 * @internal
 */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * A quoted SQL identifier (double quotes doubled).
 *
 * @internal
 */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
