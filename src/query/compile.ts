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
import type {
  Command,
  DedupCommand,
  Expr,
  FieldRef,
  FilterCommand,
  FilterIndexCommand,
  Item,
  ParseCommand,
  QueryAst,
  SourceCommand,
  Span,
  StatsCommand,
} from './ast.js';
import { fieldRefName } from './ast.js';
import { dedupStage, sortedDedupStage } from './commands/dedup.js';
import { type FieldItem, fieldsStage } from './commands/fields.js';
import { filterStage } from './commands/filter.js';
import { filterIndexStage } from './commands/filter-index.js';
import { jsonStage } from './commands/json.js';
import { limitStage } from './commands/limit.js';
import {
  csvExtractor,
  type Extractor,
  globExtractor,
  globWildcards,
  groupsExtractor,
  logfmtExtractor,
  parseStage,
} from './commands/parse.js';
import { type CompiledSortKey, sortStage } from './commands/sort.js';
import { type CompiledStats, statsStage } from './commands/stats.js';
import { unmaskStage } from './commands/unmask.js';
import { unnestStage } from './commands/unnest.js';
import { QueryError } from './errors.js';
import {
  type AggregateSlot,
  compileError,
  compileExpr,
  compileRegexLit,
  containsAggregate,
  type Evaluator,
  type ExprScope,
  fieldRefsOf,
  resolveCalls,
  spanText,
} from './evaluate.js';
import type { EvalContext } from './functions/types.js';
import { parseQuery } from './parser.js';
import {
  type BufferLimit,
  buildChain,
  countMatched,
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

/** Options of {@link compileQuery}. */
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
}

/** The result rows of a run as they are produced, with statistics that are final once iteration ends. */
export interface QueryStream extends AsyncIterable<ResultRow> {
  readonly statistics: QueryStatistics;
}

/** A compiled query, reusable across inputs. */
export interface CompiledQuery {
  readonly ast: QueryAst;
  /** The event fields the query reads (flattened names, system fields included). */
  readonly referencedFields: ReadonlySet<string>;
  /**
   * Literals that must occur in a record for it to reach the output (see
   * {@link Prefilter}); empty `clauses` when nothing can be said.
   */
  readonly prefilter: Prefilter;
  /** The window on `@timestamp` the query applies (inclusive), after `SOURCE START=/END=`. */
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

/** A step of the laid-out plan. @internal */
export type PlanStep =
  | { readonly kind: 'command'; readonly command: Command }
  | { readonly kind: 'implicit-sort' }
  | { readonly kind: 'match-point' }
  | { readonly kind: 'cap'; readonly count: number };

const IMPLICIT_SORT: PlanStep = { kind: 'implicit-sort' };

function isFilter(c: Command): c is FilterCommand | FilterIndexCommand {
  return c.kind === 'FilterCommand' || c.kind === 'FilterIndexCommand';
}

function filterReads(c: FilterCommand | FilterIndexCommand): string[] {
  if (c.kind === 'FilterCommand') return fieldRefsOf(c.expr);
  const out = [fieldRefName(c.field)];
  for (const v of c.values) fieldRefsOf(v, out);
  return out;
}

/** The name a `fields`/`display`/`stats` item defines. @internal */
export function itemName(item: Item, text: string | undefined): string {
  if (item.alias !== undefined) return item.alias.name;
  return exprName(item.expr, text);
}

/**
 * The column name of an un-aliased expression: a field's flattened name, else the expression's text as written.
 *
 * @internal
 */
export function exprName(expr: Expr, text: string | undefined): string {
  if (expr.kind === 'FieldRef') return fieldRefName(expr);
  return spanText(expr.span, text) ?? '';
}

function parseNames(c: ParseCommand): string[] {
  switch (c.mode.kind) {
    case 'ParseGlob':
    case 'ParseCsv':
      return c.mode.names.map((n) => n.name);
    case 'ParseRegex':
      return c.mode.names.length > 0 ? c.mode.names.map((n) => n.name) : groupNamesOf(c.mode.regex.pattern);
    case 'ParseLogfmt':
      return [c.mode.name.name];
    default:
      return [];
  }
}

/** Named groups of a pattern, by a simple scan (exact names come from RE2 at compile). */
function groupNamesOf(pattern: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 3 < pattern.length; i++) {
    if (pattern[i] === '\\') {
      i++;
      continue;
    }
    if (pattern.startsWith('(?<', i) || pattern.startsWith('(?P<', i)) {
      const start = pattern.indexOf('<', i) + 1;
      const end = pattern.indexOf('>', start);
      if (end > start && pattern[start] !== '=' && pattern[start] !== '!')
        out.push(pattern.slice(start, end));
    }
  }
  return out;
}

/** Names a command defines on rows (for filter hoisting and reads analysis). */
function definedNames(c: Command, text: string | undefined): string[] {
  switch (c.kind) {
    case 'FieldsCommand':
      return c.items.map((i) => itemName(i, text));
    case 'ParseCommand':
      return parseNames(c);
    case 'UnnestCommand':
      return [c.into.name];
    case 'JsonCommand':
      return [c.alias.name];
    default:
      return [];
  }
}

/** Stats output names that a filter cannot be moved past (computed columns). */
function statsBlockingNames(c: StatsCommand, text: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const item of c.items) out.add(itemName(item, text));
  for (const g of c.groups) {
    const name = itemName(g, text);
    // A plain field grouped under its own name commutes with a filter on it.
    if (g.expr.kind === 'FieldRef' && fieldRefName(g.expr) === name) continue;
    out.add(name);
  }
  return out;
}

function overlaps(reads: readonly string[], names: Iterable<string>): boolean {
  const set = new Set(names);
  if (set.size === 0) return false;
  return reads.some((r) => {
    if (set.has(r)) return true;
    const parts = r.split('.');
    for (let i = parts.length - 1; i >= 1; i--) if (set.has(parts.slice(0, i).join('.'))) return true;
    return false;
  });
}

/**
 * Moves each filter ahead of the commands it commutes with (see the module
 * notes). The relative order of filters is kept.
 *
 * @internal
 */
export function hoistFilters(commands: readonly Command[], text: string | undefined): Command[] {
  const out: Command[] = [];
  for (const c of commands) {
    if (!isFilter(c)) {
      out.push(c);
      continue;
    }
    const reads = filterReads(c);
    let at = out.length;
    while (at > 0) {
      const prev = out[at - 1] as Command;
      let passes: boolean;
      switch (prev.kind) {
        case 'SortCommand':
        case 'LimitCommand':
        case 'DisplayCommand':
        case 'UnmaskCommand':
          passes = true;
          break;
        case 'FieldsCommand':
        case 'ParseCommand':
        case 'UnnestCommand':
        case 'JsonCommand':
          passes = !overlaps(reads, definedNames(prev, text));
          break;
        case 'StatsCommand':
          passes = !overlaps(reads, statsBlockingNames(prev, text));
          break;
        default:
          passes = false;
      }
      if (!passes) break;
      at--;
    }
    // (a filter that stays in place is appended: a splice at the end would copy nothing but still costs a call per element)
    if (at === out.length) out.push(c);
    else out.splice(at, 0, c);
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
    if (c.kind === 'PatternCommand' || c.kind === 'DiffCommand' || c.kind === 'AnomalyCommand') {
      const word = c.kind === 'PatternCommand' ? 'pattern' : c.kind === 'DiffCommand' ? 'diff' : 'anomaly';
      compileError(
        'unsupported_command',
        `${word} needs the service's machine-learning models and cannot run offline`,
        c.span,
        scope,
        ['group similar messages with stats count(*) by a parse-extracted field instead'],
      );
    }
    if (c.kind === 'SourceCommand' && i > 0) {
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
  const hoisted = hoistFilters(
    commands.filter((c) => c.kind !== 'SourceCommand'),
    text,
  );
  const steps: PlanStep[] = hoisted.map((command) => ({ kind: 'command', command }));
  // Implicit newest-first order before the first limit/dedup (or the end) when nothing sorted.
  if ((options.order ?? 'newest-first') === 'newest-first') {
    let insertAt: number | undefined = steps.length;
    for (let i = 0; i < steps.length; i++) {
      const c = (steps[i] as { command: Command }).command;
      if (c.kind === 'SortCommand' || c.kind === 'StatsCommand') {
        insertAt = undefined;
        break;
      }
      if ((c.kind === 'LimitCommand' && !c.any) || c.kind === 'DedupCommand') {
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
    if (s.kind === 'implicit-sort') {
      matchAt = i;
      break;
    }
    if (s.kind !== 'command') continue;
    const k = s.command.kind;
    if (k === 'SortCommand' || k === 'LimitCommand' || k === 'DedupCommand' || k === 'StatsCommand') {
      matchAt = i;
      break;
    }
  }
  steps.splice(matchAt, 0, { kind: 'match-point' });
  const hasLimit = commands.some((c) => c.kind === 'LimitCommand');
  if (options.limit !== undefined) steps.push({ kind: 'cap', count: options.limit });
  else if (!hasLimit) steps.push({ kind: 'cap', count: DEFAULT_LIMIT });
  return steps;
}

/** The time window of a `SOURCE … START=… END=…` prefix. */
function sourceWindow(
  source: SourceCommand | undefined,
  text: string | undefined,
  now: number | undefined,
): { start?: number; end?: number } {
  if (source === undefined) return {};
  const read = (lit: SourceCommand['start']): number | undefined => {
    if (lit === undefined) return undefined;
    if (lit.kind === 'NumberLit') return lit.value;
    const iso = Date.parse(lit.value);
    if (!Number.isNaN(iso)) return iso;
    const rel = /^(-?\d{1,12})(ms|s|m|h|d)$/.exec(lit.value);
    if (rel !== null && now !== undefined) {
      const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 'ms'];
      return now + Number(rel[1]) * unit;
    }
    return compileError(
      'invalid_argument',
      `cannot read "${lit.value}" as a time (epoch ms, an ISO timestamp, or -3600s relative to the now option)`,
      lit.span,
      { text },
    );
  };
  const out: { start?: number; end?: number } = {};
  const start = read(source.start);
  const end = read(source.end);
  if (start !== undefined) out.start = start;
  if (end !== undefined) out.end = end;
  return out;
}

/** Log-group selectors of SOURCE: exact names and name prefixes. */
function sourceGroups(source: SourceCommand | undefined): ((group: string) => boolean) | undefined {
  if (source === undefined) return undefined;
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const sel of source.selectors) {
    if (sel.kind === 'StringLit') exact.add(sel.value);
    else
      for (const arg of sel.args)
        if (arg.name.toLowerCase() === 'nameprefix') for (const v of arg.values) prefixes.push(v.value);
  }
  if (exact.size === 0 && prefixes.length === 0) return undefined;
  return (group) => {
    // The service's @log is "account-id:log-group-name": match the name part.
    const colon = group.indexOf(':');
    const name = colon >= 0 && /^\d{12}:/.test(group) ? group.slice(colon + 1) : group;
    return exact.has(name) || prefixes.some((p) => name.startsWith(p));
  };
}

interface Projection {
  readonly columns: readonly { readonly name: string; readonly value: Evaluator }[];
}

interface CompileState {
  readonly text: string | undefined;
  /** Makes the bound of a buffering stage (see `CompileOptions.maxBufferedRows`). */
  readonly bound: (what: string, unit: string, span: Span, hints: readonly string[]) => BufferLimit;
  readonly fieldOptions: FieldLookupOptions;
  readonly defined: Set<string>;
  readonly reads: Set<string>;
  /** Names available after the last stats (undefined before any stats). */
  available: Set<string> | undefined;
  statsSeen: number;
  /** Output columns so far (without display). */
  columns: string[];
  /** The names in `columns`, for an O(1) membership test (a `fields` of 50k names stays linear). */
  columnSet: Set<string>;
  explicitColumns: boolean;
  /** Problems that do not stop the query (see `CompiledQuery.warnings`). */
  readonly warnings: QueryError[];
}

function scopeOf(state: CompileState, extra: Partial<ExprScope> = {}): ExprScope {
  return {
    text: state.text,
    fieldOptions: state.fieldOptions,
    defined: state.defined,
    onFieldRead: (name) => {
      if (state.available === undefined) state.reads.add(name);
    },
    ...(state.available === undefined ? {} : { columns: state.available }),
    ...extra,
  };
}

/** After stats, every field read must be a stats output or defined later. */
function checkAvailable(expr: Expr, state: CompileState, what: string): void {
  if (state.available === undefined) return;
  const available = state.available;
  const visit = (e: Expr): void => {
    if (e.kind === 'FieldRef') {
      const name = fieldRefName(e);
      const parts = name.split('.');
      let ok = available.has(name) || state.defined.has(name);
      for (let i = parts.length - 1; i >= 1 && !ok; i--) {
        const p = parts.slice(0, i).join('.');
        ok = available.has(p) || state.defined.has(p);
      }
      if (!ok) {
        compileError(
          'unknown_field_after_stats',
          `${what} reads "${name}", which the preceding stats does not produce`,
          e.span,
          { text: state.text },
          [`fields available here: ${[...available].join(', ')}`],
        );
      }
      return;
    }
    if (e.kind === 'CallExpr') {
      const text = spanText(e.span, state.text);
      if (text !== undefined && [...available].some((c) => squeezeEq(c, text))) return;
      for (const a of e.args) visit(a);
      return;
    }
    for (const child of childExprs(e)) visit(child);
  };
  visit(expr);
}

/** As {@link checkAvailable}, but a field that the stats does not produce is a warning, not an error. */
function warnUnavailable(expr: Expr, state: CompileState, what: string): void {
  try {
    checkAvailable(expr, state, what);
  } catch (error) {
    if (!(error instanceof QueryError) || error.code !== 'unknown_field_after_stats') throw error;
    state.warnings.push(error);
  }
}

function squeezeEq(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, '').toLowerCase();
  return norm(a) === norm(b);
}

function childExprs(e: Expr): Expr[] {
  switch (e.kind) {
    case 'BinaryExpr':
      return [e.left, e.right];
    case 'UnaryExpr':
      return [e.operand];
    case 'LikeExpr':
    case 'RegexMatchExpr':
      return [e.subject];
    case 'InExpr':
      return [e.subject, ...e.list.items];
    case 'ListLit':
      return [...e.items];
    case 'AccessExpr':
      return [e.object];
    case 'CallExpr':
      return [...e.args];
    default:
      return [];
  }
}

function addColumns(state: CompileState, names: readonly string[]): void {
  for (const n of names) {
    if (state.columnSet.has(n)) continue;
    state.columnSet.add(n);
    state.columns.push(n);
  }
}

function compileStats(c: StatsCommand, state: CompileState): CompiledStats {
  state.statsSeen++;
  for (const item of [...c.items, ...c.groups]) resolveCalls(item.expr, { text: state.text });
  if (state.available !== undefined) {
    // Second stats: it sees only what the first one produced.
    for (const item of [...c.items, ...c.groups]) checkAvailable(item.expr, state, 'the second stats');
    const needsTimestamp = [...c.items, ...c.groups].some((i) => fieldRefsOf(i.expr).includes('@timestamp'));
    if (needsTimestamp && !state.available.has('@timestamp') && !state.defined.has('@timestamp')) {
      compileError(
        'unknown_field_after_stats',
        'bin() in the second stats needs @timestamp: name a column @timestamp in the first stats (… by bin(1m) as @timestamp)',
        c.span,
        { text: state.text },
      );
    }
  }
  const groups = c.groups.map((g) => {
    if (containsAggregate(g.expr)) {
      compileError(
        'aggregate_not_allowed',
        'a stats group (by …) cannot contain an aggregate function',
        g.span,
        {
          text: state.text,
        },
      );
    }
    return { name: itemName(g, state.text), value: compileExpr(g.expr, scopeOf(state)) };
  });
  const slots: AggregateSlot[] = [];
  const slotValues: { current: readonly Value[] } = { current: [] };
  const outputNames = new Set(groups.map((g) => g.name));
  const items = c.items.map((item) => {
    const name = itemName(item, state.text);
    const hasAgg = containsAggregate(item.expr);
    // Outside aggregate calls, an item may read only earlier items and groups.
    const bare: string[] = [];
    collectBareRefs(item.expr, bare);
    const unknown = bare.filter((r) => !outputNames.has(r));
    if (unknown.length > 0 || (!hasAgg && bare.length === 0)) {
      compileError(
        'aggregate_required',
        unknown.length > 0
          ? `"${unknown[0]}" in a stats item must be inside an aggregate function (or be an earlier alias)`
          : 'a stats item needs an aggregate function such as count(*)',
        item.span,
        { text: state.text },
      );
    }
    const itemScope = scopeOf(state, {
      aggregates: { slots, slotValues },
      defined: new Set([...state.defined, ...outputNames]),
    });
    const value = compileExpr(item.expr, { ...itemScope, columns: undefined });
    outputNames.add(name);
    return { name, value };
  });
  const tsLookup = compileFieldLookup('@timestamp', ['@timestamp'], state.fieldOptions);
  const timestamp = (row: Row): number | undefined => {
    if (row.event !== undefined && (row.defined === undefined || !row.defined.has('@timestamp'))) {
      return row.event.timestampInvalid === true ? undefined : row.event.timestamp;
    }
    const v = tsLookup(row);
    if (v instanceof Date) return v.getTime();
    return typeof v === 'number' ? v : undefined;
  };
  const columns = [...groups.map((g) => g.name), ...items.map((i) => i.name)];
  state.available = new Set(columns);
  state.defined.clear();
  state.columns = [...columns];
  state.columnSet = new Set(columns);
  state.explicitColumns = true;
  return { groups, slots, items, slotValues, timestamp };
}

/** Field references outside aggregate calls. */
function collectBareRefs(e: Expr, out: string[]): void {
  if (e.kind === 'FieldRef') {
    out.push(fieldRefName(e));
    return;
  }
  if (e.kind === 'CallExpr' && containsAggregate(e) && !e.args.some(containsAggregate)) return;
  for (const child of childExprs(e)) collectBareRefs(child, out);
}

function compileParse(c: ParseCommand, state: CompileState): StageFactory {
  const scope = scopeOf(state);
  const sourceRef: Expr =
    c.field ??
    ({
      kind: 'FieldRef',
      path: [{ kind: 'name', name: '@message' }],
      text: '@message',
      span: c.span,
    } as FieldRef);
  checkAvailable(sourceRef, state, 'parse');
  const source = compileExpr(sourceRef, scope);
  const mode = c.mode;
  let names: string[];
  let extract: Extractor;
  switch (mode.kind) {
    case 'ParseGlob': {
      names = mode.names.map((n) => n.name);
      const stars = globWildcards(mode.pattern);
      if (stars !== names.length) {
        compileError(
          'parse_name_mismatch',
          `the pattern has ${stars} * wildcard${stars === 1 ? '' : 's'} but ${names.length} name${names.length === 1 ? '' : 's'} after as`,
          mode.span,
          scope,
        );
      }
      extract = globExtractor(mode.pattern, names);
      break;
    }
    case 'ParseRegex': {
      const re = compileRegexLit(mode.regex, scope);
      names = mode.names.map((n) => n.name);
      if (names.length === 0 && re.groupNames.length === 0) {
        compileError(
          'parse_name_mismatch',
          'a parse regex needs named groups (?<name>…) or names after as',
          mode.regex.span,
          scope,
        );
      }
      const groupCount = countGroups(mode.regex.pattern);
      if (names.length > 0 && names.length > groupCount) {
        compileError(
          'parse_name_mismatch',
          `the regex has ${groupCount} capture group${groupCount === 1 ? '' : 's'} but ${names.length} names after as`,
          mode.span,
          scope,
        );
      }
      extract = groupsExtractor(re, names, mode.multi);
      if (names.length === 0) names = [...re.groupNames];
      break;
    }
    case 'ParseLogfmt':
      names = [mode.name.name];
      extract = logfmtExtractor(mode.name.name);
      break;
    case 'ParseCsv':
      names = mode.names.map((n) => n.name);
      extract = csvExtractor(names);
      break;
    default:
      return mode satisfies never;
  }
  for (const n of names) state.defined.add(n);
  if (state.available !== undefined) for (const n of names) state.available.add(n);
  addColumns(state, names);
  const limit = state.bound('parse … multi', 'rows from one row', c.span, [
    'use a regex that matches fewer times per line',
  ]);
  return parseStage(source, names, extract, limit);
}

/** Counts capture groups of a pattern by a simple scan (escapes and classes skipped). */
function countGroups(pattern: string): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === '(') {
      if (pattern[i + 1] !== '?') n++;
      else if (pattern[i + 2] === '<' || pattern[i + 2] === 'P') n++;
    }
  }
  return n;
}

function compileItems(items: readonly Item[], state: CompileState, what: string): FieldItem[] {
  const out: FieldItem[] = [];
  for (const item of items) {
    checkAvailable(item.expr, state, what);
    const name = itemName(item, state.text);
    const value = compileExpr(item.expr, scopeOf(state));
    if (item.expr.kind === 'FieldRef' && name === fieldRefName(item.expr)) continue;
    out.push({ name, value });
  }
  return out;
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
    else if (s.kind === 'command' && s.command.kind === 'LimitCommand')
      k = Math.min(k ?? s.command.count, s.command.count);
    else if (s.kind === 'command' && isOneToOne(s.command)) continue;
    else break;
  }
  return k;
}

/** Commands that pass every row on exactly once (so a later limit bounds an earlier sort). */
function isOneToOne(c: Command): boolean {
  switch (c.kind) {
    case 'FieldsCommand':
    case 'DisplayCommand':
    case 'UnmaskCommand':
    case 'JsonCommand':
      return true;
    case 'ParseCommand':
      return c.mode.kind !== 'ParseRegex' || !c.mode.multi;
    default:
      return false;
  }
}

interface CompiledPlan {
  readonly stages: readonly StageFactory[];
  readonly projection: Projection;
  readonly reads: ReadonlySet<string>;
  readonly warnings: readonly QueryError[];
}

function compileSteps(
  steps: readonly PlanStep[],
  options: CompileOptions,
  text: string | undefined,
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
  };
  const stages: StageFactory[] = [];
  let display: readonly Item[] | undefined;
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
  steps.forEach((step, i) => {
    if (i === fused) return;
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
        if (following?.kind === 'command' && following.command.kind === 'DedupCommand') {
          sorts++; // (a sort fused with dedup is a sort too: the seam is for the first one only)
          stages.push(compileSortedDedup([timestampKey], following.command, state));
          fused = i + 1;
          return;
        }
        const span =
          following?.kind === 'command' ? following.command.span : { start: 0, end: text?.length ?? 0 };
        const limit = state.bound('the default newest-first order', 'rows', span, [
          "use limit any N, or the order: 'input' option, to keep input order without buffering",
          'lower the limit option',
        ]);
        stages.push(sortOf([timestampKey], i, limit));
        return;
      }
      default:
        break;
    }
    const c = step.command;
    switch (c.kind) {
      case 'FilterCommand': {
        checkAvailable(c.expr, state, 'filter');
        stages.push(filterStage(compileExpr(c.expr, scopeOf(state))));
        return;
      }
      case 'FilterIndexCommand': {
        const scope = scopeOf(state);
        checkAvailable(c.field, state, 'filterIndex');
        const field = compileExpr(c.field, scope);
        const values = c.values.map((v) => compileExpr(v, scope));
        stages.push(filterIndexStage(field, values));
        return;
      }
      case 'FieldsCommand': {
        const items = compileItems(c.items, state, 'fields');
        for (const item of c.items) {
          const name = itemName(item, state.text);
          state.defined.add(name);
          state.available?.add(name);
        }
        addColumns(
          state,
          c.items.map((item) => itemName(item, state.text)),
        );
        if (!state.explicitColumns) state.explicitColumns = true;
        if (items.length > 0) stages.push(fieldsStage(items));
        return;
      }
      case 'DisplayCommand':
        display = c.items;
        return;
      case 'StatsCommand': {
        const limit = state.bound('stats', 'groups', c.span, [
          'group by fewer or coarser values, such as a larger bin()',
        ]);
        const compiled = compileStats(c, state);
        const custom = state.statsSeen === 1 ? options.firstStatsStage : undefined;
        stages.push(custom === undefined ? statsStage(compiled, limit) : custom(compiled, limit));
        const bin = c.groups.findIndex(
          (g) => g.expr.kind === 'CallExpr' && g.expr.name.toLowerCase() === 'bin',
        );
        if (bin !== -1) stages.push(binOrderStage(compiled.groups[bin]?.name ?? '', fieldOptions, limit));
        return;
      }
      case 'SortCommand': {
        const scope = scopeOf(state);
        const keys = c.keys.map((k): CompiledSortKey => {
          warnUnavailable(k.expr, state, 'sort');
          return { value: compileExpr(k.expr, scope), descending: k.direction === 'desc' };
        });
        const following = steps[i + 1];
        if (following?.kind === 'command' && following.command.kind === 'DedupCommand') {
          sorts++;
          stages.push(compileSortedDedup(keys, following.command, state));
          fused = i + 1;
          return;
        }
        const limit = state.bound('sort', 'rows', c.span, [
          'add a limit after the sort to keep only the top rows',
          'narrow the input with filters or a time window',
        ]);
        stages.push(sortOf(keys, i, limit));
        return;
      }
      case 'LimitCommand':
        stages.push(limitStage(c.count));
        return;
      case 'ParseCommand':
        stages.push(compileParse(c, state));
        return;
      case 'JsonCommand': {
        checkAvailable(c.field, state, 'json');
        const field = compileExpr(c.field, scopeOf(state));
        state.defined.add(c.alias.name);
        state.available?.add(c.alias.name);
        addColumns(state, [c.alias.name]);
        stages.push(jsonStage(field, c.path, c.alias.name));
        return;
      }
      case 'DedupCommand': {
        const limit = state.bound('dedup', 'distinct keys', c.span, [
          'dedup by fewer or coarser fields, or narrow the input with filters',
        ]);
        stages.push(dedupStage(compileDedupFields(c, state), limit));
        return;
      }
      case 'UnnestCommand': {
        checkAvailable(c.expr, state, 'unnest');
        const value = compileExpr(c.expr, scopeOf(state));
        state.defined.add(c.into.name);
        state.available?.add(c.into.name);
        addColumns(state, [c.into.name]);
        const limit = state.bound('unnest', 'rows from one row', c.span, []);
        stages.push(unnestStage(value, c.into.name, limit));
        return;
      }
      case 'UnmaskCommand':
        if (c.expr !== undefined) compileExpr(c.expr, scopeOf(state));
        stages.push(unmaskStage);
        return;
      case 'PatternCommand':
      case 'DiffCommand':
      case 'AnomalyCommand':
      case 'SourceCommand':
        return;
      default:
        c satisfies never;
    }
  });
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
  return { stages, projection: { columns }, reads: state.reads, warnings: state.warnings };
}

/**
 * The time order of a `stats … by bin(…)`: groups come out oldest bin first
 * (as the console shows them), groups of the same bin in order of first
 * appearance (the sort is stable). A later `sort` still decides.
 */
function binOrderStage(name: string, fieldOptions: FieldLookupOptions, limit: BufferLimit): StageFactory {
  const lookup = compileFieldLookup(name, undefined, fieldOptions);
  return sortStage([{ value: (row: Row) => lookup(row), descending: false }], undefined, limit);
}

function compileDedupFields(c: DedupCommand, state: CompileState): Evaluator[] {
  const scope = scopeOf(state);
  return c.fields.map((f) => {
    checkAvailable(f, state, 'dedup');
    return compileExpr(f, scope);
  });
}

/** A sort directly followed by dedup: one stage that keeps one row per distinct key. */
function compileSortedDedup(
  keys: readonly CompiledSortKey[],
  c: DedupCommand,
  state: CompileState,
): StageFactory {
  const limit = state.bound(
    'dedup',
    'rows (one per distinct key, plus the rows with a missing field)',
    c.span,
    ['dedup by fewer or coarser fields, or narrow the input with filters'],
  );
  return sortedDedupStage(keys, compileDedupFields(c, state), limit);
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
 * Compiles a query for running over log events.
 *
 * @param query - query text, or an AST from `parseQuery`
 * @throws {QueryError} for syntax errors, unknown functions (`unknown_function`,
 *   with a "did you mean" hint), wrong arity, invalid regexes, misplaced
 *   aggregates, more than two `stats`, commands after `dedup`, fields read
 *   after `stats` that it does not produce, and `pattern`/`diff`/`anomaly`
 *   (`unsupported_command`).
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
  const plan = compileSteps(steps, options, text);
  const budget = memoryBudgetOf(options, text);
  const win = sourceWindow(source, text, options.now);
  const startTime = maxDefined(options.startTime, win.start);
  const endTime = minDefined(options.endTime, win.end);
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
      if (signal?.aborted) throw cancelled(text);
      const now = options.now ?? Date.now();
      const ctx: EvalContext = {
        startTime: startTime ?? 0,
        endTime: endTime ?? now,
        now,
      };
      const memory = createRunMemory(budget, options.spill);
      const runState: RunState = { ctx, matched: 0, nextOrdinal: 0, memory };
      const out = createResultQueue(memory);
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
          if (signal?.aborted) throw cancelled(text);
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
              if (signal?.aborted) throw cancelled(text);
              take(batch[i] as LogEvent);
            }
            if (out.length > 0) yield* out.drain();
            if (!open) break;
          }
        } else {
          for await (const event of events) {
            if (signal?.aborted) throw cancelled(text);
            take(event);
            if (out.length > 0) yield* out.drain();
            if (!open) break;
          }
        }
        if (signal?.aborted) throw cancelled(text);
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

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
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
