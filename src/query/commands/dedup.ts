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
 *   keys, not of rows; with a limit after it, only the first K of them are
 *   kept (a heap of distinct keys), so memory is O(K).
 *
 * Both charge what they hold to the run's byte budget and spill at it (see
 * each stage), with the same result; without a spill store they throw
 * `resource_limit`. An explicit `maxBufferedRows` bounds keys or rows.
 *
 * @module
 */
import type { DedupCommand } from '../ast.js';
import { compileExpr, type Evaluator } from '../evaluate.js';
import type { EvalContext } from '../functions/types.js';
import { advance, parseFieldName, span } from '../parse/state.js';
import type { BufferLimit, StageFactory } from '../plan.js';
import type { Row } from '../row.js';
import { type CompileState, checkAvailable, scopeOf } from '../scope.js';
import { valueToResultString } from '../semantics/format.js';
import {
  createExternalSorter,
  type ExternalSorter,
  flattenString,
  mustSpill,
  type RunMemory,
} from '../spill.js';
import type { Value } from '../value.js';
import {
  type CompiledSortKey,
  decodeSortEntry,
  encodeSortEntry,
  entryComparator,
  keyListComparator,
  type SortEntry,
  sortEntryBytes,
  sortEntrySorter,
  sortKeysOf,
} from './sort.js';
import type { CommandSpec } from './spec.js';

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

/** A row waiting in a spilled dedup, with its key. */
interface KeyedEntry {
  readonly key: string;
  readonly entry: SortEntry;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function keyedSorter(
  memory: RunMemory,
  cmp: (a: SortEntry, b: SortEntry) => number,
  limit: BufferLimit,
): ExternalSorter<KeyedEntry> {
  return createExternalSorter<KeyedEntry>({
    memory,
    compare: (a, b) => compareStrings(a.key, b.key) || cmp(a.entry, b.entry),
    encode: (k) => [k.key, encodeSortEntry(k.entry)],
    decode: (x) => {
      const [key, entry] = x as [string, unknown];
      return { key, entry: decodeSortEntry(entry) };
    },
    size: (k) => 24 + 2 * k.key.length + sortEntryBytes(k.entry),
    overBudget: limit.overBudget,
  });
}

/** The first entry of each key from a key-sorted sequence (the one that sorts first within its key). */
function* firstPerKey(sorted: Iterable<KeyedEntry>): Generator<SortEntry> {
  let last: string | undefined;
  for (const k of sorted) {
    if (k.key === last) continue;
    last = k.key;
    yield k.entry;
  }
}

const bySeq = (a: SortEntry, b: SortEntry): number => a.seq - b.seq;

/**
 * The streaming `dedup` stage (rows already in their final order). While
 * the keys seen fit the run's budget, it passes on the first row of each key
 * as it arrives. At the budget it writes the keys seen to a sorted run and
 * holds back every later row (spilling them sorted by key); at the end the
 * held rows whose key was not seen before keep one per key, and they go on
 * in arrival order, as they would have without the budget.
 *
 * @internal
 */
export function dedupStage(fields: readonly Evaluator[], limit: BufferLimit): StageFactory {
  return (next, state) => {
    const memory = state.memory;
    const seen = new Set<string>();
    let seenBytes = 0;
    let seq = 0;
    /** After the budget: the keys passed on before it, the held rows by key, and the rows to pass on at the end. */
    let spilled:
      | { seen: ExternalSorter<string>; keyed: ExternalSorter<KeyedEntry>; out: ExternalSorter<SortEntry> }
      | undefined;
    let distinct = 0;
    const spill = (): void => {
      if (memory.store() === undefined) limit.overBudget();
      const seenRun = createExternalSorter<string>({
        memory,
        compare: compareStrings,
        encode: (k) => k,
        decode: (x) => x as string,
        size: (k) => 24 + 2 * k.length,
        overBudget: limit.overBudget,
      });
      memory.used -= seenBytes;
      seenBytes = 0;
      for (const k of seen) seenRun.add(k);
      seen.clear();
      spilled = {
        seen: seenRun,
        keyed: keyedSorter(memory, bySeq, limit),
        out: sortEntrySorter(memory, bySeq, undefined, limit),
      };
    };
    return {
      push(row) {
        const key = dedupKey(fields, row, state.ctx);
        if (spilled !== undefined) {
          const entry: SortEntry = { row, keys: [], seq: seq++ };
          if (key === undefined) spilled.out.add(entry);
          else spilled.keyed.add({ key, entry });
          return true;
        }
        if (key === undefined) return next.push(row);
        if (seen.has(key)) return true;
        if (++distinct > limit.max) limit.exceeded();
        seen.add(flattenString(key));
        const bytes = 56 + 2 * key.length;
        seenBytes += bytes;
        memory.used += bytes;
        if (mustSpill(memory, seenBytes)) spill();
        return next.push(row);
      },
      end() {
        if (spilled !== undefined) {
          const { seen: seenRun, keyed, out } = spilled;
          const before = seenRun.finish()[Symbol.iterator]();
          let pending = before.next();
          for (const held of firstPerKeyed(keyed.finish())) {
            while (pending.done !== true && pending.value < held.key) pending = before.next();
            if (pending.done !== true && pending.value === held.key) continue;
            if (++distinct > limit.max) limit.exceeded();
            out.add(held.entry);
          }
          before.return?.();
          for (const e of out.finish()) if (!next.push(e.row)) break;
        } else {
          memory.used -= seenBytes;
          seenBytes = 0;
        }
        next.end();
      },
    };
  };
}

/** Like {@link firstPerKey}, keeping the key. */
function* firstPerKeyed(sorted: Iterable<KeyedEntry>): Generator<KeyedEntry> {
  let last: string | undefined;
  for (const k of sorted) {
    if (k.key === last) continue;
    last = k.key;
    yield k;
  }
}

/** A kept row of {@link topDistinct}: its entry, dedup key (`undefined`: a field is missing), size and heap slot. */
interface TopSlot {
  entry: SortEntry;
  readonly key: string | undefined;
  bytes: number;
  at: number;
}

/**
 * The first `k` rows of `sort … | dedup …` in O(k) memory: a binary
 * max-heap of the `k` best kept rows (the worst at the root) and a map from
 * the dedup key of each to its slot. A row that does not sort before the
 * worst kept row is dropped after one comparison, before its dedup key is
 * computed: neither its key's kept row (which sorts before the worst) nor,
 * when its key is not kept, any row of that key can make the first `k`.
 *
 * Why that is exact: every key not in the heap has all its rows so far
 * after the worst kept row (true at the start; a key is evicted only as the
 * worst, and the worst only moves earlier). So a row of a key that is not
 * kept and that sorts before the worst is its key's best so far and belongs
 * in the first `k`; it takes the worst's place. A row of a kept key that
 * sorts before that key's row replaces it and moves towards the leaves. A
 * row with a missing field is a key of its own that occurs once.
 */
function topDistinct(cmp: (a: SortEntry, b: SortEntry) => number, k: number) {
  const heap: TopSlot[] = [];
  const byKey = new Map<string, TopSlot>();
  const place = (slot: TopSlot, at: number): void => {
    heap[at] = slot;
    slot.at = at;
  };
  const up = (slot: TopSlot): void => {
    let i = slot.at;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p] as TopSlot;
      if (cmp(slot.entry, parent.entry) <= 0) break;
      place(parent, i);
      i = p;
    }
    place(slot, i);
  };
  const down = (slot: TopSlot): void => {
    const n = heap.length;
    let i = slot.at;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let child = heap[l] as TopSlot;
      const right = heap[l + 1];
      if (right !== undefined && cmp(right.entry, child.entry) > 0) child = right;
      if (cmp(child.entry, slot.entry) <= 0) break;
      const c = child.at;
      place(child, i);
      i = c;
    }
    place(slot, i);
  };
  return {
    /** The worst kept row, once `k` rows are kept (a newcomer must sort before it). */
    get worst(): SortEntry | undefined {
      return heap.length >= k ? heap[0]?.entry : undefined;
    },
    get size(): number {
      return heap.length;
    },
    /** The kept slot of `key`. */
    kept: (key: string): TopSlot | undefined => byKey.get(key),
    /** Gives a kept slot a row that sorts before its current one; returns the change in bytes. */
    improve(slot: TopSlot, entry: SortEntry, bytes: number): number {
      const delta = bytes - slot.bytes;
      slot.entry = entry;
      slot.bytes = bytes;
      down(slot);
      return delta;
    },
    /** Keeps a row of a key that is not kept (in place of the worst when `k` are kept); returns the change in bytes. */
    insert(key: string | undefined, entry: SortEntry, bytes: number): number {
      if (k <= 0) return 0; // (`limit 0`: nothing is kept)
      const slot: TopSlot = { entry, key, bytes, at: 0 };
      if (key !== undefined) byKey.set(flattenString(key), slot);
      if (heap.length < k) {
        slot.at = heap.length;
        heap.push(slot);
        up(slot);
        return bytes;
      }
      const evicted = heap[0] as TopSlot;
      if (evicted.key !== undefined) byKey.delete(evicted.key);
      down(slot);
      return bytes - evicted.bytes;
    },
    /** The kept slots, emptying the heap. */
    drain(): TopSlot[] {
      const out = heap.splice(0);
      byKey.clear();
      return out;
    },
  };
}

/**
 * A `sort` by `keys` fused with the `dedup` by `fields` that follows it:
 * one kept row per distinct key (the one that sorts first), plus the rows
 * with a missing field; sorted and passed on at the end. With `topK` (a
 * limit after it), only the first `topK` rows of that result are kept
 * ({@link topDistinct}), so memory is O(topK), not O(distinct keys). At the
 * run's byte budget it turns into two external sorts: rows by (key, sort
 * order), of which the first per key goes into the second, by the sort
 * order, which keeps only the first `topK`. A spill from the top-K heap
 * gives the same rows: the keys it evicted had rows only after the worst
 * kept row, so whatever the spilled path picks for them sorts after `topK`
 * rows it keeps.
 *
 * @internal
 */
export function sortedDedupStage(
  keys: readonly CompiledSortKey[],
  fields: readonly Evaluator[],
  limit: BufferLimit,
  topK?: number,
): StageFactory {
  const cmp = entryComparator(keys);
  const byKeys = keyListComparator(keys);
  /** The most rows the result can have; counting past it never fails (as in a top-K sort). */
  const keepMax = topK ?? Number.POSITIVE_INFINITY;
  return (next, state) => {
    const ctx = state.ctx;
    const memory = state.memory;
    let seq = 0;
    let own = 0;
    const best = new Map<string, SortEntry>();
    const alwaysKept: SortEntry[] = [];
    const top = topK === undefined ? undefined : topDistinct(cmp, topK);
    let spilled: { keyed: ExternalSorter<KeyedEntry>; out: ExternalSorter<SortEntry> } | undefined;
    /** Rows kept in memory mode (distinct keys plus rows with a missing field), and rows with a missing field. */
    let held = 0;
    let missing = 0;
    /** Counts one more row the result holds, failing past `limit.max` below `keepMax`. */
    const hold = (count: number): void => {
      if (count >= limit.max && count < keepMax) limit.exceeded();
    };
    const charge = (bytes: number): void => {
      own += bytes;
      memory.used += bytes;
    };
    const spill = (): void => {
      if (memory.store() === undefined) limit.overBudget();
      const s = {
        keyed: keyedSorter(memory, cmp, limit),
        // only the first `topK` rows of the result are wanted, so the second sort keeps only those
        out: sortEntrySorter(memory, cmp, topK, limit),
      };
      memory.used -= own;
      own = 0;
      for (const [key, entry] of best) s.keyed.add({ key, entry });
      for (const entry of alwaysKept) s.out.add(entry);
      if (top !== undefined) {
        for (const slot of top.drain()) {
          if (slot.key === undefined) {
            missing++;
            s.out.add(slot.entry);
          } else s.keyed.add({ key: slot.key, entry: slot.entry });
        }
      }
      best.clear();
      alwaysKept.length = 0;
      spilled = s;
    };
    /** The top-K path: see {@link topDistinct}. */
    const pushTop = (t: NonNullable<typeof top>, row: Row): void => {
      const rowKeys = sortKeysOf(keys, row, ctx);
      const s = seq++;
      const worst = t.worst;
      // a later arrival loses ties, so only a strictly earlier key gets in
      if (worst !== undefined && byKeys(rowKeys, worst.keys) >= 0) return;
      const key = dedupKey(fields, row, ctx);
      const entry: SortEntry = { row, keys: rowKeys, seq: s };
      const slot = key === undefined ? undefined : t.kept(key);
      if (slot !== undefined) {
        if (cmp(entry, slot.entry) >= 0) return;
        charge(t.improve(slot, entry, sortEntryBytes(entry)));
      } else {
        if (worst === undefined) hold(t.size);
        const bytes = sortEntryBytes(entry) + (key === undefined ? 0 : 24 + 2 * key.length);
        charge(t.insert(key, entry, bytes));
      }
      if (mustSpill(memory, own)) spill();
    };
    return {
      push(row) {
        if (spilled === undefined && top !== undefined) {
          pushTop(top, row);
          return true;
        }
        const key = dedupKey(fields, row, ctx);
        const entry: SortEntry = { row, keys: sortKeysOf(keys, row, ctx), seq: seq++ };
        if (spilled !== undefined) {
          if (key === undefined) {
            hold(missing++);
            spilled.out.add(entry);
          } else spilled.keyed.add({ key, entry });
          return true;
        }
        if (key === undefined) {
          hold(held++);
          missing++;
          alwaysKept.push(entry);
          charge(sortEntryBytes(entry));
        } else {
          const current = best.get(key);
          if (current === undefined) {
            hold(held++);
            best.set(flattenString(key), entry);
            charge(24 + 2 * key.length + sortEntryBytes(entry));
          } else if (cmp(entry, current) < 0) {
            best.set(key, entry);
            charge(sortEntryBytes(entry) - sortEntryBytes(current));
          }
        }
        if (mustSpill(memory, own)) spill();
        return true;
      },
      end() {
        if (spilled !== undefined) {
          const { keyed, out } = spilled;
          let kept = missing;
          for (const e of firstPerKey(keyed.finish())) {
            hold(kept++);
            out.add(e);
          }
          for (const e of out.finish()) if (!next.push(e.row)) break;
        } else {
          const kept = top === undefined ? alwaysKept : top.drain().map((slot) => slot.entry);
          for (const entry of best.values()) kept.push(entry);
          best.clear();
          kept.sort(cmp);
          for (const e of kept) if (!next.push(e.row)) break;
          memory.used -= own;
          own = 0;
        }
        next.end();
      },
    };
  };
}

function compileDedupFields(c: DedupCommand, state: CompileState): Evaluator[] {
  const scope = scopeOf(state);
  return c.fields.map((f) => {
    checkAvailable(f, state, 'dedup');
    return compileExpr(f, scope);
  });
}

/**
 * A sort directly followed by dedup, compiled as one stage that keeps one
 * row per distinct key (see {@link sortedDedupStage}).
 *
 * @example
 * ```ts
 * compileSortedDedup([timestampKey], dedupCommandNode, state) // the stage of `sort … | dedup …`
 * ```
 * @internal
 */
export function compileSortedDedup(
  keys: readonly CompiledSortKey[],
  c: DedupCommand,
  state: CompileState,
  topK?: number,
): StageFactory {
  const limit = state.bound(
    'dedup',
    'rows (one per distinct key, plus the rows with a missing field)',
    c.span,
    ['dedup by fewer or coarser fields, or narrow the input with filters'],
  );
  return sortedDedupStage(keys, compileDedupFields(c, state), limit, topK);
}

/**
 * The `dedup` command. A sort right before it fuses with it
 * ({@link compileSortedDedup}); on its own it streams ({@link dedupStage}).
 *
 * @example
 * ```ts
 * dedupCommand.print(parseQuery('dedup a,b').commands[0]) //=> 'dedup a, b'
 * ```
 * @internal
 */
export const dedupCommand: CommandSpec<DedupCommand> = {
  kind: 'DedupCommand',
  keywords: ['dedup'],
  parse(p, start) {
    advance(p);
    const fields = [parseFieldName(p, 'a field name after dedup')];
    while (p.tok.kind === 'Comma') {
      advance(p);
      fields.push(parseFieldName(p, 'a field name'));
    }
    return { kind: 'DedupCommand', fields, span: span(p, start) };
  },
  print: (c) => `dedup ${c.fields.map((f) => f.text).join(', ')}`,
  defines: () => [],
  hoist: 'never',
  barrier: true,
  order: () => 'takes',
  oneToOne: () => false,
  fusesWithSort: true,
  split: 'one-thread',
  compile(c, { state, emit }) {
    const limit = state.bound('dedup', 'distinct keys', c.span, [
      'dedup by fewer or coarser fields, or narrow the input with filters',
    ]);
    emit(dedupStage(compileDedupFields(c, state), limit));
  },
};
