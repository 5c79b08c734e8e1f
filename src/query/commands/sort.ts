/**
 * `sort`: orders rows by one or more keys with the service's ordering
 * (`compareForSort`: non-numbers before numbers, natural chunked order for
 * strings; descending is the exact reverse). Ties keep arrival order, so
 * the sort is stable. With a `limit` right after it, only the top K rows
 * are kept (a bounded binary heap), so memory is O(K).
 *
 * @module
 */
import type { Sink, StageFactory } from '../plan.js';
import type { Row } from '../row.js';
import { compareForSort } from '../semantics.js';
import type { Value } from '../value.js';

/**
 * One compiled sort key.
 *
 * @internal
 */
export interface CompiledSortKey {
  readonly value: (row: Row) => Value;
  readonly descending: boolean;
}

interface Entry {
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
function entryComparator(keys: readonly CompiledSortKey[]): (a: Entry, b: Entry) => number {
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
): { add(entry: T): void; sorted(): T[] } {
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
  };
}

/**
 * The `sort` stage. With `topK`, only the first `topK` rows of the sorted
 * order are kept and passed on.
 *
 * @internal
 */
export function sortStage(keys: readonly CompiledSortKey[], topK?: number): StageFactory {
  const cmp = entryComparator(keys);
  return (next: Sink): Sink => {
    let seq = 0;
    const all: Entry[] = [];
    const heap = topK === undefined ? undefined : createTopK(topK, cmp);
    return {
      push(row) {
        const entry: Entry = { row, keys: keys.map((k) => k.value(row)), seq: seq++ };
        if (heap === undefined) all.push(entry);
        else heap.add(entry);
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
