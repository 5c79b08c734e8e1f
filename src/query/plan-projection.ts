/**
 * The projection plan: the result columns of a query and how each is read
 * from a final row. The last `display` decides them when there is one;
 * otherwise they are the columns the commands declared (`fields`, `stats`),
 * after `@timestamp` and `@message` unless a command set the columns.
 *
 * @module
 */
import type { Item } from './ast.js';
import { compileExpr, type Evaluator } from './evaluate.js';
import { compileFieldLookup, type Row } from './row.js';
import { type CompileState, checkAvailable, itemName, scopeOf } from './scope.js';

/**
 * The result columns of a compiled query, in order, with their evaluators.
 *
 * @internal
 */
export interface Projection {
  readonly columns: readonly { readonly name: string; readonly value: Evaluator }[];
}

/**
 * Compiles the projection at the end of a compile: the items of the last
 * `display` (evaluated on the final rows), or the columns in `state`. Adds
 * the fields it reads to `state.reads`.
 *
 * @example
 * ```ts
 * compileProjection(undefined, state).columns.map((c) => c.name) //=> ['@timestamp', '@message']
 * ```
 * @internal
 */
export function compileProjection(display: readonly Item[] | undefined, state: CompileState): Projection {
  if (display !== undefined) {
    // The last display wins; its items are evaluated on the final rows.
    return {
      columns: display.map((item) => {
        checkAvailable(item.expr, state, 'display');
        return { name: itemName(item, state.text), value: compileExpr(item.expr, scopeOf(state)) };
      }),
    };
  }
  const names = state.explicitColumns ? state.columns : ['@timestamp', '@message', ...state.columns];
  if (!state.explicitColumns && state.available === undefined) {
    state.reads.add('@timestamp');
    state.reads.add('@message');
  }
  return {
    columns: names.map((name) => {
      const lookup = compileFieldLookup(name, undefined, state.fieldOptions);
      if (state.available === undefined && !state.defined.has(name)) state.reads.add(name);
      return { name, value: (row: Row) => lookup(row) };
    }),
  };
}
