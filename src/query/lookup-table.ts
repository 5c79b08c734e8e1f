/**
 * Lookup tables for `lookup` and `cidrlookup`: named tables of columns and
 * rows that the caller supplies (the service's uploaded CSV lookup tables;
 * offline, a local CSV file loaded by `loadLookupTable` in `src/run`, or
 * rows in memory). The engine never reads files itself.
 *
 * @module
 */
import { QueryError } from './errors.js';
import type { Value } from './value.js';

/**
 * A lookup table: a header of column names and rows of cells, in order.
 *
 * @example
 * ```ts
 * import { compileQuery, type LookupTable, lookupTableFromRecords, readLogs } from 'kubetrail/engine';
 * const owners: LookupTable = lookupTableFromRecords('owners', [
 *   { user: 'alice', team: 'platform' },
 *   { user: 'ci-deployer', team: 'delivery' },
 * ]);
 * const q = compileQuery('lookup owners user as user.username OUTPUT team | stats count(*) by team', { lookups: { owners } });
 * const { rows } = await q.run(readLogs('samples/incident/'));
 * ```
 */
export interface LookupTable {
  /** The name queries use (`lookup users …`). */
  readonly name: string;
  /** Column names, from the header row. */
  readonly columns: readonly string[];
  /** One cell per column per row; CSV cells are strings. */
  readonly rows: readonly (readonly Value[])[];
  /** The file the table was read from, for errors. */
  readonly file?: string | undefined;
  /** The 1-based line of each row in `file`, for errors. */
  readonly lines?: readonly number[] | undefined;
}

/**
 * The service's cap on a lookup table's CSV body (10 MB); also the default
 * cap of `loadLookupTable`.
 *
 * @example
 * ```ts
 * MAX_LOOKUP_TABLE_BYTES //=> 10485760
 * ```
 */
export const MAX_LOOKUP_TABLE_BYTES = 10 * 1024 * 1024;

function badTable(name: string, message: string): QueryError {
  return new QueryError({
    code: 'invalid_lookup_table',
    message: `lookup table "${name}": ${message}`,
    phase: 'run',
    span: { start: 0, end: 0 },
    source: '',
  });
}

/**
 * Makes a lookup table from rows in memory: the columns are the rows' keys
 * in order of first appearance; a cell a row lacks is missing.
 *
 * @throws {QueryError} `bad_lookup_table` when a row is not a plain object or a cell is not a string, number, boolean or null.
 * @example
 * ```ts
 * lookupTableFromRecords('users', [{ id: '1', name: 'ana' }]).columns //=> ['id', 'name']
 * ```
 */
export function lookupTableFromRecords(
  name: string,
  records: readonly Readonly<Record<string, unknown>>[],
): LookupTable {
  const columns: string[] = [];
  const seen = new Map<string, number>();
  records.forEach((record, i) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record))
      throw badTable(name, `row ${i + 1} is not an object of cells`);
    for (const key of Object.keys(record)) {
      if (seen.has(key)) continue;
      seen.set(key, columns.length);
      columns.push(key);
    }
  });
  const rows = records.map((record, i) =>
    columns.map((column) => {
      const v = Object.hasOwn(record, column) ? record[column] : undefined;
      if (v === undefined || v === null || ['string', 'number', 'boolean'].includes(typeof v))
        return v as Value;
      throw badTable(
        name,
        `row ${i + 1}, column "${column}": a cell must be a string, number, boolean or null`,
      );
    }),
  );
  return { name, columns, rows };
}

/**
 * Where row `i` of a table came from, for messages: `file line N`, or `row N`.
 *
 * @example
 * ```ts
 * rowPlace({ name: 't', columns: [], rows: [], file: 'nets.csv', lines: [2] }, 0) //=> 'nets.csv line 2'
 * ```
 */
export function rowPlace(table: LookupTable, i: number): string {
  const line = table.lines?.[i];
  if (table.file !== undefined && line !== undefined) return `${table.file} line ${line}`;
  if (table.file !== undefined) return `${table.file} row ${i + 1}`;
  return `row ${i + 1}`;
}
