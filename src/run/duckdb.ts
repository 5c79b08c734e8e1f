/**
 * A query run on the DuckDB engine (`engine: 'duckdb'`).
 *
 * @module
 */
import type { LogEvent } from '../log-event.js';
import type { QueryAst } from '../query/ast.js';
import { compileQuery, printQuery } from '../query/index.js';
import { SYSTEM_FIELDS } from '../query/row.js';
import { readLogs } from '../read/read-logs.js';
import type { LogInput } from '../read/sources.js';
import { runOnDuckdb } from '../sql/duckdb-engine.js';
import { planRawRead, queryObstacle, type RawReadPlan, type ReadProgress } from '../sql/duckdb-raw-read.js';
import { SqlEngineError } from '../sql/errors.js';
import { loneSurrogateReasonOf } from '../sql/lone-surrogate.js';
import { asInputs, queryStreamOneThread } from './one-thread.js';
import { hookedEvents, readOptionsOf, toCompileOptions } from './options.js';
import { canReadAgain } from './side-inputs.js';
import { emptyStatistics, mergeStatistics } from './statistics.js';
import type { QueryLogsOptions, QueryLogsStream } from './types.js';

/** Inputs that are all `.parquet` files, or one `.duckdb` file (copies made by `importEvents`). */
function importedSource(
  inputs: readonly LogInput[],
): { parquet: string[] } | { database: string } | undefined {
  if (inputs.length === 0 || !inputs.every((i) => typeof i === 'string')) return undefined;
  const paths = inputs as string[];
  if (paths.every((p) => p.endsWith('.parquet'))) return { parquet: paths };
  if (paths.length === 1 && (paths[0] as string).endsWith('.duckdb')) return { database: paths[0] as string };
  return undefined;
}

/** A hook that tells `onProgress` the records and message bytes so far. */
function progressTicker(onProgress: (progress: ReadProgress) => void): (event: LogEvent) => void {
  let records = 0;
  let bytes = 0;
  return (event) => {
    records++;
    bytes += event.message.length + 1;
    onProgress({ records, bytes, file: event.source.file, offset: event.source.offset });
  };
}

/** The options with `duckdb.onProgress` told after each event the readers yield (as an `onEvent` hook after the caller's). */
function withProgress(options: QueryLogsOptions): QueryLogsOptions {
  const onProgress = options.duckdb?.onProgress;
  if (onProgress === undefined) return options;
  const tick = progressTicker(onProgress);
  const own = options.onEvent;
  return {
    ...options,
    onEvent:
      own === undefined
        ? tick
        : (event) => {
            own(event);
            tick(event);
          },
  };
}

/**
 * `queryStream` on the DuckDB engine: kubetrail's readers feed DuckDB; rows
 * come back in the engine's shape.
 *
 * @throws {QueryError} when the query does not compile.
 * @example
 * ```ts
 * for await (const row of queryStreamDuckdb('samples/incident/', 'stats count(*)', {})) console.log(row);
 * ```
 * @internal
 */
export function queryStreamDuckdb(
  input: LogInput | readonly LogInput[],
  text: string | QueryAst,
  options: QueryLogsOptions,
): QueryLogsStream {
  const queryText = typeof text === 'string' ? text : printQuery(text);
  const compiled = compileQuery(queryText, toCompileOptions(options));
  let statistics = emptyStatistics();
  return {
    get statistics() {
      return statistics;
    },
    columns: compiled.columns,
    async *[Symbol.asyncIterator]() {
      const inputs = asInputs(input);
      const imported = importedSource(inputs);
      if (imported !== undefined) {
        // A copy made by kubetrail import: DuckDB reads it directly.
        const result = await runOnDuckdb(queryText, [], {
          ...toCompileOptions(options),
          ...options.duckdb,
          source: imported,
        });
        statistics = { ...emptyStatistics(), ...result.statistics };
        yield* result.rows;
        return;
      }
      const readOptions = readOptionsOf(options, compiled.prefilter);
      const reader = readLogs(inputs, readOptions);
      // Plain audit NDJSON files: DuckDB reads them itself (the default) when every line passes its check.
      const onRawRead = options.duckdb?.onRawRead;
      const fields = [...compiled.referencedFields].filter((n) => !SYSTEM_FIELDS.includes(n));
      const needsEvents = options.onEvent !== undefined || options.tapEvents !== undefined;
      const obstacle =
        options.duckdb?.readRaw === false
          ? 'readRaw is off'
          : queryObstacle({ fields, needsEvents }, readOptions);
      const onProgress = options.duckdb?.onProgress;
      const planned: RawReadPlan | string = obstacle ?? (await planRawRead(inputs, readOptions));
      const plan =
        typeof planned === 'string' || onProgress === undefined ? planned : { ...planned, onProgress };
      if (typeof plan === 'string') onRawRead?.({ path: 'readers', reason: plan });
      const events = hookedEvents(reader, withProgress(options));
      let result: Awaited<ReturnType<typeof runOnDuckdb>>;
      try {
        result = await runOnDuckdb(queryText, events, {
          ...toCompileOptions(options),
          ...options.duckdb,
          signal: options.signal,
          ...(typeof plan === 'string' ? {} : { raw: { plan, summary: reader.summary } }),
        });
      } catch (error) {
        // DuckDB cannot store a lone surrogate: the streaming engine runs the query, if the input can be read again
        if (!(error instanceof SqlEngineError && error.code === 'lone_surrogate') || !canReadAgain(inputs))
          throw error;
        // (a new progress count: the streaming run reads from the start)
        const streaming = queryStreamOneThread(inputs, text, {
          ...withProgress(options),
          engine: 'streaming',
        });
        yield* streaming;
        statistics = {
          ...streaming.statistics,
          engineFallback: `the streaming engine ran the query: ${loneSurrogateReasonOf(error)}`,
        };
        return;
      }
      statistics = mergeStatistics(result.statistics, reader.summary);
      options.onReadSummary?.(reader.summary);
      yield* result.rows;
    },
  };
}
