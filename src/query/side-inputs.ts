/**
 * Data a query brings in besides its input, and how the compiler uses it:
 * the right side of a `join` and the inner query of a subquery (events of
 * a source the caller supplies, or the query's own input again), and the
 * tables of `lookup` and `cidrlookup`.
 *
 * The engine never fetches anything: `CompileOptions.sources` maps a
 * source name (what `SOURCE '<name>'` says inside a `join` or a subquery)
 * to events, and `CompileOptions.lookups` maps a table name to a
 * {@link LookupTable}; the run layer fills them from files (`query()`'s
 * `sources`/`lookups` options, the CLI's `--source`/`--lookup`).
 *
 * Before a run reads its input it *prepares* each of these once: it runs
 * every inner query to the end (a join's right side into a hash table, a
 * subquery's values into a set) and indexes every lookup table (a `lookup`
 * or `cidrlookup` inside an inner query is indexed by {@link runInner}, just
 * before that query runs, exactly as at the top level). What they
 * hold is charged to the run's byte budget; past it the run stops with
 * `resource_limit` (they cannot spill). Inner queries see the run's time
 * window (and their own `SOURCE … START/END`), are not capped at 10,000
 * rows (an explicit `limit` inside applies), read their rows in input order,
 * and cannot nest.
 *
 * @module
 */

import type { LogEvent } from '../log-event.js';
import type {
  Expr,
  InSubqueryExpr,
  LookupColumn,
  LookupCommand,
  QueryAst,
  SourceCommand,
  Span,
} from './ast.js';
import { fieldRefName } from './ast.js';
import { cancelledError, QueryError } from './errors.js';
import type { Evaluator, ExprScope } from './evaluate.js';
import type { EvalContext } from './functions/types.js';
import type { LookupTable } from './lookup-table.js';
import { type BufferLimit, buildChain, type RunState, type Sink, type StageFactory } from './plan.js';
import { compileFieldLookup, eventRow, type FieldLookup, type FieldLookupOptions, type Row } from './row.js';
import { createValueSetBuilder, inSubqueryEvaluator, type ValueKeySet } from './subquery-set.js';
import { maxDefined, minDefined } from './window.js';

/**
 * Events a source supplies: an array or other iterable, or an async iterable (read once a run).
 *
 * @example
 * ```ts
 * import { compileQuery, readLogs, type SourceEvents } from 'kubetrail/engine';
 * const cloudtrail: SourceEvents = readLogs('samples/incident/cloudtrail/');
 * const text =
 *   'filter sourceIPs.0 in (SOURCE "cloudtrail" | filter errorCode = "AccessDenied" | fields sourceIPAddress) | stats count(*) by user.username';
 * const { rows } = await compileQuery(text, { sources: { cloudtrail } }).run(readLogs('samples/incident/cloudwatch-export/'));
 * ```
 */
export type SourceEvents = AsyncIterable<LogEvent> | Iterable<LogEvent>;

/**
 * A source as the caller gives it: events, or a function that gives them (called once a run).
 *
 * @example
 * ```ts
 * import { compileQuery, readLogs, type SourceSupply } from 'kubetrail/engine';
 * const cloudtrail: SourceSupply = () => readLogs('samples/incident/cloudtrail/'); // called once a run
 * const q = compileQuery('filter sourceIPs.0 in (SOURCE "cloudtrail" | fields sourceIPAddress)', { sources: { cloudtrail } });
 * const first = await q.run(readLogs('samples/incident/cloudwatch-export/'));
 * const again = await q.run(readLogs('samples/incident/cloudwatch-export/')); // the source is read afresh
 * ```
 */
export type SourceSupply = SourceEvents | (() => SourceEvents);

/**
 * A lookup table as the caller gives it: the table, or a function that gives it (called at most once a run).
 *
 * @example
 * ```ts
 * import { compileQuery, loadLookupTable, type LookupSupply, readLogs } from 'kubetrail/engine';
 * // Loaded at most once a run, when a run needs it.
 * const networks: LookupSupply = () => loadLookupTable('networks', 'test/fixtures/lookups/networks.csv');
 * const text = 'filter ispresent(sourceIPs.0) | cidrlookup networks sourceIPs.0 OUTPUT zone | stats count(*) by zone';
 * const { rows } = await compileQuery(text, { lookups: { networks } }).run(readLogs('samples/incident/'));
 * ```
 */
export type LookupSupply = LookupTable | (() => LookupTable | Promise<LookupTable>);

/** What a run knows while it prepares: its state, window and signal, and where sources and tables come from. @internal */
export interface SideRun {
  readonly state: RunState;
  readonly startTime: number | undefined;
  readonly endTime: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly text: string;
  /** The events a `SOURCE` selects (the query's own input again without one). */
  events(source: SourceCommand | undefined, at: Span): SourceEvents[];
  /** The table of a name (loaded at most once a run). */
  table(name: string, at: Span): Promise<LookupTable>;
}

/** A step a run takes before it reads its input. @internal */
export type Prepare = (run: SideRun) => Promise<void>;

/** An inner query, compiled. @internal */
export interface InnerPlan {
  readonly stages: readonly StageFactory[];
  /** The inner query's output columns (`fields`, `stats`, … or `@timestamp`, `@message`). */
  readonly columns: readonly { readonly name: string; readonly value: Evaluator }[];
  readonly source: SourceCommand | undefined;
  /** The inner query's own `SOURCE … START/END` window. */
  readonly window: { readonly start?: number; readonly end?: number };
  /** The earliest time one of its commands asked to read from (`diff`'s earlier window). */
  readonly readFrom?: number | undefined;
  /** What its own commands prepare (the indexes of its `lookup` and `cidrlookup` tables), run by {@link runInner}. */
  readonly prepares: readonly Prepare[];
}

/** What the compiler lends the commands of this module. @internal */
export interface SideCompileContext {
  readonly text: string | undefined;
  readonly scope: ExprScope;
  readonly fieldOptions: FieldLookupOptions;
  readonly bound: (what: string, unit: string, span: Span, hints: readonly string[]) => BufferLimit;
  /** Checks that an expression reads only what is available here (after `stats`). */
  readonly check: (expr: Expr, what: string) => void;
  /** Registers names the command defines on rows (as output columns too, unless told). */
  readonly define: (names: readonly string[], asColumns?: boolean) => void;
  readonly compileInner: (query: QueryAst) => InnerPlan;
  readonly sources: Readonly<Record<string, SourceSupply>> | undefined;
  readonly lookups: Readonly<Record<string, LookupSupply>> | undefined;
  readonly prepares: Prepare[];
}

function queryError(
  code: QueryError['code'],
  message: string,
  span: Span,
  text: string | undefined,
  hints: readonly string[] = [],
): QueryError {
  return new QueryError({ code, message, phase: 'compile', span, source: text ?? '', hints });
}

function sourceHint(names: readonly string[]): string {
  return names.length === 0
    ? 'no source was supplied: pass --source NAME=PATH, or the sources option of query()'
    : `sources supplied: ${names.join(', ')}`;
}

/** Checks at compile time, when the caller supplied sources, that a `SOURCE` names only those. */
export function checkSourceNames(source: SourceCommand | undefined, ctx: SideCompileContext): void {
  if (source === undefined || ctx.sources === undefined) return;
  const names = Object.keys(ctx.sources);
  for (const sel of source.selectors) {
    if (sel.kind === 'StringLit' && !Object.hasOwn(ctx.sources, sel.value))
      throw queryError('unknown_source', `no source named "${sel.value}" was supplied`, sel.span, ctx.text, [
        sourceHint(names),
      ]);
  }
}

/**
 * The events of the sources a `SOURCE` selects: each quoted name exactly,
 * and `logGroups(namePrefix: […])` every supplied name with one of the
 * prefixes, in the order the sources were supplied.
 *
 * @throws {QueryError} `unknown_source`
 * @internal
 */
export function selectSources(
  source: SourceCommand,
  sources: Readonly<Record<string, SourceSupply>> | undefined,
  text: string,
): SourceSupply[] {
  const supplied = sources ?? {};
  const names = Object.keys(supplied);
  const out: SourceSupply[] = [];
  for (const sel of source.selectors) {
    if (sel.kind === 'StringLit') {
      if (!Object.hasOwn(supplied, sel.value)) {
        const error = queryError(
          'unknown_source',
          `no source named "${sel.value}" was supplied`,
          sel.span,
          text,
          [sourceHint(names)],
        );
        throw new QueryError({
          code: error.code,
          message: error.message,
          phase: 'run',
          span: error.span,
          source: text,
          hints: error.hints,
        });
      }
      out.push(supplied[sel.value] as SourceSupply);
      continue;
    }
    const prefixes = sel.args
      .filter((a) => a.name.toLowerCase() === 'nameprefix')
      .flatMap((a) => a.values.map((v) => v.value));
    for (const name of names)
      if (prefixes.some((p) => name.startsWith(p))) out.push(supplied[name] as SourceSupply);
  }
  return out;
}

/**
 * Runs an inner query to the end over the events its `SOURCE` selects,
 * within the run's window, handing each output row (before projection) to
 * `onRow`. Its stages share the run's budget and spill store. Its own
 * prepare steps (a `lookup` or `cidrlookup` inside it) run first, against
 * its own run state, so its stages find their indexes as a top-level
 * query's do; tables are still loaded at most once a run.
 *
 * @internal
 */
export async function runInner(
  plan: InnerPlan,
  run: SideRun,
  at: Span,
  onRow: (row: Row) => void,
): Promise<void> {
  const start = minDefined(maxDefined(run.startTime, plan.window.start), plan.readFrom);
  const end = minDefined(run.endTime, plan.window.end);
  const state: RunState = { ctx: run.state.ctx, matched: 0, nextOrdinal: 0, memory: run.state.memory };
  if (plan.prepares.length > 0) await prepareRun(plan.prepares, { ...run, state });
  const tail: Sink = {
    push(row) {
      onRow(row);
      return true;
    },
    end() {},
  };
  const head = buildChain(plan.stages, tail, state);
  let ordinal = 0;
  let open = true;
  for (const events of run.events(plan.source, at)) {
    for await (const event of events) {
      if (run.signal?.aborted) throw cancelledError(run.text);
      const ordinalHere = ordinal++;
      const t = event.timestampInvalid === true ? Number.NaN : event.timestamp;
      if (start !== undefined && !(t >= start)) continue;
      if (end !== undefined && !(t <= end)) continue;
      open = head.push(eventRow(event, ordinalHere));
      if (!open) break;
    }
    if (!open) break;
  }
  head.end();
}

/**
 * Compiles `subject in (subquery)`: registers the inner query's run for
 * each run (its values for the compared field become a set) and returns the
 * membership test. The compared column is the inner query's column named
 * like the subject field, else its only column.
 *
 * @throws {QueryError} `subquery_field_missing`
 * @internal
 */
export function compileInSubquery(
  expr: InSubqueryExpr,
  subject: Evaluator,
  ctx: SideCompileContext,
): Evaluator {
  const inner = ctx.compileInner(expr.query);
  checkSourceNames(inner.source, ctx);
  const wanted = expr.subject.kind === 'FieldRef' ? fieldRefName(expr.subject) : undefined;
  const columns = inner.columns.filter((col) => col.name !== '@ptr');
  const column =
    columns.find((col) => col.name === wanted) ?? (columns.length === 1 ? columns[0] : undefined);
  if (column === undefined) {
    throw queryError(
      'subquery_field_missing',
      wanted === undefined
        ? 'the subquery must produce exactly one column to compare with'
        : `the subquery does not produce "${wanted}" (nor exactly one column)`,
      expr.query.span,
      ctx.text,
      [
        `end the subquery with | fields ${wanted ?? '<field>'}`,
        `it produces: ${columns.map((col) => col.name).join(', ')}`,
      ],
    );
  }
  const limit = ctx.bound('the subquery', 'distinct values', expr.query.span, [
    'narrow the subquery with a filter',
  ]);
  const sets = new WeakMap<EvalContext, ValueKeySet>();
  ctx.prepares.push(async (run) => {
    const build = createValueSetBuilder(run.state.memory, limit);
    const value = column.value;
    await runInner(inner, run, expr.query.span, (row) => build.add(value(row, run.state.ctx)));
    sets.set(run.state.ctx, build.finish());
  });
  return inSubqueryEvaluator(subject, (evalCtx) => sets.get(evalCtx) as ValueKeySet, expr.negated);
}

function unknownColumn(table: LookupTable, column: LookupColumn['column'], text: string): QueryError {
  return new QueryError({
    code: 'unknown_lookup_column',
    message: `the lookup table "${table.name}"${table.file === undefined ? '' : ` (${table.file})`} has no column "${column.name}"`,
    phase: 'run',
    span: column.span,
    source: text,
    hints: [`its columns: ${table.columns.join(', ')}`],
  });
}

export function columnOf(table: LookupTable, column: LookupColumn['column'], text: string): number {
  const i = table.columns.indexOf(column.name);
  if (i < 0) throw unknownColumn(table, column, text);
  return i;
}

export function checkTable(name: LookupCommand['table'], ctx: SideCompileContext): void {
  if (ctx.lookups === undefined || Object.hasOwn(ctx.lookups, name.name)) return;
  const names = Object.keys(ctx.lookups);
  throw queryError(
    'unknown_lookup_table',
    `no lookup table named "${name.name}" was supplied`,
    name.span,
    ctx.text,
    [
      names.length === 0
        ? 'pass --lookup NAME=FILE.csv, or the lookups option of query()'
        : `tables supplied: ${names.join(', ')}`,
    ],
  );
}

export function outputNames(outputs: readonly LookupColumn[]): string[] {
  return outputs.map((o) => (o.field === undefined ? o.column.name : fieldRefName(o.field)));
}

export function compileOutputs(
  outputs: readonly LookupColumn[],
  ctx: SideCompileContext,
): { column: LookupColumn['column']; name: string; current: FieldLookup }[] {
  return outputs.map((o) => {
    const name = o.field === undefined ? o.column.name : fieldRefName(o.field);
    return { column: o.column, name, current: compileFieldLookup(name, undefined, ctx.fieldOptions) };
  });
}

/** What {@link createSideRun} builds a run's side context from. @internal */
export interface SideRunInit {
  readonly state: RunState;
  readonly startTime: number | undefined;
  readonly endTime: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly text: string;
  /** The run's own input. */
  readonly input: SourceEvents;
  /** The run's own input once more (`RunOptions.input`). */
  readonly reread: (() => SourceEvents) | undefined;
  readonly sources: Readonly<Record<string, SourceSupply>> | undefined;
  readonly lookups: Readonly<Record<string, LookupSupply>> | undefined;
}

function eventsOf(supply: SourceSupply): SourceEvents {
  return typeof supply === 'function' ? supply() : supply;
}

/**
 * The side context of one run: sources by name (the run's own input again
 * for an inner query without `SOURCE`), tables loaded at most once.
 *
 * @internal
 */
export function createSideRun(init: SideRunInit): SideRun {
  const tables = new Map<string, Promise<LookupTable>>();
  return {
    state: init.state,
    startTime: init.startTime,
    endTime: init.endTime,
    signal: init.signal,
    text: init.text,
    events(source, at) {
      if (source !== undefined) return selectSources(source, init.sources, init.text).map(eventsOf);
      if (init.reread !== undefined) return [init.reread()];
      if (Array.isArray(init.input)) return [init.input];
      throw new QueryError({
        code: 'unknown_source',
        message:
          "an inner query without SOURCE reads the query's own input again, and this input (a stream) cannot be read twice",
        phase: 'run',
        span: at,
        source: init.text,
        hints: ['name a SOURCE inside the parentheses, or pass the input as files or an array'],
      });
    },
    table(name, at) {
      let loading = tables.get(name);
      if (loading === undefined) {
        const supply =
          init.lookups !== undefined && Object.hasOwn(init.lookups, name) ? init.lookups[name] : undefined;
        if (supply === undefined) {
          const names = Object.keys(init.lookups ?? {});
          return Promise.reject(
            new QueryError({
              code: 'unknown_lookup_table',
              message: `no lookup table named "${name}" was supplied`,
              phase: 'run',
              span: at,
              source: init.text,
              hints: [
                names.length === 0
                  ? 'pass --lookup NAME=FILE.csv, or the lookups option of query()'
                  : `tables supplied: ${names.join(', ')}`,
              ],
            }),
          );
        }
        loading = Promise.resolve(typeof supply === 'function' ? supply() : supply);
        tables.set(name, loading);
      }
      return loading;
    },
  };
}

/**
 * Runs the prepare steps of a run in query order.
 *
 * @internal
 */
export async function prepareRun(prepares: readonly Prepare[], run: SideRun): Promise<void> {
  for (const prepare of prepares) await prepare(run);
}

/**
 * The output columns of a `lookup` or `cidrlookup` against the table of a
 * run: each column's position, or `unknown_lookup_column`.
 *
 * @example
 * ```ts
 * resolveOutputs(table, compileOutputs(c.outputs, ctx), run.text)[0].column //=> 1
 * ```
 * @internal
 */
export function resolveOutputs(
  table: LookupTable,
  outputs: readonly { column: LookupColumn['column']; name: string; current: FieldLookup }[],
  text: string,
): { column: number; name: string; current: FieldLookup }[] {
  return outputs.map((o) => ({ column: columnOf(table, o.column, text), name: o.name, current: o.current }));
}
