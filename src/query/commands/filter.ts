/**
 * `filter expr` (and its alias `where`): passes on the rows for which the
 * expression is true (see `isTruthy`). Streams.
 *
 * @module
 */
import type { FilterCommand } from '../ast.js';
import { compileExpr, type Evaluator, fieldRefsOf } from '../evaluate.js';
import { parseExpr } from '../parse/expression.js';
import { advance, span } from '../parse/state.js';
import type { StageFactory } from '../plan.js';
import { clausesOf } from '../prefilter-terms.js';
import { printExpression } from '../print-expression.js';
import { checkAvailable, scopeOf } from '../scope.js';
import { isTruthy } from '../semantics.js';
import type { CommandSpec } from './spec.js';

/**
 * The `filter` stage.
 *
 * @internal
 */
export function filterStage(predicate: Evaluator): StageFactory {
  return (next, state) => ({
    push(row) {
      return isTruthy(predicate(row, state.ctx)) ? next.push(row) : true;
    },
    end() {
      next.end();
    },
  });
}

/**
 * The `filter` command (also spelled `where`).
 *
 * @example
 * ```ts
 * filterCommand.print(parseQuery('where a > 1').commands[0]) //=> 'filter a > 1'
 * ```
 * @internal
 */
export const filterCommand: CommandSpec<FilterCommand> = {
  kind: 'FilterCommand',
  keywords: ['filter', 'where'],
  parse(p, start) {
    advance(p);
    return { kind: 'FilterCommand', expr: parseExpr(p), span: span(p, start) };
  },
  print: (c) => `filter ${printExpression(c.expr)}`,
  defines: () => [],
  predicate: {
    reads: (c) => fieldRefsOf(c.expr),
    clauses: (c, defined) => clausesOf(c.expr, defined),
  },
  hoist: 'never',
  barrier: false,
  order: () => undefined,
  oneToOne: () => false,
  split: 'per-row',
  compile(c, { state, emit }) {
    checkAvailable(c.expr, state, 'filter');
    emit(filterStage(compileExpr(c.expr, scopeOf(state))));
  },
};
