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

import {
  type CompiledStats,
  createGrouper,
  emitGroups,
  groupKey,
  type StatsGroup,
} from '../query/commands/stats.js';
import type { Accumulator } from '../query/functions/types.js';
import type { BufferLimit, StageFactory } from '../query/plan.js';
import type { Value } from '../query/value.js';

/** One group of a partition's first `stats`: its key values and one accumulator snapshot per aggregate call. */
export interface PartialGroup {
  readonly keys: readonly Value[];
  readonly snapshots: readonly unknown[];
}

/** A partition's groups, in order of first appearance. */
export type PartialGroups = readonly PartialGroup[];

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
    const grouper = createGrouper(stats, limit, state);
    return {
      push(row) {
        grouper.add(row);
        return true;
      },
      end() {
        const out: PartialGroup[] = [];
        for (const g of grouper.groups.values()) {
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
  return (stats, limit) => (next, state) => ({
    push() {
      return true;
    },
    end() {
      const groups = new Map<string, StatsGroup>();
      for (const partition of partitions) {
        for (const part of partition) {
          const key = groupKey(part.keys);
          const restored = stats.slots.map((s, i) => s.def.restore(part.snapshots[i], s.constants));
          const group = groups.get(key);
          if (group === undefined) {
            if (groups.size >= limit.max) limit.exceeded();
            groups.set(key, { keys: part.keys, accumulators: restored });
          } else {
            restored.forEach((acc, i) => {
              (group.accumulators[i] as Accumulator).merge(acc);
            });
          }
        }
      }
      emitGroups(stats, groups.values(), next, state);
    },
  });
}
