/**
 * `appendcols [override=true|false] [max=n] (query)`: adds the columns of an
 * inner query's result to the current result, row by row by position: row i
 * of the inner result is merged into row i of the rows that reach the
 * command.
 *
 * Semantics (decided where the documentation is silent; docs/query-language.md):
 * - The inner query runs to the end before the outer one reads its input,
 *   as the right side of a `join` does (`side-inputs.ts`): over the events
 *   its `SOURCE` selects, or the query's own input again without one, in
 *   input order, within the run's window.
 * - Its first `max` rows (default 10,000, at most 100,000) are kept, with
 *   the values of its output columns (`@ptr` left out); the rest are
 *   dropped. Outer rows past the kept ones pass on unchanged, and kept inner
 *   rows past the last outer row are dropped: the outer rows decide how many
 *   rows there are.
 * - `override=false` (the default) writes a column only where the outer row's
 *   field is missing, null or `""` (as `lookup … OUTPUTNEW`); `override=true`
 *   writes it always. An inner row without a value for a column writes
 *   nothing for it.
 * - The inner result's new columns follow the outer query's columns.
 *
 * Memory: the kept inner rows are charged to the run's byte budget; past it
 * the run stops with `resource_limit` (they cannot spill). The outer side
 * streams.
 *
 * @module
 */
import type { AppendcolsCommand } from '../ast.js';
import type { Evaluator } from '../evaluate.js';
import { parseSubquery } from '../parse/side-commands.js';
import { advance, expected, fail, peek, type State, span } from '../parse/state.js';
import type { BufferLimit, RunState, StageFactory } from '../plan.js';
import { printSubquery } from '../print-expression.js';
import { compileFieldLookup, defineField, type FieldLookup, type Row } from '../row.js';
import { sideContext } from '../scope.js';
import { checkSourceNames, runInner } from '../side-inputs.js';
import { sideCharge } from '../side-memory.js';
import { estimateValueBytes } from '../spill.js';
import type { Value } from '../value.js';
import type { CommandSpec } from './spec.js';

/**
 * The largest `max=` of `appendcols` (the translated pages: "1–100000").
 *
 * @example
 * ```ts
 * parseQuery(`appendcols max=${MAX_APPENDCOLS_ROWS + 1} (stats count(*))`) // throws QueryError invalid_argument
 * ```
 */
export const MAX_APPENDCOLS_ROWS = 100_000;

/**
 * The `max=` of `appendcols` when it is not written (the translated pages).
 *
 * @example
 * ```ts
 * DEFAULT_APPENDCOLS_ROWS //=> 10000
 * ```
 */
export const DEFAULT_APPENDCOLS_ROWS = 10_000;

/** One column the inner query gives: its name, its value, and the outer row's current value. @internal */
export interface AppendColumn {
  readonly name: string;
  readonly value: Evaluator;
  readonly current: FieldLookup;
}

function isEmpty(v: Value): boolean {
  return v === undefined || v === null || v === '';
}

/**
 * Collects the first `max` rows of the inner query as value arrays (one
 * value per column), charging each kept row to the run's byte budget.
 *
 * @example
 * ```ts
 * const rows = createAppendRows(columns, 10_000, ctx, memory, limit);
 * rows.add(innerRow);
 * rows.finish() //=> [[value of column 0, value of column 1]]
 * ```
 * @internal
 */
export function createAppendRows(
  columns: readonly AppendColumn[],
  max: number,
  ctx: RunState['ctx'],
  memory: RunState['memory'],
  limit: BufferLimit,
): { add(row: Row): void; finish(): readonly (readonly Value[])[] } {
  const rows: Value[][] = [];
  const charge = sideCharge(memory, limit);
  return {
    add(row) {
      if (rows.length >= max) return;
      const values = columns.map((col) => col.value(row, ctx));
      let bytes = 64;
      for (const v of values) bytes += 16 + estimateValueBytes(v);
      charge.add(bytes);
      rows.push(values);
    },
    finish: () => rows,
  };
}

/**
 * The `appendcols` stage: merges the inner row at each outer row's position
 * (built for the run by `rowsOf`).
 *
 * @example
 * ```ts
 * emit(appendcolsStage(columns, false, (state) => innerRows.get(state)!));
 * ```
 * @internal
 */
export function appendcolsStage(
  columns: readonly AppendColumn[],
  override: boolean,
  rowsOf: (state: RunState) => readonly (readonly Value[])[],
): StageFactory {
  return (next, state) => {
    const rows = rowsOf(state);
    let at = 0;
    return {
      push(row) {
        const values = at < rows.length ? rows[at] : undefined;
        at++;
        if (values !== undefined) {
          columns.forEach((col, i) => {
            const v = values[i];
            if (v === undefined) return;
            if (!override && !isEmpty(col.current(row))) return;
            defineField(row, col.name, v);
          });
        }
        return next.push(row);
      },
      end() {
        next.end();
      },
    };
  };
}

function parseOptions(p: State): { override?: boolean; max?: number } {
  const out: { override?: boolean; max?: number } = {};
  for (;;) {
    const word = p.tok.kind === 'Name' ? p.tok.word : undefined;
    if ((word !== 'override' && word !== 'max') || peek(p).kind !== 'Eq') return out;
    if (out[word] !== undefined) fail(p, 'unexpected_token', `${word}= is given twice`);
    advance(p);
    advance(p);
    if (word === 'override') {
      const value = p.tok.kind === 'Name' ? p.tok.word : undefined;
      if (value !== 'true' && value !== 'false')
        fail(p, 'unexpected_token', expected(p, 'true or false after override='));
      out.override = value === 'true';
      advance(p);
      continue;
    }
    const tok = p.tok;
    const text = p.text.slice(tok.start, tok.end);
    if (tok.kind !== 'Number' || !/^[0-9]+$/.test(text))
      fail(p, 'expected_integer', expected(p, 'a whole number of rows after max='));
    const n = Number(text);
    if (n < 1 || n > MAX_APPENDCOLS_ROWS)
      fail(
        p,
        'invalid_argument',
        `appendcols max= must be from 1 to ${MAX_APPENDCOLS_ROWS.toLocaleString('en-US')} rows, not ${text}`,
      );
    out.max = n;
    advance(p);
  }
}

/**
 * The `appendcols` command: one thread (positions are counted over the
 * whole result, and the inner rows live on the calling thread), no filter
 * moves across it, and it takes the order it is given (the implicit
 * newest-first order goes right before it).
 *
 * Its `defines` is empty: the names it adds are the inner query's columns,
 * known when the inner query compiles, and no planning step asks (it is a
 * barrier that no filter crosses).
 *
 * @example
 * ```ts
 * appendcolsCommand.print(parseQuery('appendcols MAX=5 override=true (stats count(*))').commands[0]) //=> 'appendcols override=true max=5 (stats count(*))'
 * ```
 * @internal
 */
export const appendcolsCommand: CommandSpec<AppendcolsCommand> = {
  kind: 'AppendcolsCommand',
  keywords: ['appendcols'],
  parse(p, start) {
    advance(p);
    const options = parseOptions(p);
    const query = parseSubquery(p, 'appendcols');
    return { kind: 'AppendcolsCommand', ...options, query, span: span(p, start) };
  },
  print(c) {
    const override = c.override === undefined ? '' : ` override=${c.override}`;
    const max = c.max === undefined ? '' : ` max=${c.max}`;
    return `appendcols${override}${max} (${printSubquery(c.query)})`;
  },
  defines: () => [],
  hoist: 'never',
  barrier: true,
  order: () => 'takes',
  oneToOne: () => true,
  split: 'one-thread',
  compile(c, { state, emit }) {
    const ctx = sideContext(state);
    const inner = ctx.compileInner(c.query);
    checkSourceNames(inner.source, ctx);
    const columns: AppendColumn[] = inner.columns
      .filter((col) => col.name !== '@ptr')
      .map((col) => ({
        name: col.name,
        value: col.value,
        current: compileFieldLookup(col.name, undefined, ctx.fieldOptions),
      }));
    const limit = ctx.bound('the inner query of appendcols', 'rows', c.query.span, [
      'lower max= or aggregate inside the parentheses',
    ]);
    const max = c.max ?? DEFAULT_APPENDCOLS_ROWS;
    const built = new WeakMap<RunState, readonly (readonly Value[])[]>();
    ctx.prepares.push(async (run) => {
      const rows = createAppendRows(columns, max, run.state.ctx, run.state.memory, limit);
      await runInner(inner, run, c.query.span, (row) => rows.add(row));
      built.set(run.state, rows.finish());
    });
    ctx.define(columns.map((col) => col.name));
    emit(appendcolsStage(columns, c.override ?? false, (state) => built.get(state) ?? []));
  },
};
