/**
 * `dedup f1, f2, …`: keeps the first row for each distinct tuple of values,
 * in the current row order. A row in which any of the fields is missing or
 * `null` is always kept ("null values are not considered duplicates").
 *
 * @module
 */
import type { Evaluator } from '../evaluate.js';
import type { StageFactory } from '../plan.js';
import { valueToResultString } from '../semantics.js';
import type { Value } from '../value.js';

/**
 * The identity of a value for dedup: its result string form, so that rows
 * that would print alike (`401` and `"401"`) are duplicates. `undefined`
 * when the value is missing or `null`.
 *
 * @internal
 */
export function dedupKeyPart(v: Value): string | undefined {
  const s = valueToResultString(v);
  if (s === undefined) return undefined;
  return `${s.length}:${s}`;
}

/**
 * The `dedup` stage.
 *
 * @internal
 */
export function dedupStage(fields: readonly Evaluator[]): StageFactory {
  return (next, state) => {
    const seen = new Set<string>();
    return {
      push(row) {
        let key = '';
        for (const f of fields) {
          const part = dedupKeyPart(f(row, state.ctx));
          if (part === undefined) return next.push(row);
          key += part;
        }
        if (seen.has(key)) return true;
        seen.add(key);
        return next.push(row);
      },
      end() {
        next.end();
      },
    };
  };
}
