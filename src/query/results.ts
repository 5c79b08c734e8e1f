/**
 * Query results: the rows a query returns, its statistics, and the
 * get-query-results JSON form (`toInsightsResults`).
 *
 * @module
 */
import { valueToResultString } from './semantics/format.js';
import type { Value } from './value.js';

/**
 * One result row: a plain object whose own keys are the cells, in column
 * order. A cell with no value is absent (rows are ragged, like the
 * service's). Read a cell with `Object.hasOwn(row, name)` first: a row
 * without a `constructor` cell still inherits `Object.prototype.constructor`.
 * Values keep their types (numbers stay numbers, `@timestamp` is a `Date`).
 *
 * @example
 * ```ts
 * const { rows } = await query('samples/incident/', 'stats count(*) as n by verb');
 * const counts = rows.map((row: ResultRow) => (Object.hasOwn(row, 'n') ? row.n : undefined));
 * ```
 */
export type ResultRow = Readonly<Record<string, Value>>;

/**
 * How much a query read and matched, as in the service's `statistics`.
 *
 * @example
 * ```ts
 * import { compileQuery, type QueryStatistics, readLogs } from 'kubetrail/engine';
 * const { statistics } = await compileQuery('filter verb = "delete"').run(readLogs('samples/incident/'));
 * const s: QueryStatistics = statistics;
 * console.log(`${s.recordsMatched} of ${s.recordsScanned} records matched, ${s.bytesScanned} bytes scanned`);
 * ```
 */
export interface QueryStatistics {
  /** Rows that passed every filter (before `stats`, `dedup` and the final `limit`). */
  readonly recordsMatched: number;
  /** Events read from the input, inside or outside the query's time window. */
  readonly recordsScanned: number;
  /** UTF-8 bytes of `@message` of the scanned events. */
  readonly bytesScanned: number;
}

/**
 * The rows of a finished query.
 *
 * @example
 * ```ts
 * const result: QueryResult = await compileQuery('fields verb | limit 3').run(readLogs('samples/incident/'));
 * result.fields; //=> ['verb']
 * result.statistics.recordsScanned;
 * ```
 */
export interface QueryResult {
  readonly rows: readonly ResultRow[];
  /** Column names in order: the union over rows in order of first appearance. */
  readonly fields: readonly string[];
  readonly statistics: QueryStatistics;
}

/** One cell of get-query-results output. */
export interface InsightsResultField {
  readonly field: string;
  readonly value: string;
}

/**
 * The JSON the service's `GetQueryResults` returns for a completed query.
 *
 * @example
 * ```ts
 * import { compileQuery, type InsightsResults, readLogs, toInsightsResults } from 'kubetrail/engine';
 * const result = await compileQuery('filter ispresent(verb) | stats count(*) as n by verb').run(readLogs('samples/incident/'));
 * const json: InsightsResults = toInsightsResults(result); // as GetQueryResults returns it: every value a string
 * console.log(JSON.stringify(json.results[0])); // [{"field":"verb","value":"watch"},{"field":"n","value":"636"}]
 * ```
 */
export interface InsightsResults {
  readonly status: 'Complete';
  readonly results: readonly (readonly InsightsResultField[])[];
  readonly statistics: QueryStatistics;
}

/**
 * Makes a result row from column names and values, leaving out cells with no
 * value (missing or `null`). The row is a plain object (it prints as one in
 * `console.log`) whose keys are all own data properties: a column named
 * `__proto__` is defined, not assigned, so it never sets the prototype, and
 * `constructor` or `prototype` columns shadow nothing outside the row.
 *
 * @example
 * ```ts
 * const row = makeResultRow([['__proto__', 'x'], ['n', 1]]);
 * Object.keys(row); //=> ['__proto__', 'n']
 * Object.getPrototypeOf(row) === Object.prototype; //=> true
 * ```
 * @internal
 */
export function makeResultRow(entries: Iterable<readonly [string, Value]>): ResultRow {
  const row: Record<string, Value> = {};
  for (const [name, value] of entries) {
    if (value === undefined || value === null) continue;
    if (name === '__proto__') {
      Object.defineProperty(row, name, { value, enumerable: true, writable: true, configurable: true });
    } else {
      row[name] = value;
    }
  }
  return row;
}

/**
 * Lists the columns of result rows: the query's own columns first, in the
 * order it declares them (`stats` groups, then its items; `fields` in the
 * order written), those that occur in some row; then any other key in order
 * of first appearance (`@ptr`). So `stats count(*) as n by ns` gives
 * `ns, n` even when its first row is the group with no `ns`.
 *
 * @example
 * ```ts
 * columnsOf([{ n: 3 }, { ns: 'default', n: 5 }], ['ns', 'n']); //=> ['ns', 'n']
 * ```
 * @internal
 */
export function columnsOf(rows: Iterable<ResultRow>, declared: readonly string[] = []): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return orderColumns(seen, declared);
}

/**
 * Orders the column names seen (in order of first appearance) by the
 * query's declared columns, as {@link columnsOf} does.
 *
 * @example
 * ```ts
 * orderColumns(new Set(['n', '@ptr', 'ns']), ['ns', 'n']); //=> ['ns', 'n', '@ptr']
 * ```
 * @internal
 */
export function orderColumns(seen: ReadonlySet<string>, declared: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of declared) if (seen.has(name)) out.push(name);
  if (out.length === seen.size) return out;
  const placed = new Set(out);
  for (const name of seen) if (!placed.has(name)) out.push(name);
  return out;
}

/**
 * Converts a query result to the service's get-query-results JSON: every
 * value a string (timestamps as `YYYY-MM-DD HH:MM:SS.mmm` UTC, numbers
 * without exponent, maps and lists as JSON), cells without a value left out.
 *
 * @example
 * ```ts
 * toInsightsResults({
 *   rows: [{ '@timestamp': new Date(0), code: 503 }],
 *   fields: ['@timestamp', 'code'],
 *   statistics: { recordsMatched: 1, recordsScanned: 1, bytesScanned: 10 },
 * }).results
 * //=> [[{ field: '@timestamp', value: '1970-01-01 00:00:00.000' }, { field: 'code', value: '503' }]]
 * ```
 */
export function toInsightsResults(result: QueryResult): InsightsResults {
  const results = result.rows.map((row) => {
    const cells: InsightsResultField[] = [];
    for (const field of Object.keys(row)) {
      const value = valueToResultString(row[field]);
      if (value !== undefined) cells.push({ field, value });
    }
    return cells;
  });
  return { status: 'Complete', results, statistics: { ...result.statistics } };
}
