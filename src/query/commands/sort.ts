/**
 * `sort`: orders rows by one or more keys with the service's ordering
 * (`compareForSort`: non-numbers before numbers, natural chunked order for
 * strings; descending is the exact reverse). Ties keep arrival order, so
 * the sort is stable. With a `limit` right after it, only the top K rows
 * are kept (a bounded binary heap), so memory is O(K). Either way it holds
 * at most `maxBufferedRows` rows and throws `resource_limit` beyond that.
 *
 * @module
 */
import type { EvalContext } from '../functions/types.js';
import type { BufferLimit, Sink, StageFactory } from '../plan.js';
import type { Row } from '../row.js';
import { compareForSort } from '../semantics.js';
import type { Value } from '../value.js';

/**
 * One compiled sort key.
 *
 * @internal
 */
export interface CompiledSortKey {
  readonly value: (row: Row, ctx: EvalContext) => Value;
  readonly descending: boolean;
}

/**
 * A buffered row with its sort keys and arrival number.
 *
 * @internal
 */
export interface SortEntry {
  readonly row: Row;
  readonly keys: readonly Value[];
  readonly seq: number;
}

/**
 * Makes the comparator of sort entries for the given keys (stable: equal
 * keys compare by arrival).
 *
 * @internal
 */
export function entryComparator(keys: readonly CompiledSortKey[]): (a: SortEntry, b: SortEntry) => number {
  const desc = keys.map((k) => k.descending);
  return (a, b) => {
    for (let i = 0; i < desc.length; i++) {
      const c = compareForSort(a.keys[i], b.keys[i]);
      if (c !== 0) return desc[i] ? -c : c;
    }
    return a.seq - b.seq;
  };
}

/**
 * Keeps the K smallest entries under `cmp` in a binary max-heap.
 *
 * @internal
 */
export function createTopK<T>(
  k: number,
  cmp: (a: T, b: T) => number,
): { add(entry: T): void; sorted(): T[]; readonly size: number } {
  const h: T[] = [];
  const swap = (i: number, j: number): void => {
    const t = h[i] as T;
    h[i] = h[j] as T;
    h[j] = t;
  };
  const up = (start: number): void => {
    let i = start;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (cmp(h[i] as T, h[p] as T) <= 0) return;
      swap(i, p);
      i = p;
    }
  };
  const down = (start: number): void => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < h.length && cmp(h[l] as T, h[top] as T) > 0) top = l;
      if (r < h.length && cmp(h[r] as T, h[top] as T) > 0) top = r;
      if (top === i) return;
      swap(i, top);
      i = top;
    }
  };
  return {
    add(entry) {
      if (k <= 0) return;
      if (h.length < k) {
        h.push(entry);
        up(h.length - 1);
        return;
      }
      if (cmp(entry, h[0] as T) >= 0) return;
      h[0] = entry;
      down(0);
    },
    sorted: () => [...h].sort(cmp),
    get size() {
      return h.length;
    },
  };
}

/**
 * The `sort` stage. With `topK`, only the first `topK` rows of the sorted
 * order are kept and passed on. It holds at most `limit.max` rows.
 *
 * @internal
 */
export function sortStage(
  keys: readonly CompiledSortKey[],
  topK: number | undefined,
  limit: BufferLimit,
): StageFactory {
  const cmp = entryComparator(keys);
  // A heap no bigger than the bound needs no check.
  const checked = topK === undefined || topK > limit.max;
  return (next: Sink, state): Sink => {
    let seq = 0;
    const all: SortEntry[] = [];
    const heap = topK === undefined ? undefined : createTopK(topK, cmp);
    const ctx = state.ctx;
    return {
      push(row) {
        const entry: SortEntry = { row, keys: keys.map((k) => k.value(row, ctx)), seq: seq++ };
        if (heap === undefined) {
          if (all.length >= limit.max) limit.exceeded();
          all.push(entry);
        } else {
          if (checked && heap.size >= limit.max && heap.size < (topK as number)) limit.exceeded();
          heap.add(entry);
        }
        return true;
      },
      end() {
        const ordered = heap === undefined ? all.sort(cmp) : heap.sorted();
        for (const e of ordered) if (!next.push(e.row)) break;
        next.end();
      },
    };
  };
}
