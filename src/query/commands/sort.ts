/**
 * `sort`: orders rows by one or more keys with the service's ordering
 * (`compareForSort`: non-numbers before numbers, natural chunked order for
 * strings; descending is the exact reverse). Ties keep arrival order, so
 * the sort is stable. With a `limit` right after it, only the top K rows
 * are kept (a bounded binary heap), so memory is O(K). At the run's byte
 * budget it spills sorted runs and merges them (see `spill.ts`), with the
 * same result. An explicit `maxBufferedRows` bounds the rows it holds.
 *
 * @module
 */
import type { SortCommand, SortKey as SortKeyNode } from '../ast.js';
import { compileExpr } from '../evaluate.js';
import type { EvalContext } from '../functions/types.js';
import { parseExpr } from '../parse/expression.js';
import { advance, isWord, span } from '../parse/state.js';
import type { BufferLimit, CompiledSortKey, Sink, StageFactory } from '../plan.js';
import { printExpression } from '../print-expression.js';
import type { Row } from '../row.js';
import { scopeOf, warnUnavailable } from '../scope.js';
import { compareSortKeys, type SortKey, sortKeyOf } from '../semantics/sort-keys.js';
import {
  createExternalSorter,
  decodeRow,
  decodeValue,
  type ExternalSorter,
  encodeRow,
  encodeValue,
  estimateRowBytes,
  mustSpill,
  type RunMemory,
} from '../spill.js';
import type { Value } from '../value.js';
import type { CommandSpec } from './spec.js';

export type { CompiledSortKey } from '../plan.js';

/**
 * A buffered row with its sort keys (classified once, when the entry is
 * made) and arrival number.
 *
 * @internal
 */
export interface SortEntry {
  readonly row: Row;
  readonly keys: readonly SortKey[];
  readonly seq: number;
  /** Its estimated size, where a stage keeps count of it. */
  readonly bytes?: number;
}

/**
 * The sort keys of a row, each classified once by `sortKeyOf`.
 *
 * @example
 * ```ts
 * sortKeysOf([{ value: (r) => r.defined?.get('n'), descending: false }], row, ctx)
 * ```
 *
 * @internal
 */
export function sortKeysOf(keys: readonly CompiledSortKey[], row: Row, ctx: EvalContext): SortKey[] {
  const out: SortKey[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = sortKeyOf((keys[i] as CompiledSortKey).value(row, ctx));
  return out;
}

/**
 * Makes the comparator of key lists for the given keys, without the
 * arrival tie-break: `compareForSort` on each key in turn, reversed for
 * descending keys.
 *
 * @example
 * ```ts
 * keyListComparator([{ value: (r) => r.defined?.get('n'), descending: true }])([sortKeyOf(1)], [sortKeyOf(2)]) //=> 1
 * ```
 *
 * @internal
 */
export function keyListComparator(
  keys: readonly CompiledSortKey[],
): (a: readonly SortKey[], b: readonly SortKey[]) => number {
  const desc = keys.map((k) => k.descending);
  if (desc.length === 1) {
    return desc[0]
      ? (a, b) => compareSortKeys(b[0] as SortKey, a[0] as SortKey)
      : (a, b) => compareSortKeys(a[0] as SortKey, b[0] as SortKey);
  }
  return (a, b) => {
    for (let i = 0; i < desc.length; i++) {
      const c = compareSortKeys(a[i] as SortKey, b[i] as SortKey);
      if (c !== 0) return desc[i] ? -c : c;
    }
    return 0;
  };
}

/**
 * Makes the comparator of sort entries for the given keys (stable: equal
 * keys compare by arrival).
 *
 * @example
 * ```ts
 * [...entries].sort(entryComparator(keys))
 * ```
 *
 * @internal
 */
export function entryComparator(keys: readonly CompiledSortKey[]): (a: SortEntry, b: SortEntry) => number {
  const byKeys = keyListComparator(keys);
  return (a, b) => byKeys(a.keys, b.keys) || a.seq - b.seq;
}

/**
 * Keeps the K smallest entries under `cmp` in a binary max-heap. Once it
 * is full, `worst` is the entry a newcomer must beat (compare below it) to
 * get in; `add` checks that with one comparison, and `replaceWorst` (only
 * when full) takes a newcomer already known to beat it.
 *
 * @example
 * ```ts
 * const top = createTopK(2, (a: number, b: number) => a - b);
 * for (const n of [5, 1, 4, 2]) top.add(n);
 * top.sorted() //=> [1, 2]
 * ```
 *
 * @internal
 */
export function createTopK<T>(
  k: number,
  cmp: (a: T, b: T) => number,
): {
  add(entry: T): void;
  replaceWorst(entry: T): void;
  sorted(): T[];
  readonly size: number;
  readonly worst: T | undefined;
} {
  const h: T[] = [];
  const up = (start: number): void => {
    const entry = h[start] as T;
    let i = start;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p] as T;
      if (cmp(entry, parent) <= 0) break;
      h[i] = parent;
      i = p;
    }
    h[i] = entry;
  };
  // Sifts `entry` down from the root: the larger child moves up into the hole until `entry` is no smaller.
  const downFromRoot = (entry: T): void => {
    const n = h.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let child = h[l] as T;
      if (r < n) {
        const right = h[r] as T;
        if (cmp(right, child) > 0) {
          c = r;
          child = right;
        }
      }
      if (cmp(child, entry) <= 0) break;
      h[i] = child;
      i = c;
    }
    h[i] = entry;
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
      downFromRoot(entry);
    },
    replaceWorst: downFromRoot,
    sorted: () => [...h].sort(cmp),
    get size() {
      return h.length;
    },
    get worst() {
      return k > 0 && h.length >= k ? h[0] : undefined;
    },
  };
}

/**
 * The estimated size of a sort entry: its row plus 96 bytes a key.
 *
 * @internal
 */
export function sortEntryBytes(e: SortEntry): number {
  return estimateRowBytes(e.row) + 64 + 96 * e.keys.length;
}

/**
 * The spill form of a sort entry: its arrival number, its key values and its row.
 *
 * @internal
 */
export function encodeSortEntry(e: SortEntry): unknown {
  return [e.seq, e.keys.map((k) => encodeValue(k.value)), encodeRow(e.row)];
}

/**
 * Reads back {@link encodeSortEntry}'s form (the keys are classified again).
 *
 * @internal
 */
export function decodeSortEntry(x: unknown): SortEntry {
  const [seq, keys, row] = x as [number, unknown[], unknown];
  return { seq, keys: keys.map((k) => sortKeyOf(decodeValue(k) as Value)), row: decodeRow(row) };
}

/**
 * An external sorter of sort entries under `cmp`, within the run's budget.
 *
 * @internal
 */
export function sortEntrySorter(
  memory: RunMemory,
  cmp: (a: SortEntry, b: SortEntry) => number,
  keep: number | undefined,
  limit: BufferLimit,
): ExternalSorter<SortEntry> {
  return createExternalSorter<SortEntry>({
    memory,
    compare: cmp,
    encode: encodeSortEntry,
    decode: decodeSortEntry,
    size: sortEntryBytes,
    keep,
    overBudget: limit.overBudget,
  });
}

/**
 * The `sort` stage. With `topK`, only the first `topK` rows of the sorted
 * order are kept and passed on (a heap while it fits the budget). At the
 * run's byte budget it spills sorted runs to the run's store and merges them
 * at the end (keeping each run's first `topK`), so the result is exactly the
 * in-memory one; without a store it throws `resource_limit`. It holds at
 * most `limit.max` rows.
 *
 * @internal
 */
export function sortStage(
  keys: readonly CompiledSortKey[],
  topK: number | undefined,
  limit: BufferLimit,
): StageFactory {
  const byKeys = keyListComparator(keys);
  const cmp = entryComparator(keys);
  const keepMax = topK ?? Number.POSITIVE_INFINITY;
  return (next: Sink, state): Sink => {
    const memory = state.memory;
    let seq = 0;
    let held = 0;
    let heapBytes = 0;
    let heap = topK === undefined ? undefined : createTopK<SortEntry>(topK, cmp);
    let external = topK === undefined ? sortEntrySorter(memory, cmp, undefined, limit) : undefined;
    const ctx = state.ctx;
    const spillHeap = (h: NonNullable<typeof heap>): void => {
      if (memory.store() === undefined) limit.overBudget();
      const sorter = sortEntrySorter(memory, cmp, topK, limit);
      memory.used -= heapBytes;
      heapBytes = 0;
      heap = undefined;
      for (const e of h.sorted()) sorter.add(e);
      external = sorter;
    };
    return {
      push(row) {
        const rowKeys = sortKeysOf(keys, row, ctx);
        const s = seq++;
        if (external !== undefined) {
          const entry: SortEntry = { row, keys: rowKeys, seq: s };
          if (held >= keepMax && !external.admits(entry)) return true;
          if (held >= limit.max && held < keepMax) limit.exceeded();
          held++;
          external.add(entry);
          return true;
        }
        const h = heap as NonNullable<typeof heap>;
        const worst = h.worst;
        if (worst !== undefined) {
          // Full: one comparison decides; a later arrival loses ties, so only a strictly smaller key gets in.
          if (byKeys(rowKeys, worst.keys) < 0) {
            const entry: SortEntry = { row, keys: rowKeys, seq: s };
            const bytes = sortEntryBytes(entry);
            const delta = bytes - (worst.bytes ?? 0);
            heapBytes += delta;
            memory.used += delta;
            h.replaceWorst({ ...entry, bytes });
            if (mustSpill(memory, heapBytes)) spillHeap(h);
          }
          return true;
        }
        if (held >= limit.max && held < keepMax) limit.exceeded();
        held++;
        const entry: SortEntry = { row, keys: rowKeys, seq: s };
        const bytes = sortEntryBytes(entry);
        heapBytes += bytes;
        memory.used += bytes;
        h.add({ ...entry, bytes });
        if (mustSpill(memory, heapBytes)) spillHeap(h);
        return true;
      },
      end() {
        if (external !== undefined) {
          for (const e of external.finish()) if (!next.push(e.row)) break;
        } else {
          const ordered = (heap as NonNullable<typeof heap>).sorted();
          heap = undefined;
          for (const e of ordered) if (!next.push(e.row)) break;
          memory.used -= heapBytes;
          heapBytes = 0;
        }
        next.end();
      },
    };
  };
}

/**
 * The `sort` command. A `dedup` right after it fuses with it, and a limit
 * after it makes it a top-K sort (see `CompileContext.sort`).
 *
 * @example
 * ```ts
 * sortCommand.print(parseQuery('sort by a desc, b').commands[0]) //=> 'sort a desc, b'
 * ```
 * @internal
 */
export const sortCommand: CommandSpec<SortCommand> = {
  kind: 'SortCommand',
  keywords: ['sort'],
  parse(p, start) {
    advance(p);
    if (isWord(p.tok, 'by')) advance(p);
    const keys: SortKeyNode[] = [];
    do {
      if (keys.length > 0) advance(p); // the comma
      const keyStart = p.tok.start;
      const expr = parseExpr(p);
      if (isWord(p.tok, 'asc') || isWord(p.tok, 'desc')) {
        const direction = p.tok.word as 'asc' | 'desc';
        advance(p);
        keys.push({ kind: 'SortKey', expr, direction, span: span(p, keyStart) });
      } else {
        keys.push({ kind: 'SortKey', expr, span: span(p, keyStart) });
      }
    } while (p.tok.kind === 'Comma');
    return { kind: 'SortCommand', keys, span: span(p, start) };
  },
  print: (c) =>
    `sort ${c.keys.map((key) => `${printExpression(key.expr)}${key.direction ? ` ${key.direction}` : ''}`).join(', ')}`,
  defines: () => [],
  hoist: 'always',
  barrier: true,
  order: () => 'sets',
  oneToOne: () => false,
  split: 'top-k',
  compile(c, ctx) {
    const state = ctx.state;
    const scope = scopeOf(state);
    const keys = c.keys.map((k): CompiledSortKey => {
      warnUnavailable(k.expr, state, 'sort');
      return { value: compileExpr(k.expr, scope), descending: k.direction === 'desc' };
    });
    ctx.sort(keys, () =>
      state.bound('sort', 'rows', c.span, [
        'add a limit after the sort to keep only the top rows',
        'narrow the input with filters or a time window',
      ]),
    );
  },
};
