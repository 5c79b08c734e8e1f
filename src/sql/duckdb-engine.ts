/**
 * The DuckDB engine: runs a query's SQL (`compileToSql`, DuckDB dialect,
 * the `kubetrail` table model) on an embedded DuckDB over the same events
 * the streaming engine reads.
 *
 * Events arrive through kubetrail's readers (so every format, every skipped
 * file and every input error is the streaming engine's), are counted the
 * same way (`recordsScanned`, `bytesScanned`), and are appended to an
 * in-memory table: the system fields as columns and the fields the query
 * reads, looked up by the engine's own field lookup, in one JSON column.
 * Plain audit NDJSON files are read by DuckDB itself where that provably
 * gives the same table (`duckdb-raw-load.ts`, the default).
 * DuckDB then does the relational work under a memory limit, spilling to a
 * temporary directory. `@duckdb/node-api` is an optional peer dependency,
 * imported on first use.
 *
 * @module
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKubetrailError } from '../errors.js';
import type { LogEvent } from '../log-event.js';
import { compileQuery } from '../query/compile.js';
import type { CompileOptions } from '../query/compile-options.js';
import { QueryError } from '../query/errors.js';
import {
  columnsOf,
  makeResultRow,
  type QueryResult,
  type QueryStatistics,
  type ResultRow,
} from '../query/results.js';
import {
  compileFieldLookup,
  discoverFields,
  eventPointer,
  eventRow,
  type FieldLookup,
  SYSTEM_FIELDS,
} from '../query/row.js';
import { utf8Length } from '../query/utf8-length.js';
import type { Value } from '../query/value.js';
import type { ReadSummary } from '../read/read-summary.js';
import { mayBeNumericShape, ShapeTracker } from './column-shapes.js';
import { type CompiledSql, compileToSql } from './compile-sql.js';
import { sqlString } from './dialect.js';
import {
  type DuckdbApi,
  type DuckdbAppender,
  type DuckdbConnection,
  type DuckdbInstance,
  loadDuckdbClient,
} from './duckdb-client.js';
import {
  loadRawFiles,
  type RawLoadOutcome,
  type RawLoadTarget,
  type RawMessages,
} from './duckdb-raw-load.js';
import type { RawReadPlan, RawReadReport, ReadProgress } from './duckdb-raw-read.js';
import { SqlEngineError } from './errors.js';
import { duckdbJsonText, parseDuckdbJson } from './json-text.js';
import { escapesLoneSurrogate, holdsLoneSurrogate, loneSurrogateError } from './lone-surrogate.js';
import { lateMessageColumns, type MessageSpill, openMessageSpill } from './message-spill.js';
import { jsonPointer, KUBETRAIL_TYPED_COLUMNS, type TypedColumn } from './table-models.js';

/**
 * Options of the DuckDB engine (beyond the query's compile options).
 *
 * @example
 * ```ts
 * import { query } from 'kubetrail';
 * import type { DuckdbEngineOptions } from 'kubetrail/sql';
 * const duckdb: DuckdbEngineOptions = { memoryLimit: '512MB', threads: 2 };
 * const { rows } = await query('samples/incident/', 'stats count(*) by verb', { engine: 'duckdb', duckdb });
 * ```
 */
export interface DuckdbEngineOptions {
  /** DuckDB `memory_limit`. @defaultValue '32MB' when the engine loads events (see `LOADED_MEMORY_LIMIT`), '200MB' over an imported copy, 32 MB then 64 MB during an import (`IMPORT_MEMORY_LIMIT`) */
  readonly memoryLimit?: string | undefined;
  /** DuckDB `temp_directory`, where large sorts, aggregates and the loaded table spill; `''` disables spilling. @defaultValue `kubetrail-duckdb-<pid>` in the system temp directory */
  readonly tempDirectory?: string | undefined;
  /** DuckDB `threads`. @defaultValue DuckDB's default */
  readonly threads?: number | undefined;
  /** Cancels the run. */
  readonly signal?: AbortSignal | undefined;
  /**
   * An open connection to run on (its settings are kept; the engine table is
   * dropped afterwards; a `source` database is attached as `imported` and
   * detached afterwards). For tests that run many small queries.
   *
   * @internal
   */
  readonly connection?: DuckdbConnection | undefined;
  /**
   * Query a columnar copy made by {@link importEvents} instead of events:
   * Parquet files, or a DuckDB database file. The events argument is then ignored.
   */
  readonly source?: { readonly parquet: readonly string[] } | { readonly database: string } | undefined;
  /**
   * Raw audit NDJSON files DuckDB may read itself (see `planRawRead`): when
   * every line passes the fast path's checks, the events argument is not
   * read and `summary` is filled as the readers would have filled it.
   *
   * @internal
   */
  readonly raw?: { readonly plan: RawReadPlan; readonly summary: ReadSummary } | undefined;
  /**
   * Let DuckDB read plain audit NDJSON files itself (`duckdb-raw-read.ts`),
   * with a per-line check and a byte scan, and a fallback to the readers
   * for any file they cannot prove equal (docs/scale-out.md).
   *
   * @defaultValue true
   */
  readonly readRaw?: boolean | undefined;
  /** Told whether DuckDB read the raw files itself or why the readers did. */
  readonly onRawRead?: ((report: RawReadReport) => void) | undefined;
  /** Told how far the read has got (the raw path's byte scan or the readers' events), for a progress line; it keeps the raw path, where `onEvent` does not. */
  readonly onProgress?: ((progress: ReadProgress) => void) | undefined;
}

export type { DuckdbApi, DuckdbAppender, DuckdbConnection, DuckdbInstance } from './duckdb-client.js';

let loaded: Promise<DuckdbApi> | undefined;

/**
 * Imports `@duckdb/node-api` once; throws `duckdb_missing` naming the install command when it is absent.
 *
 * @example
 * ```ts
 * const duckdb = await loadDuckdb();
 * ```
 */
export function loadDuckdb(): Promise<DuckdbApi> {
  if (loaded === undefined) {
    // Its native bindings through a small client (`duckdb-client.ts`): `import()` of the CommonJS
    // package from ESM made Node scan every module it re-exports for export names (about 80 ms of
    // CPU a run), and evaluating its modules took 58 ms of CPU against 16 ms for the bindings.
    loaded = new Promise<DuckdbApi>((resolve) => resolve(loadDuckdbClient())).catch((error: unknown) => {
      loaded = undefined;
      throw new SqlEngineError(
        'duckdb_missing',
        'the DuckDB engine needs the optional dependency @duckdb/node-api: run `npm install @duckdb/node-api` (or use the streaming engine, the default)',
        { cause: error },
      );
    });
  }
  return loaded;
}

/** The name of the table the engine loads. @internal */
export const ENGINE_TABLE = 'kubetrail_events';

/**
 * The columns of the normalised table (`kubetrail` table model), in order:
 * names Athena accepts (letters, digits, underscores).
 *
 * @internal
 */
export const KUBETRAIL_COLUMNS: readonly (readonly [string, string])[] = [
  ['kt_ord', 'BIGINT'],
  ['kt_timestamp', 'BIGINT'],
  ['kt_message', 'VARCHAR'],
  ['kt_log_stream', 'VARCHAR'],
  ['kt_log', 'VARCHAR'],
  ['kt_ingestion_time', 'BIGINT'],
  ['kt_ptr', 'VARCHAR'],
  ['fields', 'VARCHAR'],
];

/** The DDL of the in-memory events table (the `kubetrail` table model). @internal */
export const ENGINE_TABLE_DDL = `CREATE TABLE ${ENGINE_TABLE} (${KUBETRAIL_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`;

/**
 * Opens a DuckDB connection with the engine's settings (memory limit, spill directory).
 *
 * @internal
 */
export async function openDuckdb(
  options: DuckdbEngineOptions,
  path = ':memory:',
): Promise<{
  instance: DuckdbInstance;
  connection: DuckdbConnection;
}> {
  const duckdb = await loadDuckdb();
  const config: Record<string, string> = { memory_limit: options.memoryLimit ?? '200MB' };
  config.temp_directory = options.tempDirectory ?? join(tmpdir(), `kubetrail-duckdb-${process.pid}`);
  if (options.threads !== undefined) config.threads = String(options.threads);
  // DuckDB's allocator keeps freed memory until a task has allocated 128 MiB at its peak: given
  // back sooner, and by a background thread, the process stays nearer the memory limit.
  config.allocator_flush_threshold = '16MB';
  config.allocator_background_threads = 'true';
  let instance: DuckdbInstance;
  try {
    instance = await duckdb.DuckDBInstance.create(path, config);
  } catch (error) {
    throw duckdbError(error, '');
  }
  const connection = await instance.connect();
  return { instance, connection };
}

/**
 * A DuckDB failure as a kubetrail error: out-of-memory is the streaming
 * engine's `resource_limit`, anything else `duckdb_error`.
 *
 * @internal
 */
export function duckdbError(error: unknown, text: string): Error {
  if (error instanceof QueryError || error instanceof SqlEngineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const notTranslated = /kubetrail: ([^\n]*?) \(sql_unsupported\)/.exec(message);
  if (notTranslated !== null) {
    return new QueryError({
      code: 'sql_unsupported',
      message: notTranslated[1] as string,
      phase: 'run',
      span: { start: 0, end: text.length },
      source: text,
      hints: ['run the query on the streaming engine (the default) instead'],
    });
  }
  if (/out of memory|could not allocate|failed to pin block/i.test(message)) {
    return new QueryError({
      code: 'resource_limit',
      message: `DuckDB reached its memory limit: ${message.split('\n')[0]}`,
      phase: 'run',
      span: { start: 0, end: 0 },
      source: text,
      hints: [
        'raise the DuckDB memory limit (memoryLimit), set a spill directory (tempDirectory), or narrow the input',
      ],
    });
  }
  return new SqlEngineError('duckdb_error', `DuckDB failed: ${message.split('\n')[0]}`, { cause: error });
}

/**
 * UTF-16 code units of text (and 64 per row for the other columns) appended
 * between two appender flushes. The rows an appender holds are outside
 * DuckDB's memory limit, and what it allocates for them is not all given
 * back: at 16 Mi units the raw `5xx` bench query peaked 60 MB higher (256 MiB input).
 */
const FLUSH_EVERY = 1024 * 1024;

/**
 * DuckDB's memory limit when the engine loads events itself (the readers or
 * the raw-file path), unless `memoryLimit` is given. The process around
 * DuckDB already takes about 120 MB (node, DuckDB's library, kubetrail) and
 * the readers' heap grows by about 50 MB while they run, so for peak RSS to
 * stay under 256 MB the loaded table spills beyond this (docs/performance.md).
 * 16 MB was too little: DuckDB ran out of memory while loading the 256 MiB
 * bench file (`stats count(*) by user.username`, `sort … | limit`), though not
 * the 64 MiB one. At 32 MB the four full-scan bench queries over the 1 GiB
 * `.gz` file finished at 212–230 MB peak RSS, and the sort over 512 MiB of
 * NDJSON at 233 MB (docs/performance.md).
 */
const LOADED_MEMORY_LIMIT = '32MB';

/**
 * DuckDB's memory limit when it reads raw files itself (`duckdb-raw-load.ts`):
 * `read_ndjson` takes a 32 MiB buffer per thread (it loads on one), and the
 * loaded table (only the fields the query reads) spills beyond the limit.
 * 48 MB failed on the 1 GiB bench file, 64 MB passed (peak RSS 215 MB; 128 MB
 * kept the table in memory: 273–283 MB). Lowered to {@link LOADED_MEMORY_LIMIT}
 * if the readers read the files after all.
 */
const RAW_MEMORY_LIMIT = '64MB';

/**
 * {@link loadRawFiles}, on one DuckDB thread when `oneThread` (the engine's own
 * instance, no `threads` option): the byte scan takes the main thread meanwhile,
 * and on the 2-core bench machine a second DuckDB thread cost CPU (1.2–1.9 s
 * against 1.2 s for `stats count(*) by user.username` at 256 MiB) and 32 MiB
 * more of read buffer, for no shorter load.
 */
async function loadRawFilesOneThread(
  connection: DuckdbConnection,
  oneThread: boolean,
  plan: RawReadPlan,
  target: RawLoadTarget,
  summary: ReadSummary,
): Promise<RawLoadOutcome> {
  if (!oneThread) return loadRawFiles(connection, plan, target, summary);
  await connection.run('SET threads = 1');
  try {
    return await loadRawFiles(connection, plan, target, summary);
  } finally {
    await connection.run('RESET threads');
  }
}

/** Appends the events to the engine table: system columns plus the read fields as one JSON object. */
async function appendEvents(
  connection: DuckdbConnection,
  events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
  fieldNames: readonly string[] | undefined,
  window: { startTime: number | undefined; endTime: number | undefined },
  maxDiscoveredFields: number | undefined,
  statistics: { recordsScanned: number; bytesScanned: number },
  signal: AbortSignal | undefined,
  text: string,
  reads: ReadonlySet<string> | undefined,
  messages: MessageSpill | undefined,
  copy?: ImportHooks,
): Promise<void> {
  // A query that reads neither @message nor @ptr leaves them NULL: copying the messages into DuckDB
  // costs more than anything else the appender does.
  const message = reads === undefined || reads.has('kt_message');
  const ptr = reads === undefined || reads.has('kt_ptr');
  let appender = await connection.createAppender(ENGINE_TABLE);
  let open = true;
  let batched = 0;
  const lookupOptions = maxDiscoveredFields === undefined ? {} : { maxDiscoveredFields };
  const lookups = (fieldNames ?? []).map((name) => ({
    name,
    lookup: compileFieldLookup(name, undefined, lookupOptions),
  }));
  // Without a list (import), every discovered leaf is stored, looked up as the engine looks it up.
  const cache = new Map<string, FieldLookup>();
  const all = (row: ReturnType<typeof eventRow>, event: LogEvent, into: Record<string, Value>): void => {
    if (event.kind === 'text') return;
    for (const name of discoverFields(event.record, maxDiscoveredFields ?? Number.POSITIVE_INFINITY)) {
      let lookup = cache.get(name);
      if (lookup === undefined) {
        lookup = compileFieldLookup(name, undefined, lookupOptions);
        if (cache.size < 100_000) cache.set(name, lookup);
      }
      const v = lookup(row);
      if (v !== undefined) into[name] = v;
    }
  };
  let ordinal = 0;
  let pending = 0;
  const take = (event: LogEvent): void => {
    const ord = ordinal++;
    statistics.recordsScanned++;
    statistics.bytesScanned += event.messageBytes ?? utf8Length(event.message);
    const t = event.timestamp;
    if (window.startTime !== undefined && !(t >= window.startTime)) return;
    if (window.endTime !== undefined && !(t <= window.endTime)) return;
    const row = eventRow(event, ord);
    const fields: Record<string, Value> = Object.create(null);
    if (fieldNames === undefined) all(row, event, fields);
    copy?.observe(fields);
    for (const { name, lookup } of lookups) {
      const v = lookup(row);
      if (v !== undefined) fields[name] = v;
    }
    appender.appendBigInt(BigInt(ord));
    appender.appendBigInt(BigInt(Math.trunc(t)));
    if (messages !== undefined) appender.appendVarchar(messages.put(event.message));
    else if (message) appender.appendVarchar(event.message);
    else appender.appendNull();
    appendText(appender, event.logStream);
    appendText(appender, event.logGroup);
    if (event.ingestionTime === undefined) appender.appendNull();
    else appender.appendBigInt(BigInt(Math.trunc(event.ingestionTime)));
    let units = 64;
    if (ptr) {
      const p = eventPointer(event, ord);
      appender.appendVarchar(p);
      units += p.length;
    } else appender.appendNull();
    const json = duckdbJsonText(fields);
    // (a lone surrogate: DuckDB holds only UTF-8, so the query runs on the streaming engine)
    if (escapesLoneSurrogate(json)) throw loneSurrogateError('a field the query reads');
    if (message && holdsLoneSurrogate(event.message)) throw loneSurrogateError('@message');
    appender.appendVarchar(json);
    appender.endRow();
    // The appender keeps its rows in transaction-local storage, outside the memory limit, until a
    // flush commits them; flushing every few megabytes lets DuckDB compress and spill them.
    pending += units + (message && messages === undefined ? event.message.length : 0) + json.length;
    if (pending >= FLUSH_EVERY) {
      appender.flushSync();
      batched += pending;
      pending = 0;
    }
  };
  // An import writes the table out and empties it every `copy.units`.
  const endBatch = async (): Promise<void> => {
    appender.flushSync();
    appender.closeSync();
    open = false;
    await copy?.write();
    batched = 0;
  };
  const next = async (): Promise<void> => {
    if (copy === undefined || batched < copy.units) return;
    await endBatch();
    appender = await connection.createAppender(ENGINE_TABLE);
    open = true;
  };
  try {
    if (Symbol.asyncIterator in events) {
      for await (const event of events as AsyncIterable<LogEvent>) {
        if (signal?.aborted) throw cancelled(text);
        take(event);
        if (copy !== undefined && batched >= copy.units) await next();
      }
    } else {
      for (const event of events as Iterable<LogEvent>) {
        if (signal?.aborted) throw cancelled(text);
        take(event);
        if (copy !== undefined && batched >= copy.units) await next();
      }
    }
    if (copy === undefined) appender.flushSync();
    else await endBatch();
  } finally {
    if (open) appender.closeSync();
  }
}

/** How {@link importEvents} follows the appended rows: the fields of each, and a write-out of the table every `units`. */
interface ImportHooks {
  readonly observe: (fields: Readonly<Record<string, Value>>) => void;
  /** UTF-16 units appended (as counted for {@link FLUSH_EVERY}) between two calls of `write`. */
  readonly units: number;
  /** Writes the table's rows out and empties it. */
  readonly write: () => Promise<void>;
}

/** Replaces the handles in the late message columns of the result rows by their messages. */
function readBackMessages(
  rows: unknown[][],
  compiled: CompiledSql,
  aliases: readonly string[],
  messages: Pick<MessageSpill, 'get'>,
): void {
  const at = aliases.map((a) => compiled.columns.findIndex((c) => c.alias === a));
  for (const row of rows) {
    for (const i of at) {
      const cell = row[i];
      if (cell !== null && cell !== undefined) row[i] = messages.get(String(cell));
    }
  }
}

function appendText(appender: DuckdbAppender, s: string | undefined): void {
  if (s === undefined) appender.appendNull();
  else appender.appendVarchar(s);
}

function cancelled(text: string): QueryError {
  return new QueryError({
    code: 'query_cancelled',
    message: 'the query was cancelled',
    phase: 'run',
    span: { start: 0, end: 0 },
    source: text,
  });
}

/**
 * Reads the rows of a compiled SQL query back into result rows of `query()`'s shape.
 *
 * @internal
 */
export function toResultRows(compiled: CompiledSql, rows: readonly unknown[][]): ResultRow[] {
  const out: ResultRow[] = [];
  const ptrIndex = compiled.ptrAlias === undefined ? -1 : compiled.columns.length;
  for (const raw of rows) {
    const entries: [string, Value][] = [];
    compiled.columns.forEach((col, i) => {
      entries.push([col.name, cellValue(raw[i], col.kind)]);
    });
    if (ptrIndex >= 0) entries.push(['@ptr', cellValue(raw[ptrIndex], 'str')]);
    out.push(makeResultRow(entries));
  }
  return out;
}

function cellValue(cell: unknown, kind: CompiledSql['columns'][number]['kind']): Value {
  if (cell === null || cell === undefined) return undefined;
  switch (kind) {
    case 'json':
      return parseDuckdbJson(String(cell));
    case 'str':
      return String(cell);
    case 'num': {
      const n = Number(cell);
      return Object.is(n, -0) ? 0 : n;
    }
    case 'bool':
      return cell === true;
    case 'ts':
      return new Date(Number(cell));
    default:
      return undefined;
  }
}

/**
 * Runs a query on DuckDB over events, with the statistics the streaming
 * engine would report.
 *
 * @throws {QueryError} as `compileQuery` and `compileToSql` do (`sql_unsupported` …);
 *   `resource_limit` when DuckDB hits its memory limit.
 * @throws {SqlEngineError} `duckdb_missing`, `duckdb_error`.
 * @example
 * ```ts
 * const result = await runOnDuckdb('stats count(*) by verb', events);
 * ```
 */
export async function runOnDuckdb(
  query: string,
  events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
  options: CompileOptions & DuckdbEngineOptions = {},
): Promise<QueryResult> {
  const engine = compileQuery(query, options);
  const sql = compileToSql(query, {
    dialect: 'duckdb',
    table: 'kubetrail',
    tableName: ENGINE_TABLE,
    limit: options.limit,
    startTime: options.startTime,
    endTime: options.endTime,
    now: options.now,
    order: options.order,
  });
  const statistics = { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 };
  if (options.source !== undefined) return runOnTable(query, options, engine.columns);
  const shared = options.connection;
  const { instance, connection } =
    shared === undefined
      ? await openDuckdb({
          ...options,
          memoryLimit:
            options.memoryLimit ?? (options.raw === undefined ? LOADED_MEMORY_LIMIT : RAW_MEMORY_LIMIT),
        })
      : { instance: undefined, connection: shared };
  // A query that only shows @message gets the messages of its result rows from a spill file.
  const late = options.tempDirectory === '' ? undefined : lateMessageColumns(sql);
  let messages: MessageSpill | undefined;
  let raw: { messages: RawMessages; late: readonly string[] } | undefined;
  try {
    if (shared !== undefined) await connection.run(`DROP TABLE IF EXISTS ${ENGINE_TABLE}`);
    await connection.run(ENGINE_TABLE_DDL);
    const names = [...engine.referencedFields].filter((n) => !SYSTEM_FIELDS.includes(n));
    let loaded = false;
    if (options.raw !== undefined) {
      const readsMessage = sql.systemColumns.has('kt_message');
      const rawLate = readsMessage ? lateMessageColumns(sql) : undefined;
      const outcome =
        readsMessage && rawLate === undefined
          ? {
              reason:
                'the query reads @message beyond showing it (the readers keep it out of DuckDB until needed)',
            }
          : await loadRawFilesOneThread(
              connection,
              shared === undefined && options.threads === undefined,
              options.raw.plan,
              {
                table: ENGINE_TABLE,
                fields: names,
                message: readsMessage ? 'late' : 'none',
                ptr: sql.systemColumns.has('kt_ptr'),
              },
              options.raw.summary,
            );
      loaded = 'messages' in outcome;
      // The readers append the events instead: under the limit of that path.
      if (!loaded && shared === undefined && options.memoryLimit === undefined)
        await connection.run(`SET memory_limit = '${LOADED_MEMORY_LIMIT}'`);
      if ('messages' in outcome) {
        statistics.recordsScanned = options.raw.summary.recordsRead;
        statistics.bytesScanned = options.raw.summary.bytesDecompressed;
        raw = { messages: outcome.messages, late: rawLate ?? [] };
      }
      options.onRawRead?.(
        'messages' in outcome
          ? { path: 'duckdb', files: options.raw.plan.files.length, records: statistics.recordsScanned }
          : { path: 'readers', reason: outcome.reason },
      );
    }
    if (!loaded && late !== undefined) messages = openMessageSpill(options.tempDirectory ?? tmpdir());
    if (!loaded)
      await appendEvents(
        connection,
        events,
        names,
        engine.window,
        options.maxDiscoveredFields,
        statistics,
        options.signal,
        query,
        sql.systemColumns,
        messages,
      );
    const rows = (await connection.runAndReadAll(sql.sql)).getRows();
    if (messages !== undefined) readBackMessages(rows, sql, late ?? [], messages);
    if (raw !== undefined && raw.late.length > 0) readBackMessages(rows, sql, raw.late, raw.messages);
    const matched = (await connection.runAndReadAll(sql.matchedSql)).getRows();
    statistics.recordsMatched = Number(matched[0]?.[0] ?? 0);
    const result = toResultRows(sql, rows);
    const stats: QueryStatistics = { ...statistics };
    return { rows: result, fields: columnsOf(result, engine.columns), statistics: stats };
  } catch (error) {
    // Reader errors (InputError) and query errors pass unchanged; DuckDB's own become typed.
    throw isKubetrailError(error) ? error : duckdbError(error, query);
  } finally {
    messages?.dispose();
    raw?.messages.dispose();
    if (instance === undefined) await connection.run(`DROP TABLE IF EXISTS ${ENGINE_TABLE}`);
    else {
      connection.closeSync();
      instance.closeSync();
    }
  }
}

/** The table expression of an imported copy (a database attached as `imported`). */
function copyTable(source: NonNullable<DuckdbEngineOptions['source']>): string {
  return 'parquet' in source ? `read_parquet(${parquetList(source.parquet)})` : `imported.${ENGINE_TABLE}`;
}

function sqlOverCopy(
  query: string,
  options: CompileOptions,
  source: NonNullable<DuckdbEngineOptions['source']>,
  columns: ReadonlyMap<string, TypedColumn>,
): CompiledSql {
  const tableName = copyTable(source);
  return compileToSql(query, {
    dialect: 'duckdb',
    table: 'kubetrail',
    tableName,
    limit: options.limit,
    startTime: options.startTime,
    endTime: options.endTime,
    now: options.now,
    order: options.order,
    columns,
  });
}

const COLUMN_KINDS: Readonly<Record<string, TypedColumn['kind']>> = {
  VARCHAR: 'str',
  DOUBLE: 'num',
  BOOLEAN: 'bool',
};

/** The column of an imported copy with each message's UTF-8 length (`bytesScanned` without reading the messages). */
const MESSAGE_BYTES = 'kt_message_bytes';

/**
 * The schema of an imported copy, read at open in one statement: its typed
 * columns (field name → column; a `str` column whose every file recorded one
 * shape for it, not a numeric one, has `plainOrder`), and whether it has
 * {@link MESSAGE_BYTES}. A `database` source must be attached as `imported`.
 *
 * @example
 * ```ts
 * const { typed } = await copySchemaOf(connection, { parquet: ['events.parquet'] });
 * typed.get('stageTimestamp') //=> { column: 'kc_stagetimestamp', kind: 'str', plainOrder: true }
 * ```
 *
 * @internal
 */
export async function copySchemaOf(
  connection: DuckdbConnection,
  source: NonNullable<DuckdbEngineOptions['source']>,
): Promise<{ typed: Map<string, TypedColumn>; messageBytes: boolean }> {
  const from = copyTable(source);
  // One statement: the columns ('c'), and the shapes the import recorded, one row per file ('s')
  // beside one row per file ('f'; a file without shapes has none).
  const shapesSql =
    'parquet' in source
      ? ` UNION ALL SELECT 'f', file_name, NULL FROM parquet_file_metadata(${parquetList(source.parquet)}) UNION ALL SELECT 's', file_name, decode(value) FROM parquet_kv_metadata(${parquetList(source.parquet)}) WHERE decode(key) = '${SHAPES_KEY}'`
      : ` UNION ALL SELECT 'f', '', NULL UNION ALL SELECT 's', '', comment FROM duckdb_tables() WHERE database_name = 'imported' AND table_name = '${ENGINE_TABLE}' AND comment IS NOT NULL`;
  const rows = (
    await connection.runAndReadAll(
      `SELECT 'c', column_name, column_type FROM (DESCRIBE SELECT * FROM ${from})${shapesSql}`,
    )
  ).getRows();
  const types = new Map(rows.filter((r) => r[0] === 'c').map((r) => [String(r[1]), String(r[2])]));
  const files = new Set(rows.filter((r) => r[0] === 'f').map((r) => String(r[1])));
  const recorded = new Map<string, Record<string, unknown>>();
  for (const r of rows) {
    if (r[0] !== 's') continue;
    try {
      const parsed: unknown = JSON.parse(String(r[2]));
      if (parsed !== null && typeof parsed === 'object')
        recorded.set(String(r[1]), parsed as Record<string, unknown>);
    } catch {
      // not a copy's shapes: that file has none
    }
  }
  // A column sorts plainly only if every file recorded the same shape for it.
  const sameShape = (column: string): boolean => {
    let shape: unknown;
    for (const f of files) {
      const s = recorded.get(f)?.[column];
      if (typeof s !== 'string' || (shape !== undefined && s !== shape)) return false;
      shape = s;
    }
    return typeof shape === 'string' && !mayBeNumericShape(shape);
  };
  const typed = new Map<string, TypedColumn>();
  for (const [field, column] of KUBETRAIL_TYPED_COLUMNS) {
    const kind = COLUMN_KINDS[types.get(column) ?? ''];
    if (kind === undefined) continue;
    typed.set(
      field,
      kind === 'str' && sameShape(column) ? { column, kind, plainOrder: true } : { column, kind },
    );
  }
  return { typed, messageBytes: types.has(MESSAGE_BYTES) };
}

/** A DuckDB list of Parquet paths. */
function parquetList(paths: readonly string[]): string {
  return `[${paths.map((p) => sqlString(p)).join(', ')}]`;
}

/** Runs compiled SQL over an imported copy; statistics come from the copy (every row scanned, message bytes). */
async function runOnTable(
  query: string,
  options: CompileOptions & DuckdbEngineOptions,
  declared: readonly string[],
): Promise<QueryResult> {
  const source = options.source as NonNullable<DuckdbEngineOptions['source']>;
  // A shared connection (tests) keeps its settings; a `database` copy is attached and detached on it.
  const shared = options.connection;
  const { instance, connection } =
    shared === undefined ? await openDuckdb(options) : { instance: undefined, connection: shared };
  try {
    // Over Parquet, DuckDB keeps each file's footer after its first read: the schema statement reads it
    // three times, the query and the statistics once each (1 GiB bench copy: 63 ms of wall time to 24 ms).
    // (A setting, not a config at open: it needs the Parquet extension, loaded by then.)
    if (instance !== undefined && 'parquet' in source)
      await connection.run('SET parquet_metadata_cache = true');
    if ('database' in source) {
      await connection.run(`ATTACH ${sqlString(source.database)} AS imported (READ_ONLY)`);
    }
    const from = copyTable(source);
    const schema = await copySchemaOf(connection, source);
    const sql = sqlOverCopy(query, options, source, schema.typed);
    const rows = (await connection.runAndReadAll(sql.sql)).getRows();
    // The statistics in one statement: matched rows, and every row of the copy with its message bytes
    // (from the precomputed column when the copy has it: reading the messages costs a scan of the largest column).
    const bytes = schema.messageBytes ? MESSAGE_BYTES : 'octet_length(encode(kt_message))';
    const counts = (
      await connection.runAndReadAll(
        `SELECT (${sql.matchedSql}), count(*), COALESCE(sum(${bytes}), 0) FROM ${from}`,
      )
    ).getRows();
    const result = toResultRows(sql, rows);
    const statistics: QueryStatistics = {
      recordsMatched: Number(counts[0]?.[0] ?? 0),
      recordsScanned: Number(counts[0]?.[1] ?? 0),
      bytesScanned: Number(counts[0]?.[2] ?? 0),
    };
    return { rows: result, fields: columnsOf(result, declared), statistics };
  } catch (error) {
    throw isKubetrailError(error) ? error : duckdbError(error, query);
  } finally {
    if (instance !== undefined) {
      connection.closeSync();
      instance.closeSync();
    } else if ('database' in source) await connection.run('DETACH DATABASE IF EXISTS imported');
  }
}

/** The JSON pointer of a field as an SQL string. */
function fieldPointer(field: string): string {
  return sqlString(jsonPointer(field));
}

/** The type class bit of a JSON leaf: 1 string, 2 number, 4 boolean, 8 anything else (JSON null, object, array); 0 when missing. */
function typeClass(json: string): string {
  const t = `json_type(${json})`;
  return `CASE WHEN ${json} IS NULL THEN 0 WHEN ${t} = 'VARCHAR' THEN 1 WHEN ${t} IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT') THEN 2 WHEN ${t} = 'BOOLEAN' THEN 4 ELSE 8 END`;
}

/** How a typed column is read from the JSON leaf of its field, by type class. */
const TYPED_CASTS: Readonly<Record<number, (json: string) => string>> = {
  1: (j) => `(${j} ->> '$')`,
  2: (j) => `CAST(${j} AS DOUBLE)`,
  4: (j) => `CAST(${j} AS BOOLEAN)`,
};

/**
 * The SELECT that adds the typed columns to the loaded table: for each field of
 * {@link KUBETRAIL_TYPED_COLUMNS} whose values in the data all have one JSON
 * type (strings, numbers or booleans; no JSON null), its values as a VARCHAR,
 * DOUBLE or BOOLEAN column. `fields` keeps every field. It also adds
 * {@link MESSAGE_BYTES}, so that a query's `bytesScanned` need not read the messages.
 *
 * Both passes parse `fields` once per row: one `json_extract` with the list of
 * all the paths (a DuckDB JSON function keeps a parse buffer per expression and
 * thread, so thirty separate extractions exceed a 200 MB memory limit even on a
 * few megabytes of input).
 */
async function typedSelect(
  connection: DuckdbConnection,
  from: string,
  seen: ReadonlyMap<string, string>,
): Promise<{ select: string; shapes: Record<string, string> }> {
  const all = `json_extract(fields, [${KUBETRAIL_TYPED_COLUMNS.map(([f]) => fieldPointer(f)).join(', ')}])`;
  const probes = KUBETRAIL_TYPED_COLUMNS.map((_, i) => `bit_or(${typeClass(`kt_fx[${i + 1}]`)})`);
  const row =
    (
      await connection.runAndReadAll(`SELECT ${probes.join(', ')} FROM (SELECT ${all} AS kt_fx FROM ${from})`)
    ).getRows()[0] ?? [];
  // The one shape of a VARCHAR column's values, when they have one (column name → shape).
  const shapes: Record<string, string> = {};
  const typed = KUBETRAIL_TYPED_COLUMNS.flatMap(([field, column], i) => {
    const cls = Number(row[i] ?? 0);
    const shape = seen.get(field);
    if (cls === 1 && shape !== undefined) shapes[column] = shape;
    const cast = TYPED_CASTS[cls];
    return cast === undefined ? [] : [{ field, column, cast }];
  });
  const bytes = `CAST(octet_length(encode(kt_message)) AS BIGINT) AS ${MESSAGE_BYTES}`;
  if (typed.length === 0) return { select: `SELECT *, ${bytes} FROM ${from}`, shapes };
  const some = `json_extract(fields, [${typed.map((t) => fieldPointer(t.field)).join(', ')}])`;
  const columns = typed.map((t, i) => `${t.cast(`kt_fx[${i + 1}]`)} AS ${t.column}`);
  return {
    select: `SELECT * EXCLUDE (kt_fx), ${bytes}, ${columns.join(', ')} FROM (SELECT *, ${some} AS kt_fx FROM ${from})`,
    shapes,
  };
}

/**
 * DuckDB's memory limit during an import, unless `memoryLimit` is given. The
 * table holds one batch ({@link IMPORT_BATCH}) and the final pass reads the
 * parts a row group at a time, so little is needed; the rest of the process
 * (node, DuckDB's library, the readers' heap, DuckDB's allocations outside
 * its pool) must fit beside it under 256 MB (docs/performance.md).
 */
const IMPORT_MEMORY_LIMIT = '32MB';

/**
 * DuckDB's memory limit for the import's last pass (type probe, typed
 * columns, Parquet writer over the parts), unless `memoryLimit` is given:
 * 48 MB ran out of memory on the 1 GiB bench file, 64 MB peaked at 247 MB
 * RSS, 96 MB at 293 MB.
 */
const IMPORT_COPY_MEMORY_LIMIT = '64MB';

/** UTF-16 units of text appended between two write-outs of the import's table to a Parquet part. */
const IMPORT_BATCH = 2 * 1024 * 1024;

/** Rows per row group of an imported Parquet copy (a writer holds one row group before writing it). */
const IMPORT_ROW_GROUP = 2048;

/** The metadata key (Parquet) or table comment (DuckDB) of a copy's {@link typedSelect} shapes, as JSON. */
const SHAPES_KEY = 'kubetrail_shapes';

/**
 * Options of {@link importEvents}.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { type ImportOptions, importEvents } from 'kubetrail/sql';
 * const options: ImportOptions = { memoryLimit: '1GB', maxDiscoveredFields: 1000 };
 * await importEvents(readLogs('samples/incident/'), 'incident.parquet', options);
 * ```
 */
export interface ImportOptions extends DuckdbEngineOptions {
  /** Model the service's cap on discovered fields (see `CompileOptions.maxDiscoveredFields`). */
  readonly maxDiscoveredFields?: number | undefined;
}

/**
 * What {@link importEvents} wrote.
 *
 * @example
 * ```ts
 * import { query, readLogs } from 'kubetrail';
 * import { type ImportResult, importEvents } from 'kubetrail/sql';
 * const result: ImportResult = await importEvents(readLogs('samples/incident/'), 'incident.duckdb');
 * console.log(result.format, result.records, result.bytes); // 'duckdb', the events written and their bytes
 * const { rows } = await query('incident.duckdb', 'stats count(*) by verb', { engine: 'duckdb' });
 * ```
 */
export interface ImportResult {
  readonly path: string;
  readonly format: 'parquet' | 'duckdb';
  /** Events read (and written). */
  readonly records: number;
  /** UTF-8 bytes of their messages. */
  readonly bytes: number;
}

/**
 * Writes a columnar copy of events, made once (`kubetrail import`): the
 * normalised table (system fields as `kt_*` columns, every discovered field
 * in the JSON column `fields`), as a Parquet file (`.parquet`) or a DuckDB
 * database (`.duckdb`, table `kubetrail_events`). Query it with
 * `engine: 'duckdb'` (`kubetrail query --engine duckdb out.parquet`), or
 * upload the Parquet file to S3 and query it with Athena (`kubetrail ddl --table kubetrail`).
 *
 * @throws {SqlEngineError} `duckdb_missing`, `duckdb_error`; reader errors as `readLogs` throws them.
 * @example
 * ```ts
 * await importEvents(readLogs('samples/'), 'events.parquet');
 * ```
 */
export async function importEvents(
  events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
  path: string,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const format = path.endsWith('.duckdb') ? 'duckdb' : 'parquet';
  const { instance, connection } = await openDuckdb(
    { ...options, memoryLimit: options.memoryLimit ?? IMPORT_MEMORY_LIMIT },
    format === 'duckdb' ? path : ':memory:',
  );
  const statistics = { recordsScanned: 0, bytesScanned: 0 };
  let parts: string | undefined;
  const written: string[] = [];
  try {
    const dir = mkdtempSync(join(options.tempDirectory || tmpdir(), 'kubetrail-import-'));
    parts = dir;
    await connection.run(`DROP TABLE IF EXISTS ${ENGINE_TABLE}`);
    await connection.run(ENGINE_TABLE_DDL);
    const noWindow = { startTime: undefined, endTime: undefined };
    const tracker = new ShapeTracker(KUBETRAIL_TYPED_COLUMNS.map(([field]) => field));
    // The rows go out to Parquet parts a batch at a time, so the table never holds more than a batch.
    const write = async (): Promise<void> => {
      const part = join(dir, `part-${String(written.length).padStart(6, '0')}.parquet`);
      await connection.run(
        `COPY ${ENGINE_TABLE} TO ${sqlString(part)} (FORMAT parquet, ROW_GROUP_SIZE ${IMPORT_ROW_GROUP})`,
      );
      // Dropped and made again: DELETE only marks the rows, which stay in memory.
      await connection.run(`DROP TABLE ${ENGINE_TABLE}`);
      await connection.run(ENGINE_TABLE_DDL);
      written.push(part);
    };
    await appendEvents(
      connection,
      events,
      undefined,
      noWindow,
      options.maxDiscoveredFields,
      statistics,
      options.signal,
      '',
      undefined,
      undefined,
      { observe: (fields) => tracker.observe(fields), units: IMPORT_BATCH, write },
    );
    await connection.run(`DROP TABLE ${ENGINE_TABLE}`);
    // Probed and written on one thread, in row order, a row group at a time: each thread's JSON
    // parse buffers and row groups would come on top (two threads keeping insertion order buffer
    // row groups of both).
    await connection.run('SET threads = 1');
    // Row order need not be kept: `kt_ord` carries it (and on one thread the rows stay in order).
    await connection.run('SET preserve_insertion_order = false');
    if (options.memoryLimit === undefined)
      await connection.run(`SET memory_limit = '${IMPORT_COPY_MEMORY_LIMIT}'`);
    // (the last batch is always written, so there is at least one part)
    const from = `read_parquet(${parquetList(written)})`;
    const { select, shapes } = await typedSelect(connection, from, tracker.shapes());
    const meta = sqlString(JSON.stringify(shapes));
    if (format === 'parquet') {
      await connection.run(
        `COPY (${select}) TO ${sqlString(path)} (FORMAT parquet, ROW_GROUP_SIZE ${IMPORT_ROW_GROUP}, KV_METADATA {${SHAPES_KEY}: ${meta}})`,
      );
    } else {
      await connection.run(`CREATE TABLE ${ENGINE_TABLE} AS ${select}`);
      await connection.run(`COMMENT ON TABLE ${ENGINE_TABLE} IS ${meta}`);
    }
    return { path, format, records: statistics.recordsScanned, bytes: statistics.bytesScanned };
  } catch (error) {
    throw isKubetrailError(error) ? error : duckdbError(error, '');
  } finally {
    if (parts !== undefined) rmSync(parts, { recursive: true, force: true });
    connection.closeSync();
    instance.closeSync();
  }
}
