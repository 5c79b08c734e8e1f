/**
 * `unnest expr into name`: one output row per element of a list (from
 * `jsonParse` or `split`), with the element under `name` and every other
 * field copied. A map, string or number counts as a list of one item, as
 * the service documents; a missing value, `null` and an empty list give no
 * rows. Streams; a list of more than `maxBufferedRows` items (rows made
 * from one row before any reaches the output) is a `resource_limit` error.
 *
 * @module
 */
import type { Evaluator } from '../evaluate.js';
import type { BufferLimit, StageFactory } from '../plan.js';
import { copyRow, defineField } from '../row.js';
import { isValueList } from '../semantics.js';

/**
 * The `unnest` stage.
 *
 * @internal
 */
export function unnestStage(value: Evaluator, into: string, limit: BufferLimit): StageFactory {
  return (next, state) => ({
    push(row) {
      const v = value(row, state.ctx);
      if (v === undefined || v === null) return true;
      if (!isValueList(v)) {
        defineField(row, into, v);
        return next.push(row);
      }
      if (v.length > limit.max) limit.exceeded();
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
