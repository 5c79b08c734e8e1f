/**
 * `compileQuery`: turns a query (text or AST) into a reusable
 * {@link CompiledQuery} whose `stream`/`run` evaluate it over log events.
 *
 * Compile resolves everything once, before any input is read: function
 * names and arity, constant arguments, regexes, parse globs, aggregate
 * placement, the two-`stats` rule and the only-`limit`-after-`dedup` rule.
 * It then lays out the plan (see {@link planCommands}):
 *
 * 1. Filters move ahead of `sort`, `limit` and `display` (and past `fields`,
 *    `parse` and `unnest` that do not define what they read), and past a
 *    `stats` when they read only fields that `stats` does not compute. So
 *    `sort @timestamp desc | limit 100 | filter …` (the EKS Best Practices
 *    queries) returns the newest 100 *matching* events of the whole input.
 * 2. Without a `sort`, rows reach `limit`, `dedup` and the output newest
 *    first (an implicit `sort @timestamp desc`), unless `order: 'input'`.
 * 3. `sort` followed by `limit` keeps only the top K rows.
 * 4. Without a `limit` command the output is capped at 10,000 rows (the
 *    service's default), or at `options.limit`.
 * 5. A `sort` (or the implicit newest-first order) directly followed by
 *    `dedup` becomes one stage that keeps one row per distinct key.
 * 6. Every buffering stage charges what it holds to the run's byte budget
 *    (`options.memoryBudgetBytes`); at it `sort`, `dedup` and `stats` spill
 *    to `options.spill` and finish with the same result, and without a
 *    spill store they throw `resource_limit` rather than drop any row.
 *    `options.maxBufferedRows` adds a bound on rows (groups, keys).
 *
 * @module
 */

import type { LogEvent } from '../log-event.js';
import type { Command, DedupCommand, Item, QueryAst, Span } from './ast.js';
import { compileSortedDedup } from './commands/dedup.js';
import { limitStage } from './commands/limit.js';
import { specOf } from './commands/registry.js';
import { sortStage } from './commands/sort.js';
import { sourceGroups, sourceWindow } from './commands/source.js';
import type { CompileContext } from './commands/spec.js';
import { statsStage } from './commands/stats.js';
import { cancelledError, QueryError } from './errors.js';
import { compileError, compileExpr, type Evaluator } from './evaluate.js';
import type { EvalContext } from './functions/types.js';
import { parseQuery } from './parser.js';
import {
  type BufferLimit,
  buildChain,
  type CompiledSortKey,
  type CompiledStats,
  countMatched,
  type PlanStep,
  type RunState,
  type Sink,
  type StageFactory,
} from './plan.js';
import { computePrefilter, type Prefilter } from './prefilter.js';
import { printQuery } from './print.js';
import {
  columnsOf,
  makeResultRow,
  type QueryResult,
  type QueryStatistics,
  type ResultRow,
} from './results.js';
import { compileFieldLookup, eventPointer, eventRow, type FieldLookupOptions, type Row } from './row.js';
import { type CompileState, checkAvailable, itemName, scopeOf, warnUnavailable } from './scope.js';
import {
  createSideRun,
  type InnerPlan,
  type LookupSupply,
  type Prepare,
  prepareRun,
  type SourceEvents,
  type SourceSupply,
} from './side-inputs.js';
import {
  createRunMemory,
  DEFAULT_MEMORY_BUDGET_BYTES,
  decodeValue,
  encodeValue,
  estimateResultRowBytes,
  mustSpill,
  type RunMemory,
  type SpillRunWriter,
  type SpillStore,
  iterate as spillLines,
} from './spill.js';
import { applyStatsRules } from './stats-rules.js';
import type { Value } from './value.js';
import { maxDefined, minDefined } from './window.js';

export type { PlanStep } from './plan.js';
export { exprName, itemName } from './scope.js';

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
   * top-K candidates. Gets the sort's keys, its K (see {@link topKAfter})
   * and its buffer bound.
   *
   * @internal
   */
  readonly firstSortStage?:
    | ((keys: readonly CompiledSortKey[], topK: number | undefined, limit: BufferLimit) => StageFactory)
    | undefined;
}

/** Options of a run. */
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

/** The result rows of a run as they are produced, with statistics that are final once iteration ends. */
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

const IMPLICIT_SORT: PlanStep = { kind: 'implicit-sort' };

function overlaps(reads: readonly string[], set: ReadonlySet<string>): boolean {
  if (set.size === 0) return false;
  return reads.some((r) => {
    if (set.has(r)) return true;
    const parts = r.split('.');
    for (let i = parts.length - 1; i >= 1; i--) if (set.has(parts.slice(0, i).join('.'))) return true;
    return false;
  });
}

/**
 * Whether a filter reading `reads` may move ahead of `prev` (its
 * `CommandSpec.hoist`). `blocked` caches the names each command blocks, so
 * that many filters moving past one command with many names cost the names
 * once, not once a filter (20,000 filters after a 20,000-name `fields` took
 * minutes; fuzz seed 20261207, query case 3454).
 */
function hoistsPast(
  prev: Command,
  reads: readonly string[],
  text: string | undefined,
  blocked: Map<Command, ReadonlySet<string>>,
): boolean {
  const spec = specOf(prev);
  const rule = spec.hoist;
  if (rule === 'always') return true;
  if (rule === 'never') return false;
  let names = blocked.get(prev);
  if (names === undefined) {
    names = new Set(rule === 'unless-defined' ? spec.defines(prev, text) : rule(prev, text));
    blocked.set(prev, names);
  }
  return !overlaps(reads, names);
}

/**
 * Moves each filter ahead of the commands it commutes with (see the module
 * notes and `CommandSpec.hoist`). The relative order of filters is kept.
 *
 * @example
 * ```ts
 * hoistFilters(parseQuery('sort a | filter b = 1').commands, undefined).map((c) => c.kind)
 * //=> ['FilterCommand', 'SortCommand']
 * ```
 * @internal
 */
export function hoistFilters(
  commands: readonly Command[],
  text: string | undefined,
  writtenAfter?: Map<Command, Command>,
): Command[] {
  const out: Command[] = [];
  const blocked = new Map<Command, ReadonlySet<string>>();
  for (const c of commands) {
    const predicate = specOf(c).predicate;
    if (predicate === undefined) {
      out.push(c);
      continue;
    }
    const reads = predicate.reads(c);
    let at = out.length;
    while (at > 0 && hoistsPast(out[at - 1] as Command, reads, text, blocked)) at--;
    // (a filter that stays in place is appended: a splice at the end would copy nothing but still costs a call per element)
    if (at === out.length) {
      out.push(c);
    } else {
      writtenAfter?.set(c, out[out.length - 1] as Command);
      out.splice(at, 0, c);
    }
  }
  return out;
}

/**
 * Validates the command sequence and lays out the plan steps.
 *
 * @internal
 */
export function planCommands(
  commands: readonly Command[],
  options: CompileOptions,
  text: string | undefined,
): PlanStep[] {
  const scope = { text };
  let statsCount = 0;
  let dedupSeen = false;
  commands.forEach((c, i) => {
    const spec = specOf(c);
    if (spec.unsupported !== undefined) {
      compileError('unsupported_command', spec.unsupported.message, c.span, scope, spec.unsupported.hints);
    }
    if (spec.header === true && i > 0) {
      compileError('misplaced_source', 'SOURCE can only be the first command', c.span, scope);
    }
    if (c.kind === 'StatsCommand' && ++statsCount > 2) {
      compileError('too_many_stats', 'a query can have at most two stats commands', c.span, scope);
    }
    if (dedupSeen && c.kind !== 'LimitCommand') {
      compileError('command_after_dedup', 'only limit can follow dedup', c.span, scope);
    }
    if (c.kind === 'DedupCommand') dedupSeen = true;
  });
  const writtenAfter = new Map<Command, Command>();
  const hoisted = hoistFilters(
    commands.filter((c) => specOf(c).header !== true),
    text,
    writtenAfter,
  );
  const steps: PlanStep[] = hoisted.map((command) => {
    const after = writtenAfter.get(command);
    return after === undefined
      ? { kind: 'command', command }
      : { kind: 'command', command, writtenAfter: after };
  });
  // Implicit newest-first order before the first command that takes the order it gets (or the end) when nothing sorted.
  if ((options.order ?? 'newest-first') === 'newest-first') {
    let insertAt: number | undefined = steps.length;
    for (let i = 0; i < steps.length; i++) {
      const c = (steps[i] as { command: Command }).command;
      const order = specOf(c).order(c);
      if (order === 'sets') {
        insertAt = undefined;
        break;
      }
      if (order === 'takes') {
        insertAt = i;
        break;
      }
    }
    if (insertAt !== undefined) steps.splice(insertAt, 0, IMPLICIT_SORT);
  }
  // The match point: before the first step that reorders, drops by count, or aggregates.
  let matchAt = steps.length;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as PlanStep;
    if (s.kind === 'implicit-sort' || (s.kind === 'command' && specOf(s.command).barrier)) {
      matchAt = i;
      break;
    }
  }
  steps.splice(matchAt, 0, { kind: 'match-point' });
  const hasLimit = commands.some((c) => specOf(c).rowCap !== undefined);
  if (options.limit !== undefined) steps.push({ kind: 'cap', count: options.limit });
  else if (!hasLimit) steps.push({ kind: 'cap', count: DEFAULT_LIMIT });
  return steps;
}

interface Projection {
  readonly columns: readonly { readonly name: string; readonly value: Evaluator }[];
}

/**
 * The K of a top-K sort: the smallest limit reachable from the sort at plan
 * step `i` through steps that keep every row one-to-one (the match point,
 * `fields`, single-match `parse`, …), or `undefined` when no limit bounds it.
 *
 * @example
 * ```ts
 * const steps = planCommands(parseQuery('sort x | fields y | limit 5').commands, {}, undefined);
 * topKAfter(steps, steps.findIndex((s) => s.kind === 'command' && s.command.kind === 'SortCommand')); //=> 5
 * ```
 * @internal
 */
export function topKAfter(steps: readonly PlanStep[], i: number): number | undefined {
  let k: number | undefined;
  for (let j = i + 1; j < steps.length; j++) {
    const s = steps[j] as PlanStep;
    if (s.kind === 'match-point') continue;
    if (s.kind === 'cap') k = Math.min(k ?? s.count, s.count);
    else if (s.kind === 'command') {
      const spec = specOf(s.command);
      const cap = spec.rowCap?.(s.command);
      if (cap !== undefined) k = Math.min(k ?? cap, cap);
      else if (!spec.oneToOne(s.command)) break;
    } else break;
  }
  return k;
}

interface CompiledPlan {
  readonly stages: readonly StageFactory[];
  readonly projection: Projection;
  readonly reads: ReadonlySet<string>;
  readonly warnings: readonly QueryError[];
  /** The earliest time a command asked to read from (see `CompileContext.readFrom`). */
  readonly readFrom: number | undefined;
  /** What a run does before it reads its input (see `side-inputs.ts`). */
  readonly prepares: readonly Prepare[];
}

/** The largest row cap: inner queries are not capped at the service's 10,000 rows. */
const UNCAPPED = Number.MAX_SAFE_INTEGER;

/** Compiles the inner query of a join or subquery, over the same text (so that its errors point into it). */
function compileInner(query: QueryAst, options: CompileOptions, text: string | undefined): InnerPlan {
  const innerOptions: CompileOptions = {
    ...options,
    limit: UNCAPPED,
    order: 'input',
    firstStatsStage: undefined,
    firstSortStage: undefined,
  };
  const first = query.commands[0];
  const source = first?.kind === 'SourceCommand' ? first : undefined;
  const window = sourceWindow(source, text, options.now);
  const steps = planCommands(applyStatsRules(query.commands, text ?? ''), innerOptions, text);
  const plan = compileSteps(
    steps,
    innerOptions,
    text,
    {
      startTime: maxDefined(options.startTime, window.start),
      endTime: minDefined(options.endTime, window.end),
    },
    true,
  );
  return {
    stages: plan.stages,
    columns: plan.projection.columns,
    source,
    window,
    readFrom: plan.readFrom,
  };
}

function compileSteps(
  steps: readonly PlanStep[],
  options: CompileOptions,
  text: string | undefined,
  window: CompileContext['window'] = { startTime: undefined, endTime: undefined },
  inner = false,
): CompiledPlan {
  const fieldOptions: FieldLookupOptions =
    options.maxDiscoveredFields === undefined ? {} : { maxDiscoveredFields: options.maxDiscoveredFields };
  const max = maxBufferedRowsOf(options, text);
  const budget = memoryBudgetOf(options, text);
  const bound = (what: string, unit: string, span: Span, hints: readonly string[]): BufferLimit => ({
    max,
    overBudget: () => {
      throw budgetError(what, budget, span, text ?? '', hints);
    },
    exceeded: () => {
      throw new QueryError({
        code: 'resource_limit',
        message: `${what} would hold more than ${max} ${unit}; raise the maxBufferedRows option to allow more`,
        phase: 'run',
        span,
        source: text ?? '',
        hints: [...hints, `maxBufferedRows is ${max} (default ${DEFAULT_MAX_BUFFERED_ROWS})`],
      });
    },
  });
  const state: CompileState = {
    text,
    bound,
    fieldOptions,
    defined: new Set(),
    reads: new Set(),
    available: undefined,
    statsSeen: 0,
    columns: [],
    columnSet: new Set(),
    explicitColumns: false,
    warnings: [],
    side: {
      prepares: [],
      sources: options.sources,
      lookups: options.lookups,
      inner,
      compileInner: (query) => compileInner(query, options, text),
    },
  };
  const stages: StageFactory[] = [];
  let display: readonly Item[] | undefined;
  let readFrom: number | undefined;
  const timestampKey: CompiledSortKey = {
    value: compileFieldLookup('@timestamp', ['@timestamp'], fieldOptions),
    descending: true,
  };
  let sorts = 0;
  const sortOf = (keys: readonly CompiledSortKey[], i: number, limit: BufferLimit): StageFactory => {
    const custom = sorts++ === 0 ? options.firstSortStage : undefined;
    return (custom ?? sortStage)(keys, topKAfter(steps, i), limit);
  };
  // The index of a dedup step already compiled into the sort before it.
  let fused = -1;
  /** A sort by `keys` at step `i`, fused with a dedup right after it. */
  const sortAt = (keys: readonly CompiledSortKey[], i: number, limit: () => BufferLimit): void => {
    const following = steps[i + 1];
    if (following?.kind === 'command' && specOf(following.command).fusesWithSort === true) {
      sorts++; // (a sort fused with dedup is a sort too: the seam is for the first one only)
      stages.push(
        compileSortedDedup(keys, following.command as DedupCommand, state, topKAfter(steps, i + 1)),
      );
      fused = i + 1;
      return;
    }
    stages.push(sortOf(keys, i, limit()));
  };
  const statsStageOf = (compiled: CompiledStats, limit: BufferLimit): StageFactory => {
    const custom = state.statsSeen === 1 ? options.firstStatsStage : undefined;
    return custom === undefined ? statsStage(compiled, limit) : custom(compiled, limit);
  };
  // Where a moved filter was written: the names after the command it followed (see PlanStep's writtenAfter).
  const anchors = new Set<Command>();
  for (const s of steps)
    if (s.kind === 'command' && s.writtenAfter !== undefined) anchors.add(s.writtenAfter);
  const namesAfter = new Map<Command, { available: Set<string> | undefined; defined: Set<string> }>();
  steps.forEach((step, i) => {
    if (i === fused) {
      if (step.kind === 'command' && anchors.has(step.command))
        namesAfter.set(step.command, { available: state.available, defined: new Set(state.defined) });
      return;
    }
    switch (step.kind) {
      case 'match-point':
        stages.push(countMatched);
        return;
      case 'cap':
        stages.push(limitStage(step.count));
        return;
      case 'implicit-sort': {
        state.reads.add('@timestamp');
        const following = steps[i + 1];
        const span =
          following?.kind === 'command' ? following.command.span : { start: 0, end: text?.length ?? 0 };
        sortAt([timestampKey], i, () =>
          state.bound('the default newest-first order', 'rows', span, [
            "use limit any N, or the order: 'input' option, to keep input order without buffering",
            'lower the limit option',
          ]),
        );
        return;
      }
      case 'command': {
        const before = steps[i - 1];
        const ctx: CompileContext = {
          previous: before?.kind === 'command' ? before.command : undefined,
          window,
          readFrom: (t) => {
            readFrom = readFrom === undefined ? t : Math.min(readFrom, t);
          },
          state,
          emit: (stage) => stages.push(stage),
          sort: (keys, limit) => sortAt(keys, i, limit),
          statsStage: statsStageOf,
          display: (items) => {
            display = items;
          },
        };
        specOf(step.command).compile(step.command, ctx);
        if (anchors.has(step.command))
          namesAfter.set(step.command, { available: state.available, defined: new Set(state.defined) });
        return;
      }
      default:
        step satisfies never;
    }
  });
  // A filter moved ahead of a stats reads event fields there; where it was written, only the stats' columns
  // exist. The run keeps the move (the EKS guide's S1 filters after its stats), and the check is a warning.
  for (const step of steps) {
    if (step.kind !== 'command' || step.writtenAfter === undefined) continue;
    const names = namesAfter.get(step.writtenAfter);
    if (names?.available === undefined) continue;
    const spec = specOf(step.command);
    const at: CompileState = { ...state, available: names.available, defined: names.defined };
    for (const expr of spec.predicate?.exprs(step.command) ?? []) {
      warnUnavailable(expr, at, spec.keywords[0] ?? 'filter');
    }
  }
  let columns: { name: string; value: Evaluator }[];
  if (display !== undefined) {
    // The last display wins; its items are evaluated on the final rows.
    columns = display.map((item) => {
      checkAvailable(item.expr, state, 'display');
      return { name: itemName(item, state.text), value: compileExpr(item.expr, scopeOf(state)) };
    });
  } else {
    const names = state.explicitColumns ? state.columns : ['@timestamp', '@message', ...state.columns];
    if (!state.explicitColumns && state.available === undefined) {
      state.reads.add('@timestamp');
      state.reads.add('@message');
    }
    columns = names.map((name) => {
      const lookup = compileFieldLookup(name, undefined, fieldOptions);
      if (state.available === undefined && !state.defined.has(name)) state.reads.add(name);
      return { name, value: (row: Row) => lookup(row) };
    });
  }
  return {
    stages,
    projection: { columns },
    reads: state.reads,
    warnings: state.warnings,
    readFrom,
    prepares: state.side.prepares,
  };
}

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

/** `options.memoryBudgetBytes`, checked: a whole number of at least 1, or `Infinity`. */
function memoryBudgetOf(options: CompileOptions, text: string | undefined): number {
  const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  if (budget === Number.POSITIVE_INFINITY || (Number.isSafeInteger(budget) && budget >= 1)) return budget;
  return compileError(
    'invalid_argument',
    `the memoryBudgetBytes option must be a whole number of at least 1 (or Infinity), not ${budget}`,
    { start: 0, end: 0 },
    { text },
  );
}

/** `options.maxBufferedRows`, checked: a whole number of at least 1, or `Infinity`. */
function maxBufferedRowsOf(options: CompileOptions, text: string | undefined): number {
  const max = options.maxBufferedRows ?? DEFAULT_MAX_BUFFERED_ROWS;
  if (max === Number.POSITIVE_INFINITY || (Number.isSafeInteger(max) && max >= 1)) return max;
  return compileError(
    'invalid_argument',
    `the maxBufferedRows option must be a whole number of at least 1 (or Infinity), not ${max}`,
    { start: 0, end: 0 },
    { text },
  );
}

const utf8Encoder = new TextEncoder();
/** Scratch space for {@link utf8Length}: 3 bytes per UTF-16 unit is the most UTF-8 can take. */
let utf8Scratch = new Uint8Array(3 * 8192);
/** Messages up to this many UTF-16 units are measured by encoding them (native code); longer ones by a loop. */
const ENCODE_MAX_UNITS = 65536;

/** The UTF-8 byte length of a message (a lone surrogate counts as the 3 bytes of U+FFFD). */
function utf8Length(s: string): number {
  if (s.length <= ENCODE_MAX_UNITS) {
    if (utf8Scratch.length < 3 * s.length) utf8Scratch = new Uint8Array(3 * ENCODE_MAX_UNITS);
    return utf8Encoder.encodeInto(s, utf8Scratch).written;
  }
  return utf8LengthLoop(s);
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function utf8LengthLoop(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      if (c < 0x800) n += 1;
      else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(s.charCodeAt(i + 1))) {
        n += 2; // a surrogate pair: 4 bytes for 2 units
        i++;
      } else n += 2;
    }
  }
  return n;
}

/**
 * Compiles a query for running over log events.
 *
 * @param query - query text, or an AST from `parseQuery`
 * @throws {QueryError} for syntax errors, unknown functions (`unknown_function`,
 *   with a "did you mean" hint), wrong arity, invalid regexes, misplaced
 *   aggregates, more than two `stats`, commands after `dedup`, fields read
 *   after `stats` that it does not produce, commands that cannot run offline
 *   (`unsupported_command`), and a `diff` or `anomaly` not right after
 *   `pattern` (`misplaced_command`).
 * @example
 * ```ts
 * const q = compileQuery('filter verb = "delete" | stats count(*) by user.username');
 * const { rows } = await q.run(events);
 * ```
 */
export function compileQuery(query: string | QueryAst, options: CompileOptions = {}): CompiledQuery {
  // An AST is printed and re-parsed so that spans and expression names refer to real text.
  const text = typeof query === 'string' ? query : printQuery(query);
  const ast = parseQuery(text);
  const first = ast.commands[0];
  const source = first?.kind === 'SourceCommand' ? first : undefined;
  const steps = planCommands(applyStatsRules(ast.commands, text), options, text);
  const win = sourceWindow(source, text, options.now);
  const queryStart = maxDefined(options.startTime, win.start);
  const endTime = minDefined(options.endTime, win.end);
  const plan = compileSteps(steps, options, text, { startTime: queryStart, endTime });
  const budget = memoryBudgetOf(options, text);
  // The events read start earlier when a command needs an earlier window (diff).
  const startTime = minDefined(queryStart, plan.readFrom);
  const groupFilter = sourceGroups(source);
  const prefilter = computePrefilter(steps, text);
  const referencedFields: ReadonlySet<string> = new Set(plan.reads);
  const columns = plan.projection.columns.map((c) => c.name);

  const stream = (
    events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
    runOptions: RunOptions = {},
  ): QueryStream => {
    const statistics = { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 };
    const signal = runOptions.signal;
    const iterate = async function* (): AsyncGenerator<ResultRow> {
      if (signal?.aborted) throw cancelledError(text);
      const now = options.now ?? Date.now();
      const ctx: EvalContext = {
        startTime: queryStart ?? 0,
        endTime: endTime ?? now,
        now,
      };
      const memory = createRunMemory(budget, options.spill);
      const runState: RunState = { ctx, matched: 0, nextOrdinal: 0, memory };
      const out = createResultQueue(memory);
      if (plan.prepares.length > 0) {
        try {
          const side = createSideRun({
            state: runState,
            startTime,
            endTime,
            signal,
            text,
            input: events,
            reread: runOptions.input,
            sources: options.sources,
            lookups: options.lookups,
          });
          await prepareRun(plan.prepares, side);
        } catch (error) {
          memory.dispose();
          throw error;
        }
      }
      const tail: Sink = {
        push(row) {
          out.push(project(row, plan.projection, ctx));
          return true;
        },
        end() {},
      };
      const head = buildChain(plan.stages, tail, runState);
      let ordinal = 0;
      let open = true;
      const take = (event: LogEvent): void => {
        const row = eventRow(event, ordinal++);
        statistics.recordsScanned++;
        statistics.bytesScanned += event.messageBytes ?? utf8Length(event.message);
        // (an invalid time is NaN here: no window includes it)
        const t = event.timestampInvalid === true ? Number.NaN : event.timestamp;
        if (startTime !== undefined && !(t >= startTime)) return;
        if (endTime !== undefined && !(t <= endTime)) return;
        if (groupFilter !== undefined && event.logGroup !== undefined && !groupFilter(event.logGroup)) return;
        open = head.push(row);
        statistics.recordsMatched = runState.matched;
      };
      // The per-event loop runs outside the generator (hot loops in generators optimise poorly).
      const pumpSync = (it: Iterator<LogEvent>): boolean => {
        for (;;) {
          if (signal?.aborted) throw cancelledError(text);
          const next = it.next();
          if (next.done === true) return true;
          take(next.value);
          if (!open) return true;
          if (out.length > 0) return false;
        }
      };
      try {
        if (isSyncIterable(events)) {
          const it = events[Symbol.iterator]();
          let finished = false;
          try {
            for (;;) {
              const stop = pumpSync(it);
              if (out.length > 0) yield* out.drain();
              if (stop) break;
            }
            finished = true;
          } finally {
            if (!finished || !open) it.return?.();
          }
        } else if (hasBatches(events)) {
          // One await per batch instead of one per event: the per-event async hop costs more than the filter.
          for await (const batch of events.batches()) {
            for (let i = 0; i < batch.length && open; i++) {
              if (signal?.aborted) throw cancelledError(text);
              take(batch[i] as LogEvent);
            }
            if (out.length > 0) yield* out.drain();
            if (!open) break;
          }
        } else {
          for await (const event of events) {
            if (signal?.aborted) throw cancelledError(text);
            take(event);
            if (out.length > 0) yield* out.drain();
            if (!open) break;
          }
        }
        if (signal?.aborted) throw cancelledError(text);
        head.end();
        statistics.recordsMatched = runState.matched;
        if (out.length > 0) yield* out.drain();
      } finally {
        statistics.recordsMatched = runState.matched;
        out.discard();
        memory.dispose();
      }
    };
    const iterator = iterate();
    return {
      [Symbol.asyncIterator]: () => iterator,
      get statistics(): QueryStatistics {
        return { ...statistics };
      },
    };
  };

  return {
    ast,
    referencedFields,
    prefilter,
    window: { startTime, endTime },
    columns,
    warnings: plan.warnings,
    stream,
    async run(events, runOptions) {
      const s = stream(events, runOptions);
      const rows: ResultRow[] = [];
      for await (const row of s) rows.push(row);
      return { rows, fields: columnsOf(rows, columns), statistics: s.statistics };
    },
  };
}

/** The result rows a run has made and its reader has not taken yet. */
interface ResultQueue {
  readonly length: number;
  push(row: ResultRow): void;
  /** Hands over every queued row, in order, and empties the queue. */
  drain(): Generator<ResultRow>;
  /** Forgets the queue (the run ended early). */
  discard(): void;
}

/**
 * The queue between the plan's tail and the reader of the stream. A stage
 * that flushes at the end (`sort`, `stats`) pushes every row before the
 * reader takes any, so over the run's budget the queue goes on in a spill
 * run (rows keep their order). Without a spill store it is not bounded: the
 * rows are the result, and the stage before it was within the budget.
 */
function createResultQueue(memory: RunMemory): ResultQueue {
  let rows: ResultRow[] = [];
  let bytes = 0;
  let writer: SpillRunWriter | undefined;
  let spilled = 0;
  const release = (): void => {
    memory.used -= bytes;
    bytes = 0;
  };
  return {
    get length() {
      return rows.length + spilled;
    },
    push(row) {
      if (writer !== undefined) {
        const cells: unknown[] = [];
        for (const key of Object.keys(row)) cells.push(key, encodeValue(row[key]));
        writer.write(JSON.stringify(cells));
        spilled++;
        return;
      }
      rows.push(row);
      const n = estimateResultRowBytes(row);
      bytes += n;
      memory.used += n;
      if (mustSpill(memory, bytes)) writer = memory.store()?.createRun();
    },
    *drain() {
      const ready = rows;
      rows = [];
      release();
      yield* ready;
      if (writer === undefined) return;
      const run = writer.finish();
      writer = undefined;
      spilled = 0;
      try {
        for (const line of spillLines(run)) {
          const cells = JSON.parse(line) as unknown[];
          const row: Record<string, Value> = Object.create(null);
          for (let i = 0; i < cells.length; i += 2)
            row[cells[i] as string] = decodeValue(cells[i + 1]) as Value;
          yield row;
        }
      } finally {
        run.remove();
      }
    },
    discard() {
      rows = [];
      release();
      writer = undefined;
      spilled = 0;
    },
  };
}

/**
 * An event source that can also hand over its events in batches, as
 * `readLogs` does; the engine then awaits once per batch.
 *
 * @internal
 */
export interface BatchedEvents {
  batches(): AsyncIterable<readonly LogEvent[]>;
}

function hasBatches(
  x: AsyncIterable<LogEvent> | Iterable<LogEvent>,
): x is AsyncIterable<LogEvent> & BatchedEvents {
  return typeof (x as { batches?: unknown }).batches === 'function';
}

function isSyncIterable(x: AsyncIterable<LogEvent> | Iterable<LogEvent>): x is Iterable<LogEvent> {
  return typeof (x as Iterable<LogEvent>)[Symbol.iterator] === 'function' && !(Symbol.asyncIterator in x);
}

const PTR = '@ptr';

function project(row: Row, projection: Projection, ctx: EvalContext): ResultRow {
  const entries: [string, Value][] = [];
  for (const column of projection.columns) entries.push([column.name, column.value(row, ctx)]);
  if (row.event !== undefined && !projection.columns.some((c) => c.name === PTR)) {
    entries.push([PTR, eventPointer(row.event, row.ordinal)]);
  }
  return makeResultRow(entries);
}
