/**
 * The one-call API: read logs and run a Logs Insights query over them.
 *
 * `query` joins {@link readLogs} and {@link compileQuery} and merges their
 * statistics, so that `recordsScanned` counts every record the reader read,
 * including those its prefilter rejected before parsing, and the reader's
 * skip counts travel with the result.
 *
 * @module
 */
import type { LogSource } from './log-event.js';
import { parallelRunOf } from './parallel/parallel-run.js';
import { queryParallel } from './parallel/query-parallel.js';
import type { QueryAst } from './query/ast.js';
import { compileQuery, type Prefilter, printQuery, type SpillStore } from './query/index.js';
import { columnsOf, type QueryResult, type QueryStatistics, type ResultRow } from './query/results.js';
import { type ChunkSearchPrefilter, createMultiSearch } from './read/chunk-search.js';
import { type RawPrefilter, readLogs } from './read/index.js';
import { type ReadSummary, type Rejection, SKIP_SAMPLES } from './read/read-summary.js';
import type { LogInput } from './read/sources.js';
import { createFileSpillStore } from './spill-store.js';
import { type DuckdbEngineOptions, runOnDuckdb } from './sql/duckdb-engine.js';

/** Options of {@link query} and {@link queryStream}. */
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
}

/**
 * Query statistics plus what the reader skipped. Records add up: every
 * record read was scanned (`recordsScanned`, of which `recordsMatched`
 * matched) or skipped (`recordsSkipped`); whole files the reader could not
 * or would not read are `filesSkipped`, apart.
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
}

/** The result of {@link query}. */
export interface QueryLogsResult extends QueryResult {
  readonly statistics: QueryLogsStatistics;
}

/** The streaming result of {@link queryStream}: rows as they come, statistics at the end. */
export interface QueryLogsStream extends AsyncIterable<ResultRow> {
  /** Final once iteration has ended. */
  readonly statistics: QueryLogsStatistics;
  /** The query's result columns in declared order (see `CompiledQuery.columns`). */
  readonly columns: readonly string[];
}

function asInputs(input: LogInput | readonly LogInput[]): LogInput[] {
  return Array.isArray(input) ? [...(input as readonly LogInput[])] : [input as LogInput];
}

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
  const run = parallelRunOf(options.workers);
  return run === undefined
    ? queryStreamOneThread(input, text, options)
    : queryParallel(input, text, options, run, queryStreamOneThread);
}

/**
 * The statistics of a query stream before it has run.
 *
 * @example
 * ```ts
 * emptyStatistics().recordsScanned //=> 0
 * ```
 * @internal
 */
export function emptyStatistics(): QueryLogsStatistics {
  return { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0, recordsSkipped: 0, skippedByReason: {} };
}

/**
 * The engine options among {@link QueryLogsOptions}.
 *
 * @example
 * ```ts
 * toCompileOptions({ limit: 5, onError: 'skip' }) //=> { limit: 5 }
 * ```
 * (The spill store is not among them: it cannot cross to a worker; see {@link spillOption}.)
 * @internal
 */
export function toCompileOptions(options: QueryLogsOptions): {
  limit?: number;
  startTime?: number;
  endTime?: number;
  now?: number;
  maxBufferedRows?: number;
  memoryBudgetBytes?: number;
} {
  return {
    ...(options.memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes: options.memoryBudgetBytes }),
    ...(options.limit === undefined ? {} : { limit: options.limit }),
    ...(options.startTime === undefined ? {} : { startTime: options.startTime }),
    ...(options.endTime === undefined ? {} : { endTime: options.endTime }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.maxBufferedRows === undefined ? {} : { maxBufferedRows: options.maxBufferedRows }),
  };
}

/**
 * The `spill` compile option of a run on this thread: temporary files in
 * `options.tempDir` or the OS temp directory.
 *
 * @example
 * ```ts
 * compileQuery('sort x', { ...spillOption({ tempDir: '/var/tmp' }) });
 * ```
 * @internal
 */
export function spillOption(options: { readonly tempDir?: string | undefined }): { spill: () => SpillStore } {
  const tempDir = options.tempDir;
  return { spill: () => createFileSpillStore(tempDir === undefined ? {} : { tempDir }) };
}

function queryStreamOneThread(
  input: LogInput | readonly LogInput[],
  text: string | QueryAst,
  options: QueryLogsOptions,
): QueryLogsStream {
  const compiled = compileQuery(text, { ...toCompileOptions(options), ...spillOption(options) });
  const prefilter = options.prefilter === false ? undefined : toRawPrefilter(compiled.prefilter);
  const reader = readLogs(asInputs(input), {
    onError: options.onError ?? 'throw',
    ...(prefilter === undefined ? {} : { prefilter }),
    ...(options.logStream === undefined ? {} : { logStream: options.logStream }),
    ...(options.logGroup === undefined ? {} : { logGroup: options.logGroup }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const stream = compiled.stream(reader, options.signal === undefined ? {} : { signal: options.signal });
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
      }
    },
  };
}

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

/** `queryStream` on the DuckDB engine: kubetrail's readers feed DuckDB; rows come back in the engine's shape. */
function queryStreamDuckdb(
  input: LogInput | readonly LogInput[],
  text: string | QueryAst,
  options: QueryLogsOptions,
): QueryLogsStream {
  const queryText = typeof text === 'string' ? text : printQuery(text);
  const compiled = compileQuery(queryText, toCompileOptions(options));
  const prefilter = options.prefilter === false ? undefined : toRawPrefilter(compiled.prefilter);
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
      const reader = readLogs(inputs, {
        onError: options.onError ?? 'throw',
        ...(prefilter === undefined ? {} : { prefilter }),
        ...(options.logStream === undefined ? {} : { logStream: options.logStream }),
        ...(options.logGroup === undefined ? {} : { logGroup: options.logGroup }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      const result = await runOnDuckdb(queryText, reader, {
        ...toCompileOptions(options),
        ...options.duckdb,
        signal: options.signal,
      });
      statistics = mergeStatistics(result.statistics, reader.summary);
      yield* result.rows;
    },
  };
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

/**
 * Merges engine statistics with the reader's summary: `recordsScanned` adds
 * the records the reader's prefilter rejected before decoding (the engine
 * never saw them, but they were scanned); `bytesScanned` is the decompressed
 * input the reader scanned, when it read any; skipped records are the
 * reader's rejections and deliberate skips, by reason.
 *
 * @example
 * ```ts
 * mergeStatistics({ recordsMatched: 1, recordsScanned: 10, bytesScanned: 900 }, reader.summary)
 * //=> { recordsMatched: 1, recordsScanned: 12, bytesScanned: 1024, recordsSkipped: 1, skippedByReason: { bad_json_line: 1 } }
 * ```
 */
export function mergeStatistics(engine: QueryStatistics, summary: ReadSummary): QueryLogsStatistics {
  const skippedByReason: Record<string, number> = Object.create(null);
  for (const [code, n] of Object.entries(summary.rejectedByCode))
    if (n !== undefined && n > 0) skippedByReason[code] = n;
  if (summary.skipped > 0) skippedByReason.skipped = summary.skipped;
  const filesSkippedByReason: Record<string, number> = Object.create(null);
  const addFiles = (reason: string, n: number | undefined): void => {
    if (n !== undefined && n > 0) filesSkippedByReason[reason] = (filesSkippedByReason[reason] ?? 0) + n;
  };
  for (const [code, n] of Object.entries(summary.fileFaultsByCode)) addFiles(code, n);
  addFiles('digest', summary.digestFilesSkipped);
  addFiles('unknown_format', summary.unknownFilesSkipped);
  addFiles('dot_file', summary.dotFilesSkipped);
  addFiles('symlink_loop', summary.symlinksSkipped);
  addFiles('special_file', summary.specialFilesSkipped);
  let filesSkipped = 0;
  for (const n of Object.values(filesSkippedByReason)) filesSkipped += n;
  return {
    recordsMatched: engine.recordsMatched,
    recordsScanned: engine.recordsScanned + summary.prefiltered,
    bytesScanned: summary.bytesDecompressed > 0 ? summary.bytesDecompressed : engine.bytesScanned,
    recordsSkipped: summary.rejected + summary.skipped,
    skippedByReason,
    ...(filesSkipped > 0 ? { filesSkipped, filesSkippedByReason } : {}),
    ...(summary.rejections.length > 0 ? { firstSkips: summary.rejections.slice(0, SKIP_SAMPLES) } : {}),
    ...(summary.invalidTimestamps > 0
      ? {
          invalidTimestamps: summary.invalidTimestamps,
          invalidTimestampSamples: summary.invalidTimestampSamples.slice(0, SKIP_SAMPLES),
        }
      : {}),
  };
}

const SPACE = 0x20;
const OPEN_BRACE = 0x7b;
/** Literals the raw bytes cannot be trusted to contain verbatim (JSON structure, quoting, whitespace). */
const UNSAFE_LITERAL = /["\\\s:,{}[\]]|[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const encoder = new TextEncoder();
/** `\u`: a JSON escape that can spell any character. */
const ESCAPE_U = Buffer.from('\\u');
/** `\/`: the JSON escape of `/`. */
const ESCAPE_SLASH = Buffer.from('\\/');

/** Tells whether raw record bytes are JSON (`{…}`) or a CloudWatch export line carrying JSON (`<time> {…}`). */
function isJsonRecord(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end && (bytes[i] === SPACE || bytes[i] === 0x09)) i++;
  if (bytes[i] === OPEN_BRACE) return true;
  const limit = Math.min(end, i + 40);
  for (let j = i; j < limit; j++) if (bytes[j] === SPACE) return bytes[j + 1] === OPEN_BRACE;
  return false;
}

interface RawClause {
  readonly needles: readonly Buffer[];
  /** Whether a needle contains `/` (which JSON may write as `\/`). */
  readonly slash: boolean;
}

/** Shortest needle first is the most likely to occur: a clause with few, long needles is searched first. */
function clauseOrder(a: RawClause, b: RawClause): number {
  if (a.needles.length !== b.needles.length) return a.needles.length - b.needles.length;
  const shortest = (c: RawClause): number => Math.min(...c.needles.map((n) => n.length));
  return shortest(b) - shortest(a);
}

/**
 * Turns the engine's prefilter description into the reader's raw-bytes test.
 * It only ever rejects a record it can prove cannot match: it accepts every
 * record that is not JSON (text lines may carry derived fields) and ignores
 * literals that JSON could spell differently (quotes, backslashes,
 * whitespace, control characters). The literals it keeps can be hidden in
 * raw JSON only by a `\uXXXX` escape, or by `\/` for a `/`; so a record is
 * rejected only when it has no `\u` and some clause has none of its
 * literals (nor a `\/`, when a literal has a `/`). `\"`, `\\` and `\n`
 * cannot hide them. Returns `undefined` when nothing can be said.
 *
 * The test it returns can also search a whole chunk for the clause most
 * likely to be rare (fewest, longest literals) and its escapes, so that the
 * NDJSON reader rejects the JSON lines before the next hit without testing
 * them one by one (`query(…, { prefilter: false })` turns both off).
 *
 * @example
 * ```ts
 * const raw = toRawPrefilter(compileQuery('filter verb = "delete"').prefilter);
 * raw?.test(new TextEncoder().encode('{"verb":"get"}'), 0, 14) //=> false
 * ```
 */
export function toRawPrefilter(prefilter: Prefilter): RawPrefilter | undefined {
  const clauses: RawClause[] = [];
  for (const clause of prefilter.clauses) {
    if (clause.some((term) => UNSAFE_LITERAL.test(term.text))) continue; // the clause could hold anyway
    clauses.push({
      needles: clause.map((term) => Buffer.from(encoder.encode(term.text))),
      slash: clause.some((term) => term.text.includes('/')),
    });
  }
  if (clauses.length === 0) return undefined;
  clauses.sort(clauseOrder);
  const lead = clauses[0] as RawClause;
  const prefilterWithSearch: ChunkSearchPrefilter = {
    test(bytes, start, end) {
      if (!isJsonRecord(bytes, start, end)) return true;
      const view = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
      let uEscape: boolean | undefined;
      let slashEscape: boolean | undefined;
      for (const clause of clauses) {
        let found = false;
        for (const needle of clause.needles) {
          if (view.indexOf(needle) !== -1) {
            found = true;
            break;
          }
        }
        if (found) continue;
        // an escape could spell the literal: let the exact predicate decide
        uEscape ??= view.indexOf(ESCAPE_U) !== -1;
        if (uEscape) return true;
        if (clause.slash) {
          slashEscape ??= view.indexOf(ESCAPE_SLASH) !== -1;
          if (slashEscape) continue;
        }
        return false;
      }
      return true;
    },
    // a line without the lead clause's literals and escapes fails the test above
    searchChunk: createMultiSearch([...lead.needles, ESCAPE_U, ...(lead.slash ? [ESCAPE_SLASH] : [])]),
  };
  return prefilterWithSearch;
}
