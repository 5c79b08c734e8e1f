/**
 * `filter expr` (and its alias `where`): passes on the rows for which the
 * expression is true (see `isTruthy`). Streams.
 *
 * @module
 */
import type { Evaluator } from '../evaluate.js';
import type { StageFactory } from '../plan.js';
import { isTruthy } from '../semantics.js';

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
