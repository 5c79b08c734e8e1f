/**
 * `unnest expr into name`: one output row per element of a list (from
 * `jsonParse` or `split`), with the element under `name` and every other
 * field copied. A map, string or number counts as a list of one item, as
 * the service documents; a missing value, `null` and an empty list give no
 * rows. Streams.
 *
 * @module
 */
import type { Evaluator } from '../evaluate.js';
import type { StageFactory } from '../plan.js';
import { copyRow, defineField } from '../row.js';
import { isValueList } from '../semantics.js';

/**
 * The `unnest` stage.
 *
 * @internal
 */
export function unnestStage(value: Evaluator, into: string): StageFactory {
  return (next, state) => ({
    push(row) {
      const v = value(row, state.ctx);
      if (v === undefined || v === null) return true;
      if (!isValueList(v)) {
        defineField(row, into, v);
        return next.push(row);
      }
      for (const item of v) {
        const copy = copyRow(row);
        defineField(copy, into, item);
        if (!next.push(copy)) return false;
      }
      return true;
    },
    end() {
      next.end();
    },
  });
}
