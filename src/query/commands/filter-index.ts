/**
 * `filterIndex field = value` / `filterIndex field in [values]`: in the
 * service it scans only events whose indexed field matches. Offline there
 * are no indexes, so it is an equality (or `in`) filter that also drops
 * events lacking the field. Streams.
 *
 * @module
 */
import type { Evaluator } from '../evaluate.js';
import type { StageFactory } from '../plan.js';
import { valuesEqual } from '../semantics.js';

/**
 * The `filterIndex` stage.
 *
 * @internal
 */
export function filterIndexStage(field: Evaluator, values: readonly Evaluator[]): StageFactory {
  return (next, state) => ({
    push(row) {
      const v = field(row, state.ctx);
      if (v === undefined || v === null) return true;
      for (const value of values) if (valuesEqual(v, value(row, state.ctx))) return next.push(row);
      return true;
    },
    end() {
      next.end();
    },
  });
}
