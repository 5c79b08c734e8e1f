/**
 * The compile scope: what compile knows at each step of the plan (names
 * defined so far, the columns a `stats` produced, the fields the query
 * reads, the output columns) and the checks that use it. Each command's
 * `CommandSpec.compile` reads and updates it.
 *
 * @module
 */
import type { Expr, Item, QueryAst, Span } from './ast.js';
import { fieldRefName } from './ast.js';
import { QueryError } from './errors.js';
import { compileError, type ExprScope, spanText } from './evaluate.js';
import type { BufferLimit } from './plan.js';
import type { FieldLookupOptions } from './row.js';
import {
  compileInSubquery,
  type InnerPlan,
  type LookupSupply,
  type Prepare,
  type SideCompileContext,
  type SourceSupply,
} from './side-inputs.js';
import type { Period } from './value.js';
import { walkExpr } from './walk.js';

/**
 * The state of a compile, step by step.
 *
 * @internal
 */
export interface CompileState {
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
  /** The time bins of the last `stats … by bin(…)` (`fillmissing` reads them); unset after a stats without a bin. */
  statsBin?: StatsBin | undefined;
  /** Joins, subqueries and lookup tables: what the compile knows of them (see `side-inputs.ts`). */
  readonly side: SideState;
}

/**
 * The `bin(…)` group of the last `stats`: its column, its period and
 * offset, and the stats' other group columns.
 *
 * @internal
 */
export interface StatsBin {
  /** The bin column's name (`bin(1m)`, or its alias). */
  readonly name: string;
  /** The period as written (the bin caps apply when bins are computed). */
  readonly period: Period;
  /** The `offset` added to every bin label, in ms (0 without one). */
  readonly offsetMs: number;
  /** The stats' other group columns, in order. */
  readonly groups: readonly string[];
}

/**
 * The part of a compile that concerns data from other inputs.
 *
 * @internal
 */
export interface SideState {
  /** What runs before the input is read: inner queries and lookup indexes. */
  readonly prepares: Prepare[];
  readonly sources: Readonly<Record<string, SourceSupply>> | undefined;
  readonly lookups: Readonly<Record<string, LookupSupply>> | undefined;
  /** True in the inner query of a join or subquery (which cannot hold subqueries). */
  readonly inner: boolean;
  /** Compiles an inner query over the same text. */
  readonly compileInner: (query: QueryAst) => InnerPlan;
}

/**
 * The expression scope of the current step.
 *
 * @example
 * ```ts
 * compileExpr(expr, scopeOf(state))
 * ```
 * @internal
 */
export function scopeOf(state: CompileState, extra: Partial<ExprScope> = {}): ExprScope {
  const scope: ExprScope = {
    text: state.text,
    fieldOptions: state.fieldOptions,
    defined: state.defined,
    onFieldRead: (name) => {
      if (state.available === undefined) state.reads.add(name);
    },
    ...(state.available === undefined ? {} : { columns: state.available }),
    ...(state.side.inner
      ? {}
      : { subquery: (expr, subject) => compileInSubquery(expr, subject, sideContext(state, scope)) }),
    ...extra,
  };
  return scope;
}

/**
 * The context the commands that bring in other data (`join`, `lookup`,
 * `cidrlookup`, subqueries) compile in.
 *
 * @example
 * ```ts
 * emit(compileJoinStage(c, sideContext(state)));
 * ```
 * @internal
 */
export function sideContext(state: CompileState, scope: ExprScope = scopeOf(state)): SideCompileContext {
  return {
    text: state.text,
    scope,
    fieldOptions: state.fieldOptions,
    bound: state.bound,
    check: (expr, what) => checkAvailable(expr, state, what),
    define: (names, asColumns = true) => {
      for (const n of names) {
        state.defined.add(n);
        state.available?.add(n);
      }
      if (asColumns) addColumns(state, names);
    },
    compileInner: state.side.compileInner,
    sources: state.side.sources,
    lookups: state.side.lookups,
    prepares: state.side.prepares,
  };
}

/**
 * After stats, every field read must be a stats output or defined later
 * (`unknown_field_after_stats`); `what` names the reader in the message.
 *
 * @example
 * ```ts
 * checkAvailable(c.expr, state, 'filter') // throws after `stats count(*)` when c reads verb
 * ```
 * @internal
 */
export function checkAvailable(expr: Expr, state: CompileState, what: string): void {
  if (state.available === undefined) return;
  const available = state.available;
  walkExpr(expr, (e) => {
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
      return false;
    }
    if (e.kind === 'CallExpr') {
      // A call the stats produced as a column (`count(*)`) is that column.
      const text = spanText(e.span, state.text);
      if (text !== undefined && [...available].some((c) => squeezeEq(c, text))) return false;
    }
    return true;
  });
}

/**
 * As {@link checkAvailable}, but a field that the stats does not produce is
 * a warning (kept in `state.warnings`), not an error.
 *
 * @example
 * ```ts
 * warnUnavailable(key.expr, state, 'sort')
 * ```
 * @internal
 */
export function warnUnavailable(expr: Expr, state: CompileState, what: string): void {
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

/**
 * Adds output columns, each once, in order.
 *
 * @example
 * ```ts
 * addColumns(state, ['user', 'count'])
 * ```
 * @internal
 */
export function addColumns(state: CompileState, names: readonly string[]): void {
  for (const n of names) {
    if (state.columnSet.has(n)) continue;
    state.columnSet.add(n);
    state.columns.push(n);
  }
}

/**
 * Defines names a command makes on rows: in the scope, among a `stats`'s
 * outputs when one came before, and as output columns.
 *
 * @example
 * ```ts
 * defineNames(state, [c.into.name]) // after `unnest … into name`
 * ```
 * @internal
 */
export function defineNames(state: CompileState, names: readonly string[]): void {
  for (const n of names) {
    state.defined.add(n);
    state.available?.add(n);
  }
  addColumns(state, names);
}

/**
 * The name a `fields`/`display`/`stats` item defines.
 *
 * @example
 * ```ts
 * itemName(parseQuery('fields a as b').commands[0].items[0], undefined) //=> 'b'
 * ```
 * @internal
 */
export function itemName(item: Item, text: string | undefined): string {
  if (item.alias !== undefined) return item.alias.name;
  return exprName(item.expr, text);
}

/**
 * The column name of an un-aliased expression: a field's flattened name, else the expression's text as written.
 *
 * @example
 * ```ts
 * const text = 'fields strlen(a)';
 * exprName(parseQuery(text).commands[0].items[0].expr, text) //=> 'strlen(a)'
 * ```
 * @internal
 */
export function exprName(expr: Expr, text: string | undefined): string {
  if (expr.kind === 'FieldRef') return fieldRefName(expr);
  return spanText(expr.span, text) ?? '';
}
