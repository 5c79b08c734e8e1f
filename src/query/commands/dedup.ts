/**
 * `dedup f1, f2, …`: keeps the first row for each distinct tuple of values,
 * in the current row order. A row in which any of the fields is missing or
 * `null` is always kept ("null values are not considered duplicates").
 *
 * Two stages implement it:
 *
 * - {@link dedupStage} streams: it passes on the first row of each key as it
 *   arrives and remembers the keys it has seen (used when rows already come
 *   in their final order, as with `order: 'input'`);
 * - {@link sortedDedupStage} is a `sort` (explicit, or the default
 *   newest-first order) fused with the `dedup` after it: it keeps, for each
 *   key, only the row that sorts first so far, plus every row with a missing
 *   field, and sorts those at the end. The result is the same as a full sort
 *   followed by first-per-key, but memory grows with the number of distinct
 *   keys, not of rows.
 *
 * Both hold at most `maxBufferedRows` keys or rows and throw
 * `resource_limit` beyond that.
 *
 * @module
 */
import type { Evaluator } from '../evaluate.js';
import type { EvalContext } from '../functions/types.js';
import type { BufferLimit, StageFactory } from '../plan.js';
import type { Row } from '../row.js';
import { valueToResultString } from '../semantics.js';
import type { Value } from '../value.js';
import { type CompiledSortKey, entryComparator, type SortEntry, sortKeysOf } from './sort.js';

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

/** The dedup key of a row, or `undefined` when a field is missing or `null` (the row is always kept). */
function dedupKey(fields: readonly Evaluator[], row: Row, ctx: EvalContext): string | undefined {
  let key = '';
  for (const f of fields) {
    const part = dedupKeyPart(f(row, ctx));
    if (part === undefined) return undefined;
    key += part;
  }
  return key;
}

/**
 * The streaming `dedup` stage (rows already in their final order).
 *
 * @internal
 */
export function dedupStage(fields: readonly Evaluator[], limit: BufferLimit): StageFactory {
  return (next, state) => {
    const seen = new Set<string>();
    return {
      push(row) {
        const key = dedupKey(fields, row, state.ctx);
        if (key === undefined) return next.push(row);
        if (seen.has(key)) return true;
        if (seen.size >= limit.max) limit.exceeded();
        seen.add(key);
        return next.push(row);
      },
      end() {
        next.end();
      },
    };
  };
}

/**
 * A `sort` by `keys` fused with the `dedup` by `fields` that follows it:
 * one kept row per distinct key (the one that sorts first), plus the rows
 * with a missing field; sorted and passed on at the end.
 *
 * @internal
 */
export function sortedDedupStage(
  keys: readonly CompiledSortKey[],
  fields: readonly Evaluator[],
  limit: BufferLimit,
): StageFactory {
  const cmp = entryComparator(keys);
  return (next, state) => {
    const ctx = state.ctx;
    let seq = 0;
    const best = new Map<string, SortEntry>();
    const alwaysKept: SortEntry[] = [];
    return {
      push(row) {
        const key = dedupKey(fields, row, ctx);
        const entry: SortEntry = { row, keys: sortKeysOf(keys, row, ctx), seq: seq++ };
        if (key === undefined) {
          if (best.size + alwaysKept.length >= limit.max) limit.exceeded();
          alwaysKept.push(entry);
          return true;
        }
        const current = best.get(key);
        if (current === undefined) {
          if (best.size + alwaysKept.length >= limit.max) limit.exceeded();
          best.set(key, entry);
        } else if (cmp(entry, current) < 0) {
          best.set(key, entry);
        }
        return true;
      },
      end() {
        const kept = alwaysKept;
        for (const entry of best.values()) kept.push(entry);
        kept.sort(cmp);
        for (const e of kept) if (!next.push(e.row)) break;
        next.end();
      },
    };
  };
}
