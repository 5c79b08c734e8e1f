/**
 * `json field=name "key.path" as alias` (newest revision): reads a key path
 * out of a field holding JSON text (or a map from `jsonParse`) and defines
 * it as `alias`. Text that is not JSON gives a missing value. Streams.
 *
 * @module
 */
import type { Evaluator } from '../evaluate.js';
import type { StageFactory } from '../plan.js';
import { defineField, walkValue } from '../row.js';
import type { Value } from '../value.js';

function parseJson(text: string): Value {
  try {
    return JSON.parse(text) as Value;
  } catch {
    return undefined;
  }
}

/**
 * The `json` stage.
 *
 * @internal
 */
export function jsonStage(field: Evaluator, path: string, alias: string): StageFactory {
  const parts = path === '' ? [] : path.split('.');
  return (next, state) => ({
    push(row) {
      const v = field(row, state.ctx);
      const doc = typeof v === 'string' ? parseJson(v) : v;
      defineField(row, alias, doc === undefined ? undefined : walkValue(doc, parts));
      return next.push(row);
    },
    end() {
      next.end();
    },
  });
}
