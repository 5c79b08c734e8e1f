/**
 * The byte accounting of what a run builds before it reads its input: the
 * hash table of a `join`'s right side, the value set of a subquery and the
 * indexes of `lookup` and `cidrlookup` tables. They cannot spill (every
 * row of the input probes them), so past the run's budget they stop the
 * run with the stage's `resource_limit` error, which names the
 * `memoryBudgetBytes` option (`--memory-budget`).
 *
 * @module
 */
import type { BufferLimit } from './plan.js';
import type { RunMemory } from './spill.js';

/**
 * A charge on the run's budget that grows as a side structure is built.
 *
 * @internal
 */
export interface SideCharge {
  /** Adds `bytes` (and one entry) to the charge; throws the stage's `resource_limit` past the budget or the row bound. */
  add(bytes: number, entries?: number): void;
  /** The bytes charged so far. */
  readonly bytes: number;
}

/**
 * Opens a charge on `memory` for one side structure bounded by `limit`.
 *
 * @example
 * ```ts
 * const charge = sideCharge(createRunMemory(1000, undefined), limit);
 * charge.add(600); // fine
 * charge.add(600); // throws limit.overBudget()
 * ```
 * @internal
 */
export function sideCharge(memory: RunMemory, limit: BufferLimit): SideCharge {
  let bytes = 0;
  let entries = 0;
  return {
    add(n, count = 1) {
      bytes += n;
      entries += count;
      memory.used += n;
      if (entries > limit.max) limit.exceeded();
      if (memory.used > memory.budget) limit.overBudget();
    },
    get bytes() {
      return bytes;
    },
  };
}
