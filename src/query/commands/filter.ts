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
import type { Sink, StageFactory } from '../plan.js';
import { clausesOf } from '../prefilter-terms.js';
import { printExpression } from '../print-expression.js';
import { checkAvailable, scopeOf } from '../scope.js';
import { isTruthy } from '../semantics/compare.js';
import type { CommandSpec } from './spec.js';

/**
 * What a filter sink tests and where it sends rows, so that a filter right
 * before it can join it: consecutive filters run as one stage. A chain of
 * 20,000 `| filter` stages would otherwise be 20,000 nested `push` calls
 * per row and overflow the stack (found by the fuzz campaign).
 */
const FUSED = new WeakMap<Sink, { readonly predicates: Evaluator[]; readonly next: Sink }>();

/**
 * The `filter` stage.
 *
 * @internal
 */
export function filterStage(predicate: Evaluator): StageFactory {
  return (next, state) => {
    const after = FUSED.get(next);
    if (after === undefined) {
      const sink: Sink = {
        push(row) {
          return isTruthy(predicate(row, state.ctx)) ? next.push(row) : true;
        },
        end() {
          next.end();
        },
      };
      FUSED.set(sink, { predicates: [predicate], next });
      return sink;
    }
    // the chain is built from its end, so the later filters are already in the list: ours runs first (last index)
    const { predicates, next: target } = after;
    predicates.push(predicate);
    const sink: Sink = {
      push(row) {
        for (let i = predicates.length - 1; i >= 0; i--)
          if (!isTruthy((predicates[i] as Evaluator)(row, state.ctx))) return true;
        return target.push(row);
      },
      end() {
        target.end();
      },
    };
    FUSED.set(sink, { predicates, next: target });
    return sink;
  };
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
    exprs: (c) => [c.expr],
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
