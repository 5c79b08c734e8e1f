/**
 * The types of the one-call API: its options, its statistics and its results.
 *
 * @module
 */
import type { LogEvent, LogSource } from '../log-event.js';
import type { QueryResult, QueryStatistics, ResultRow } from '../query/results.js';
import type { ReadSummary, Rejection, SKIP_SAMPLES } from '../read/read-summary.js';
import type { DuckdbEngineOptions } from '../sql/duckdb-engine.js';
import type { LookupInput, SourceInput } from './side-inputs.js';

/**
 * Options of {@link query} and {@link queryStream}.
 *
 * @example
 * ```ts
 * const options: QueryLogsOptions = { workers: 'auto', limit: 50, startTime: Date.parse('2024-05-14T00:00:00Z') };
 * const { rows } = await query('samples/incident/', 'filter verb = "create"', options);
 * ```
 */
export interface QueryLogsOptions {
  /** Inclusive window on `@timestamp`, epoch ms. */
  readonly startTime?: number;
  /** Inclusive window on `@timestamp`, epoch ms. */
  readonly endTime?: number;
  /** Row cap. @defaultValue 10000 */
  readonly limit?: number;
  /** Epoch ms for `now()`. @defaultValue the wall clock */
  readonly now?: number;
  /** Bound on rows any buffering stage may hold before `resource_limit`. @defaultValue no bound (the byte budget bounds memory) */
  readonly maxBufferedRows?: number;
  /**
   * The byte budget of the query's buffering stages together (see
   * `CompileOptions.memoryBudgetBytes`). At it `sort`, `dedup` and `stats`
   * spill to temporary files and finish with the exact result.
   * @defaultValue 64 MiB (the process stays under 256 MB RSS)
   */
  readonly memoryBudgetBytes?: number;
  /** Directory for the spill files; they are removed when the query ends, fails or is cancelled. @defaultValue `os.tmpdir()` */
  readonly tempDir?: string;
  /** `'throw'` stops at the first bad record; `'skip'` counts it and goes on. @defaultValue 'throw' (as readLogs) */
  readonly onError?: 'throw' | 'skip';
  /** `@logStream` for records whose input does not carry one. */
  readonly logStream?: string;
  /** `@log` for records whose input does not carry one. */
  readonly logGroup?: string;
  readonly signal?: AbortSignal;
  /**
   * Skip records before parsing when their raw bytes lack a literal the
   * query's filters require (see {@link toRawPrefilter}); `false` parses
   * every record. Results are the same either way.
   * @defaultValue true
   */
  readonly prefilter?: boolean;
  /**
   * Worker threads for queries over files: `N` of 2 or more splits the
   * files (and byte ranges of big plain NDJSON files) across N threads when
   * the query's first `stats` can be computed per partition (the partial
   * aggregates are merged exactly), or when its first sort — or the default
   * newest-first order — is bounded by a limit (each partition hands over
   * its top K events and the query runs once more over them; not for queries
   * the raw prefilter narrows, nor beyond 5,000 candidates in all);
   * `'auto'` uses every available core when the
   * inputs total 64 MiB or more. Rows and statistics are the same as on one
   * thread; queries that cannot be split run on one thread.
   * See `docs/performance.md`.
   * @defaultValue 1 (the calling thread)
   */
  readonly workers?: number | 'auto';
  /**
   * The engine that evaluates the query: `'streaming'` (kubetrail's own), or
   * `'duckdb'`: the query compiled to SQL (`compileToSql`) and run on an
   * embedded DuckDB over the same events, with the same rows and statistics
   * (needs the optional dependency `@duckdb/node-api`; constructs the
   * compiler does not translate fail with `sql_unsupported`). See
   * `docs/scale-out.md`.
   * @defaultValue 'streaming'
   */
  readonly engine?: 'streaming' | 'duckdb';
  /** DuckDB settings for `engine: 'duckdb'`: memory limit (default 200MB), spill directory, threads. */
  readonly duckdb?: DuckdbEngineOptions;
  /**
   * Called with each event the reader yields, before the engine sees it, on
   * the calling thread: for progress meters. Runs split across worker
   * threads read in the workers and do not call it.
   */
  readonly onEvent?: (event: LogEvent) => void;
  /**
   * A stage between the reader and the engine: it gets the events read and
   * returns the events the query runs over (e.g. a tee that feeds a second
   * query). The run stays on the calling thread when it is given.
   */
  readonly tapEvents?: (events: AsyncIterable<LogEvent>) => AsyncIterable<LogEvent>;
  /**
   * Called once with the reader's summary (files read, skips, faults) when
   * a read on the calling thread ends; runs split across worker threads
   * report only the counts in the statistics.
   */
  readonly onReadSummary?: (summary: ReadSummary) => void;
  /**
   * The inputs that `SOURCE '<name>'` selects inside a `join` or a subquery
   * (`filter requestId in (SOURCE 'fn' | … )`): a name → paths (read like
   * the query's input; records without a log group get the name as `@log`)
   * or log events. Nothing is fetched: a `SOURCE` naming anything else is
   * an `unknown_source` error. An inner query without `SOURCE` reads the
   * query's own input again. Queries that use it run on the calling thread.
   * See docs/query-language.md (join, subqueries).
   */
  readonly sources?: Readonly<Record<string, SourceInput>>;
  /**
   * The tables of `lookup` and `cidrlookup`: a name → the path of a CSV
   * file (header row = columns, UTF-8, at most 10 MB; bad tables are an
   * `InputError` naming the file and line), or rows as objects, or a table.
   * Queries that use it run on the calling thread.
   */
  readonly lookups?: Readonly<Record<string, LookupInput>>;
}

/**
 * Query statistics plus what the reader skipped. Records add up: every
 * record read was scanned (`recordsScanned`, of which `recordsMatched`
 * matched) or skipped (`recordsSkipped`); whole files the reader could not
 * or would not read are `filesSkipped`, apart.
 *
 * @example
 * ```ts
 * import { query, type QueryLogsStatistics } from 'kubetrail/engine';
 * const { statistics } = await query('samples/incident/', 'stats count(*)', { onError: 'skip' });
 * const s: QueryLogsStatistics = statistics;
 * console.log(s.recordsScanned, s.recordsSkipped, s.skippedByReason, s.filesSkippedByReason ?? {});
 * ```
 */
export interface QueryLogsStatistics extends QueryStatistics {
  /** Records the reader skipped as invalid or unusable (bad lines, CONTROL_MESSAGEs, …). */
  readonly recordsSkipped: number;
  /** Skipped records by reason code (`skipped` for records skipped on purpose). */
  readonly skippedByReason: Readonly<Record<string, number>>;
  /**
   * Files skipped whole: faults (`unreadable_file`, `bad_gzip`,
   * `truncated_gzip`, `unknown_format`, …) and files skipped on purpose
   * (`digest`, `unknown_format` of a file found by a walk, `dot_file`,
   * `symlink_loop`, `special_file`).
   */
  readonly filesSkipped?: number;
  /** {@link QueryLogsStatistics.filesSkipped} by reason. */
  readonly filesSkippedByReason?: Readonly<Record<string, number>>;
  /** The first located skips and file faults, in input order (at most {@link SKIP_SAMPLES}). */
  readonly firstSkips?: readonly Rejection[];
  /** Events read whose time is not a valid date: their `@timestamp` is null and no time window includes them. */
  readonly invalidTimestamps?: number;
  /** Where the first of them are. */
  readonly invalidTimestampSamples?: readonly LogSource[];
  /**
   * Set when `engine: 'duckdb'` ran the query on the streaming engine after
   * all, and why (an event held a lone surrogate, which DuckDB cannot store:
   * error code `lone_surrogate`). Rows and the other statistics are then the
   * streaming engine's; `onEvent`, `tapEvents` and `duckdb.onProgress` see
   * the events again from the start.
   */
  readonly engineFallback?: string;
}

/**
 * The result of {@link query}.
 *
 * @example
 * ```ts
 * const result: QueryLogsResult = await query('samples/incident/', 'stats count(*) by verb');
 * console.log(result.rows.length, result.statistics.recordsMatched, result.statistics.recordsScanned);
 * ```
 */
export interface QueryLogsResult extends QueryResult {
  readonly statistics: QueryLogsStatistics;
}

/**
 * The streaming result of {@link queryStream}: rows as they come, statistics at the end.
 *
 * @example
 * ```ts
 * const stream: QueryLogsStream = queryStream('samples/incident/', 'fields @timestamp, verb');
 * for await (const row of stream) console.log(row.verb);
 * console.log(stream.statistics.recordsScanned);
 * ```
 */
export interface QueryLogsStream extends AsyncIterable<ResultRow> {
  /** Final once iteration has ended. */
  readonly statistics: QueryLogsStatistics;
  /** The query's result columns in declared order (see `CompiledQuery.columns`). */
  readonly columns: readonly string[];
}
