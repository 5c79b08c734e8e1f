/**
 * The one-call API: read logs and run a Logs Insights query over them.
 *
 * `query` joins {@link readLogs} and {@link compileQuery} and merges their
 * statistics, so that `recordsScanned` counts every record the reader read,
 * including those its prefilter rejected before parsing, and the reader's
 * skip counts travel with the result. It picks the engine: one thread, worker
 * threads (`workers`, see `src/parallel/`) or DuckDB (`engine: 'duckdb'`).
 *
 * @module
 */
import { parallelRunOf } from '../parallel/parallel-run.js';
import { queryParallel } from '../parallel/query-parallel.js';
import type { QueryAst } from '../query/ast.js';
import { columnsOf, type ResultRow } from '../query/results.js';
import type { LogInput } from '../read/sources.js';
import { queryStreamDuckdb } from './duckdb.js';
import { queryStreamOneThread } from './one-thread.js';
import { usesSideInputs } from './side-inputs.js';
import type { QueryLogsOptions, QueryLogsResult, QueryLogsStream } from './types.js';

/**
 * Runs a query over logs and yields rows as the engine produces them.
 * The query is compiled before any input is read, so a bad query fails fast.
 *
 * @throws {QueryError} when the query does not compile.
 * @throws {InputError} under `onError: 'throw'`, at the first bad record.
 * @example
 * ```ts
 * const rows = queryStream('samples/incident/', 'filter verb = "delete" | fields @timestamp, objectRef.name');
 * for await (const row of rows) console.log(row);
 * console.log(rows.statistics.recordsScanned);
 * ```
 */
export function queryStream(
  input: LogInput | readonly LogInput[],
  text: string | QueryAst,
  options: QueryLogsOptions = {},
): QueryLogsStream {
  if (options.engine === 'duckdb') return queryStreamDuckdb(input, text, options);
  // a tap on the events needs them on this thread, and so do the sources and tables of joins and lookups
  const run =
    options.tapEvents === undefined && !usesSideInputs(text) ? parallelRunOf(options.workers) : undefined;
  return run === undefined
    ? queryStreamOneThread(input, text, options)
    : queryParallel(input, text, options, run, queryStreamOneThread);
}

/**
 * Runs a query over logs and collects the result.
 *
 * @throws {QueryError} when the query does not compile.
 * @throws {InputError} under `onError: 'throw'`, at the first bad record.
 * @example
 * ```ts
 * const result = await query('samples/incident/', 'stats count(*) by verb');
 * result.rows //=> [{ verb: 'get', 'count(*)': 1234 }, …]
 * ```
 */
export async function query(
  input: LogInput | readonly LogInput[],
  text: string | QueryAst,
  options: QueryLogsOptions = {},
): Promise<QueryLogsResult> {
  const stream = queryStream(input, text, options);
  const rows: ResultRow[] = [];
  for await (const row of stream) rows.push(row);
  return { rows, fields: columnsOf(rows, stream.columns), statistics: stream.statistics };
}
