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
import { createExternalSorter, type ExternalSorter, mustSpill, type RunMemory } from '../spill.js';
import type { Value } from '../value.js';
import {
  type CompiledSortKey,
  decodeSortEntry,
  encodeSortEntry,
  entryComparator,
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
        seen.add(key);
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

/**
 * A `sort` by `keys` fused with the `dedup` by `fields` that follows it:
 * one kept row per distinct key (the one that sorts first), plus the rows
 * with a missing field; sorted and passed on at the end. At the run's byte
 * budget it turns into two external sorts: rows by (key, sort order), of
 * which the first per key goes into the second, by the sort order.
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
  return (next, state) => {
    const ctx = state.ctx;
    const memory = state.memory;
    let seq = 0;
    let own = 0;
    const best = new Map<string, SortEntry>();
    const alwaysKept: SortEntry[] = [];
    let spilled: { keyed: ExternalSorter<KeyedEntry>; out: ExternalSorter<SortEntry> } | undefined;
    /** Rows kept in memory mode (distinct keys plus rows with a missing field), and rows with a missing field. */
    let held = 0;
    let missing = 0;
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
      best.clear();
      alwaysKept.length = 0;
      spilled = s;
    };
    return {
      push(row) {
        const key = dedupKey(fields, row, ctx);
        const entry: SortEntry = { row, keys: sortKeysOf(keys, row, ctx), seq: seq++ };
        if (spilled !== undefined) {
          if (key === undefined) {
            if (missing++ >= limit.max) limit.exceeded();
            spilled.out.add(entry);
          } else spilled.keyed.add({ key, entry });
          return true;
        }
        if (key === undefined) {
          if (held++ >= limit.max) limit.exceeded();
          missing++;
          alwaysKept.push(entry);
          charge(sortEntryBytes(entry));
        } else {
          const current = best.get(key);
          if (current === undefined) {
            if (held++ >= limit.max) limit.exceeded();
            best.set(key, entry);
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
            if (kept++ >= limit.max) limit.exceeded();
            out.add(e);
          }
          for (const e of out.finish()) if (!next.push(e.row)) break;
        } else {
          const kept = alwaysKept;
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
