/**
 * The value set of a subquery, `filter field in (inner query)`: the inner
 * query runs to the end first, its values for the field are collected into
 * a set (charged to the run's byte budget: past it the run stops with
 * `resource_limit`), and the outer filter tests membership as `in [list]`
 * does, with `=`'s equality (`401` is in a set holding `"401"`).
 *
 * @module
 */
import type { Evaluator } from './evaluate.js';
import type { EvalContext } from './functions/types.js';
import { indexKeys, probeKeys } from './join-keys.js';
import type { BufferLimit } from './plan.js';
import { sideCharge } from './side-memory.js';
import { estimateValueBytes, type RunMemory } from './spill.js';
import type { Value } from './value.js';

/** The distinct values of a subquery. @internal */
export interface ValueKeySet {
  /** Whether a value equals one in the set. */
  has(v: Value): boolean;
  /** Distinct index keys held. */
  readonly size: number;
}

/**
 * Collects values into a {@link ValueKeySet}, charging each new key to the
 * run's budget and counting keys against `limit.max`.
 *
 * @example
 * ```ts
 * const build = createValueSetBuilder(memory, limit);
 * build.add('req-1');
 * build.finish().has('req-1') //=> true
 * ```
 * @internal
 */
export function createValueSetBuilder(
  memory: RunMemory,
  limit: BufferLimit,
): { add(v: Value): void; finish(): ValueKeySet } {
  const keys = new Set<string>();
  const charge = sideCharge(memory, limit);
  const set: ValueKeySet = {
    has(v) {
      for (const k of probeKeys(v)) if (keys.has(k)) return true;
      return false;
    },
    get size() {
      return keys.size;
    },
  };
  return {
    add(v) {
      for (const k of indexKeys(v)) {
        if (keys.has(k)) continue;
        keys.add(k);
        charge.add(48 + estimateValueBytes(k));
      }
    },
    finish: () => set,
  };
}

/**
 * The evaluator of `subject [not] in (subquery)`: a missing, null, map or
 * list subject is false either way, as with `in [list]`.
 *
 * @example
 * ```ts
 * const test = inSubqueryEvaluator(subject, (ctx) => sets.get(ctx)!, false);
 * ```
 * @internal
 */
export function inSubqueryEvaluator(
  subject: Evaluator,
  setOf: (ctx: EvalContext) => ValueKeySet,
  negated: boolean,
): Evaluator {
  return (row, ctx) => {
    const v = subject(row, ctx);
    if (v === undefined || v === null || typeof v === 'object') {
      if (!(v instanceof Date)) return false;
    }
    return setOf(ctx).has(v) !== negated;
  };
}
