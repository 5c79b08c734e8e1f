/**
 * A query run on the calling thread: the reader, the raw prefilter and the
 * compiled query joined, with the statistics merged at the end.
 *
 * @module
 */
import type { QueryAst } from '../query/ast.js';
import { compileQuery } from '../query/index.js';
import { readLogs } from '../read/read-logs.js';
import type { ReadLogsOptions } from '../read/read-options.js';
import type { LogInput } from '../read/sources.js';
import { hookedEvents, readOptionsOf, spillOption, toCompileOptions } from './options.js';
import { rereadOf, sideOptions } from './side-inputs.js';
import { emptyStatistics, mergeStatistics } from './statistics.js';
import type { QueryLogsOptions, QueryLogsStream } from './types.js';

/**
 * The inputs as a list.
 *
 * @example
 * ```ts
 * asInputs('a.ndjson') //=> ['a.ndjson']
 * ```
 * @internal
 */
export function asInputs(input: LogInput | readonly LogInput[]): LogInput[] {
  return Array.isArray(input) ? [...(input as readonly LogInput[])] : [input as LogInput];
}

/**
 * Runs a query over logs on the calling thread, whatever `options.workers`
 * says. The query is compiled before any input is read.
 *
 * @throws {QueryError} when the query does not compile.
 * @example
 * ```ts
 * for await (const row of queryStreamOneThread('samples/incident/', 'stats count(*)', {})) console.log(row);
 * ```
 * @internal
 */
export function queryStreamOneThread(
  input: LogInput | readonly LogInput[],
  text: string | QueryAst,
  options: QueryLogsOptions,
): QueryLogsStream {
  const inputs = asInputs(input);
  // sources are read whole (no prefilter of this query applies to them), with their own log-group names
  const sideRead: ReadLogsOptions = {
    onError: options.onError ?? 'throw',
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const compiled = compileQuery(text, {
    ...toCompileOptions(options),
    ...spillOption(options),
    ...sideOptions(options, sideRead),
  });
  const reader = readLogs(inputs, readOptionsOf(options, compiled.prefilter));
  const reread = rereadOf(inputs, readOptionsOf({ ...options, prefilter: false }, { clauses: [] }));
  const stream = compiled.stream(hookedEvents(reader, options), {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(reread === undefined ? {} : { input: reread }),
  });
  let statistics = emptyStatistics();
  return {
    get statistics() {
      return statistics;
    },
    columns: compiled.columns,
    async *[Symbol.asyncIterator]() {
      try {
        yield* stream;
      } finally {
        statistics = mergeStatistics(stream.statistics, reader.summary);
        options.onReadSummary?.(reader.summary);
      }
    },
  };
}
