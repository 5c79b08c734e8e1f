/**
 * The two halves of a partitioned first `stats`: each partition's run keeps
 * the groups and their accumulator snapshots instead of emitting rows
 * ({@link partialStatsStage}); the final run restores and merges them, in
 * partition order, and emits the groups exactly as the one-thread `stats`
 * stage does ({@link mergedStatsStage}).
 *
 * Exactness: every accumulator merges exactly and in any order (see
 * `functions/aggregate.ts`); groups are merged partition by partition, each
 * partition's groups in their order of first appearance, so the merged order
 * is the order of first appearance over the whole input, and each group keeps
 * the key values of its first row, as in one thread. Browser-safe: no `node:`
 * imports.
 *
 * @module
 */

import { type CompiledStats, groupKeyPart } from '../query/commands/stats.js';
import type { AggregateSlot } from '../query/evaluate.js';
import type { Accumulator } from '../query/functions/types.js';
import type { BufferLimit, StageFactory } from '../query/plan.js';
import { defineField, fieldsRow } from '../query/row.js';
import type { Value } from '../query/value.js';

/** One group of a partition's first `stats`: its key values and one accumulator snapshot per aggregate call. */
export interface PartialGroup {
  readonly keys: readonly Value[];
  readonly snapshots: readonly unknown[];
}

/** A partition's groups, in order of first appearance. */
export type PartialGroups = readonly PartialGroup[];

interface Group {
  readonly keys: readonly Value[];
  readonly accumulators: Accumulator[];
}

function keyOf(keys: readonly Value[]): string {
  let key = '';
  for (const k of keys) key += groupKeyPart(k);
  return key;
}

/**
 * The first-`stats` stage of a partition's run: groups rows as `stats`
 * does, and at the end hands the groups (with accumulator snapshots) to
 * `collect` instead of emitting rows.
 *
 * @example
 * ```ts
 * let groups: PartialGroups = [];
 * compileQuery(text, { firstStatsStage: partialStatsStage((g) => { groups = g; }) });
 * ```
 */
export function partialStatsStage(
  collect: (groups: PartialGroups) => void,
): (stats: CompiledStats, limit: BufferLimit) => StageFactory {
  return (stats, limit) => (next, state) => {
    const groups = new Map<string, Group>();
    const ctx = state.ctx;
    return {
      push(row) {
        const keys = stats.groups.map((g) => g.value(row, ctx));
        const key = keyOf(keys);
        let group = groups.get(key);
        if (group === undefined) {
          if (groups.size >= limit.max) limit.exceeded();
          group = { keys, accumulators: stats.slots.map((s) => s.def.create(s.constants)) };
          groups.set(key, group);
        }
        const aggRow = { timestamp: stats.timestamp(row) };
        for (let i = 0; i < stats.slots.length; i++) {
          const slot = stats.slots[i] as AggregateSlot;
          (group.accumulators[i] as Accumulator).add(slot.args(row, ctx), aggRow);
        }
        return true;
      },
      end() {
        const out: PartialGroup[] = [];
        for (const g of groups.values()) {
          out.push({ keys: g.keys, snapshots: g.accumulators.map((a) => a.snapshot()) });
        }
        collect(out);
        next.end();
      },
    };
  };
}

/**
 * The first-`stats` stage of the final run: ignores its input (the final
 * run reads none), merges the partitions' groups in partition order and
 * emits one row per group as `stats` does. More groups than the bound is the
 * same `resource_limit` error as in one thread.
 *
 * @example
 * ```ts
 * const q = compileQuery(text, { firstStatsStage: mergedStatsStage(partitionGroups) });
 * const { rows } = await q.run([]);
 * ```
 */
export function mergedStatsStage(
  partitions: readonly PartialGroups[],
): (stats: CompiledStats, limit: BufferLimit) => StageFactory {
  return (stats, limit) => (next, state) => {
    const ctx = state.ctx;
    return {
      push() {
        return true;
      },
      end() {
        const groups = new Map<string, Group>();
        for (const partition of partitions) {
          for (const part of partition) {
            const key = keyOf(part.keys);
            const group = groups.get(key);
            if (group === undefined) {
              if (groups.size >= limit.max) limit.exceeded();
              groups.set(key, {
                keys: part.keys,
                accumulators: stats.slots.map((s, i) => s.def.restore(part.snapshots[i], s.constants)),
              });
            } else {
              stats.slots.forEach((s, i) => {
                (group.accumulators[i] as Accumulator).merge(s.def.restore(part.snapshots[i], s.constants));
              });
            }
          }
        }
        for (const group of groups.values()) {
          const out = fieldsRow(new Map(), state.nextOrdinal++);
          stats.groups.forEach((g, i) => {
            defineField(out, g.name, group.keys[i]);
          });
          stats.slotValues.current = group.accumulators.map((a) => a.result());
          for (const item of stats.items) defineField(out, item.name, item.value(out, ctx));
          if (!next.push(out)) break;
        }
        next.end();
      },
    };
  };
}
