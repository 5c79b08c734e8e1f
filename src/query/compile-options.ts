/**
 * The options and result types of a compiled query ({@link CompileOptions},
 * {@link RunOptions}, {@link CompiledQuery}, {@link QueryStream}), their
 * defaults, and the checked readers of the budget options.
 *
 * @module
 */
import type { LogEvent } from '../log-event.js';
import type { QueryAst, Span } from './ast.js';
import { QueryError } from './errors.js';
import { compileError } from './evaluate.js';
import type { BufferLimit, CompiledSortKey, CompiledStats, StageFactory } from './plan.js';
import type { Prefilter } from './prefilter.js';
import type { QueryResult, QueryStatistics, ResultRow } from './results.js';
import type { LookupSupply, SourceEvents, SourceSupply } from './side-inputs.js';
import { DEFAULT_MEMORY_BUDGET_BYTES, type SpillStore } from './spill.js';

/**
 * Options of {@link compileQuery}.
 *
 * @example
 * ```ts
 * const options: CompileOptions = { limit: 100, startTime: Date.parse('2024-05-14T00:00:00Z') };
 * const compiled = compileQuery('filter verb = "delete"', options);
 * ```
 */
export interface CompileOptions {
  /**
   * Caps the number of result rows. Without it, a query with no `limit`
   * command returns at most 10,000 rows (the service's default); with it,
   * the cap applies whether or not the query has a `limit`.
   * @defaultValue 10,000 when the query has no `limit` command
   */
  readonly limit?: number | undefined;
  /** Inclusive start of the query window on `@timestamp`, epoch ms. @defaultValue no bound */
  readonly startTime?: number | undefined;
  /** Inclusive end of the query window on `@timestamp`, epoch ms. @defaultValue no bound */
  readonly endTime?: number | undefined;
  /** Epoch ms at which the query runs (`now()`). @defaultValue the wall clock when a run starts */
  readonly now?: number | undefined;
  /**
   * Row order where the query has no `sort`: `'newest-first'` like the
   * service (an implicit `sort @timestamp desc` before `limit`, `dedup` and
   * the output), or `'input'` (input order; `limit` then stops reading early).
   * @defaultValue 'newest-first'
   */
  readonly order?: 'newest-first' | 'input' | undefined;
  /**
   * Models the service's cap on discovered JSON fields (200): only the first
   * N leaves of each record, in document order, are fields.
   * @defaultValue undefined (no cap: every field of big audit events stays reachable)
   */
  readonly maxDiscoveredFields?: number | undefined;
  /**
   * The byte budget of a run's buffering stages together (sort, top-K,
   * dedup keys, stats groups with their `count_distinct` and `pct` state,
   * and the result rows waiting to be read), by the estimates documented in
   * docs/performance.md. At it `sort`, `dedup` and `stats` spill to the
   * `spill` store and finish with the exact result; without a store they
   * stop with `resource_limit`. `Infinity` lifts the budget.
   * @defaultValue 64 MiB ({@link DEFAULT_MEMORY_BUDGET_BYTES})
   */
  readonly memoryBudgetBytes?: number | undefined;
  /**
   * Makes the spill store of a run (called at most once a run, on the first
   * spill; the run disposes it when it ends, fails or is cancelled). The
   * engine does no I/O itself: `query()` and the CLI pass a store of
   * temporary files (`createFileSpillStore`).
   * @defaultValue none (a stage at the budget throws `resource_limit`)
   */
  readonly spill?: (() => SpillStore) | undefined;
  /**
   * The most rows one buffering stage may hold: a `sort` without a `limit`
   * (or with a `limit` above this), the default newest-first order when the
   * row cap is raised above this, `dedup` (distinct keys plus the rows kept
   * because a field is missing), the groups of a `stats`, and the rows that
   * `unnest` or `parse … multi` make from one row. Going over it stops the
   * run with a `QueryError` of code `resource_limit` naming the stage; rows
   * are never dropped silently. The byte budget (`memoryBudgetBytes`) is
   * what bounds memory; this is an extra bound on counts.
   * @defaultValue `Infinity` ({@link DEFAULT_MAX_BUFFERED_ROWS})
   */
  readonly maxBufferedRows?: number | undefined;
  /**
   * The inputs that `SOURCE '<name>'` selects inside a `join` or a subquery
   * (`logGroups(namePrefix: […])` selects every name with a prefix): source
   * name → events, or a function giving them (called once a run). When it is
   * given, names it lacks are a compile error (`unknown_source`); otherwise
   * a run that needs one stops with that error. See `side-inputs.ts`.
   * @defaultValue none
   */
  readonly sources?: Readonly<Record<string, SourceSupply>> | undefined;
  /**
   * The tables of `lookup` and `cidrlookup`: table name → table (see
   * `lookupTableFromRecords`, and `loadLookupTable` for CSV files), or a
   * function giving it (called at most once a run). When it is given, names
   * it lacks are a compile error (`unknown_lookup_table`).
   * @defaultValue none
   */
  readonly lookups?: Readonly<Record<string, LookupSupply>> | undefined;
  /**
   * Builds the stage of the query's first `stats` in place of the default
   * one: the seam where worker threads (`src/parallel`) collect partial
   * aggregates and merge them.
   *
   * @internal
   */
  readonly firstStatsStage?: ((stats: CompiledStats, limit: BufferLimit) => StageFactory) | undefined;
  /**
   * Builds the stage of the query's first sort (`sort`, or the implicit
   * newest-first order; not one fused with a following `dedup`) in place of
   * the default one: the seam where worker threads collect each partition's
   * top-K candidates. Gets the sort's keys, its K (see `topKAfter` in plan-commands.ts)
   * and its buffer bound.
   *
   * @internal
   */
  readonly firstSortStage?:
    | ((keys: readonly CompiledSortKey[], topK: number | undefined, limit: BufferLimit) => StageFactory)
    | undefined;
}

/**
 * Options of a run.
 *
 * @example
 * ```ts
 * import { compileQuery, readLogs, type RunOptions } from 'kubetrail/engine';
 * const events = () => readLogs('samples/incident/cloudwatch-export/');
 * // The subquery has no SOURCE: it reads the run's input again, from `input`.
 * const denied = compileQuery('filter sourceIPs.0 in (filter responseStatus.code = 403 | fields sourceIPs.0) | stats count(*) by verb');
 * const options: RunOptions = { input: events, signal: AbortSignal.timeout(60_000) }; // query_cancelled after a minute
 * const { rows } = await denied.run(events(), options);
 * ```
 */
export interface RunOptions {
  /** Cancels the run; the stream then throws a `QueryError` with code `query_cancelled`. */
  readonly signal?: AbortSignal | undefined;
  /**
   * The run's input once more, for subqueries and joins whose inner query
   * has no `SOURCE` (it reads the query's own input). Without it, an input
   * that is an array is read again; any other input cannot be, and such a
   * query stops with `unknown_source`.
   */
  readonly input?: (() => SourceEvents) | undefined;
}

/**
 * The result rows of a run as they are produced, with statistics that are final once iteration ends.
 *
 * @example
 * ```ts
 * import { compileQuery, type QueryStream, readLogs } from 'kubetrail/engine';
 * const compiled = compileQuery('filter ispresent(verb) | fields @timestamp, verb, objectRef.resource | limit 5');
 * const stream: QueryStream = compiled.stream(readLogs('samples/incident/'));
 * for await (const row of stream) console.log(row.verb);
 * stream.statistics.recordsScanned; // final once the loop has ended
 * ```
 */
export interface QueryStream extends AsyncIterable<ResultRow> {
  readonly statistics: QueryStatistics;
}

/**
 * A compiled query, reusable across inputs.
 *
 * @example
 * ```ts
 * const compiled: CompiledQuery = compileQuery('stats count(*) as n by verb');
 * compiled.columns; //=> ['verb', 'n']
 * const { rows } = await compiled.run(readLogs('samples/incident/'));
 * ```
 */
export interface CompiledQuery {
  readonly ast: QueryAst;
  /** The event fields the query reads (flattened names, system fields included). */
  readonly referencedFields: ReadonlySet<string>;
  /**
   * Literals that must occur in a record for it to reach the output (see
   * {@link Prefilter}); empty `clauses` when nothing can be said.
   */
  readonly prefilter: Prefilter;
  /**
   * The window on `@timestamp` of the events the query reads (inclusive), after `SOURCE START=/END=`;
   * it starts earlier than `startTime` when `diff` needs its earlier window.
   */
  readonly window: { readonly startTime: number | undefined; readonly endTime: number | undefined };
  /**
   * The result columns in the order the query declares them (`stats` groups,
   * then its items; `fields` as written); rows carry them in this order, a
   * missing cell left out, and `@ptr` after them.
   */
  readonly columns: readonly string[];
  /**
   * Problems that do not stop the query: a `sort` by a field that the
   * preceding `stats` does not produce (the service runs such queries in its
   * own console samples; the sort key is missing on every row). `checkQuery`
   * reports them with severity `warning`.
   */
  readonly warnings: readonly QueryError[];
  /** Streams the result rows. */
  stream(events: AsyncIterable<LogEvent> | Iterable<LogEvent>, options?: RunOptions): QueryStream;
  /** Runs the query to the end. */
  run(events: AsyncIterable<LogEvent> | Iterable<LogEvent>, options?: RunOptions): Promise<QueryResult>;
}

/** The default result cap of the service. */
export const DEFAULT_LIMIT = 10_000;

/**
 * The default of `CompileOptions.maxBufferedRows`: no bound on counts (the
 * byte budget, `memoryBudgetBytes`, bounds memory).
 *
 * @example
 * ```ts
 * compileQuery('sort x', { maxBufferedRows: DEFAULT_MAX_BUFFERED_ROWS }); // the same as no option
 * ```
 */
export const DEFAULT_MAX_BUFFERED_ROWS = Number.POSITIVE_INFINITY;

/**
 * The `resource_limit` error of a stage that reached the run's byte budget
 * and cannot spill (the run has no spill store, or one group alone is over
 * the budget).
 *
 * @internal
 */
export function budgetError(
  what: string,
  budget: number,
  span: Span,
  text: string,
  hints: readonly string[],
): QueryError {
  return new QueryError({
    code: 'resource_limit',
    message: `${what} would hold more than its memory budget of ${budget} bytes and cannot spill to disk here; raise the memoryBudgetBytes option (--memory-budget) to allow more`,
    phase: 'run',
    span,
    source: text,
    hints: [...hints, `memoryBudgetBytes is ${budget} (default ${DEFAULT_MEMORY_BUDGET_BYTES})`],
  });
}

/**
 * `options.memoryBudgetBytes`, checked: a whole number of at least 1, or `Infinity`.
 *
 * @example
 * ```ts
 * memoryBudgetOf({}, undefined) //=> DEFAULT_MEMORY_BUDGET_BYTES
 * ```
 * @internal
 */
export function memoryBudgetOf(options: CompileOptions, text: string | undefined): number {
  return wholeOrInfinity('memoryBudgetBytes', options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES, text);
}

/**
 * `options.maxBufferedRows`, checked: a whole number of at least 1, or `Infinity`.
 *
 * @example
 * ```ts
 * maxBufferedRowsOf({ maxBufferedRows: 500 }, undefined) //=> 500
 * ```
 * @internal
 */
export function maxBufferedRowsOf(options: CompileOptions, text: string | undefined): number {
  return wholeOrInfinity('maxBufferedRows', options.maxBufferedRows ?? DEFAULT_MAX_BUFFERED_ROWS, text);
}

/** `value` if it is a whole number of at least 1 or `Infinity`; otherwise an `invalid_argument` naming `option`. */
function wholeOrInfinity(option: string, value: number, text: string | undefined): number {
  if (value === Number.POSITIVE_INFINITY || (Number.isSafeInteger(value) && value >= 1)) return value;
  return compileError(
    'invalid_argument',
    `the ${option} option must be a whole number of at least 1 (or Infinity), not ${value}`,
    { start: 0, end: 0 },
    { text },
  );
}
