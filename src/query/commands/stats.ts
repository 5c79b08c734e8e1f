/**
 * `stats agg, … [by group, …]`: one output row per distinct tuple of group
 * values, with the group columns first and then the aggregate items, in the
 * order written. Memory grows with the number of groups, not of rows: each
 * group holds one accumulator per aggregate call.
 *
 * Items may do arithmetic over aggregates (`sum(x) / count(*)`) and read the
 * aliases of earlier items (`a - b as c`). Group values that print alike
 * (`401` and `"401"`) are one group; a missing group value is a group of its
 * own whose cell is absent. Groups come out in order of first appearance.
 * With no input rows there are no output rows, grouped or not. More than
 * `maxBufferedRows` groups is a `resource_limit` error.
 *
 * @module
 */
import type { AggregateSlot, Evaluator } from '../evaluate.js';
import type { Accumulator } from '../functions/types.js';
import type { BufferLimit, RunState, Sink, StageFactory } from '../plan.js';
import { defineField, fieldsRow, type Row } from '../row.js';
import { valueToResultString } from '../semantics.js';
import type { Value } from '../value.js';

/**
 * A compiled `stats` command.
 *
 * @internal
 */
export interface CompiledStats {
  readonly groups: readonly { readonly name: string; readonly value: Evaluator }[];
  readonly slots: readonly AggregateSlot[];
  /** Item evaluators; aggregate calls in them read `slotValues.current`. */
  readonly items: readonly { readonly name: string; readonly value: Evaluator }[];
  readonly slotValues: { current: readonly Value[] };
  /** Reads the row's `@timestamp` for `earliest`/`latest`. */
  readonly timestamp: (row: Row) => number | undefined;
}

/** One group of a `stats`: its key values and one accumulator per aggregate call. @internal */
export interface StatsGroup {
  readonly keys: readonly Value[];
  readonly accumulators: readonly Accumulator[];
}

/**
 * The grouping identity of a value: its result string form, or a marker for
 * missing.
 *
 * @internal
 */
function groupKeyPart(v: Value): string {
  const s = valueToResultString(v);
  return s === undefined ? '\u0000' : `${s.length}:${s}`;
}

/** The map key of a group's key values. @internal */
export function groupKey(keys: readonly Value[]): string {
  let key = '';
  for (const k of keys) key += groupKeyPart(k);
  return key;
}

/**
 * Groups rows as `stats` does: one accumulator set per distinct key tuple,
 * in order of first appearance, bounded by `limit`.
 *
 * @internal
 */
export function createGrouper(
  stats: CompiledStats,
  limit: BufferLimit,
  ctx: RunState['ctx'],
): { readonly groups: Map<string, StatsGroup>; add(row: Row): void } {
  const groups = new Map<string, StatsGroup>();
  return {
    groups,
    add(row) {
      const keys = stats.groups.map((g) => g.value(row, ctx));
      const key = groupKey(keys);
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
    },
  };
}

/** Emits one row per group (group columns, then the items), then ends `next`. @internal */
export function emitGroups(
  stats: CompiledStats,
  groups: Iterable<StatsGroup>,
  next: Sink,
  state: RunState,
): void {
  for (const group of groups) {
    const out = fieldsRow(new Map(), state.nextOrdinal++);
    stats.groups.forEach((g, i) => {
      defineField(out, g.name, group.keys[i]);
    });
    stats.slotValues.current = group.accumulators.map((a) => a.result());
    for (const item of stats.items) defineField(out, item.name, item.value(out, state.ctx));
    if (!next.push(out)) break;
  }
  next.end();
}

/**
 * The `stats` stage.
 *
 * @internal
 */
export function statsStage(stats: CompiledStats, limit: BufferLimit): StageFactory {
  return (next, state) => {
    const grouper = createGrouper(stats, limit, state.ctx);
    return {
      push(row) {
        grouper.add(row);
        return true;
      },
      end() {
        emitGroups(stats, grouper.groups.values(), next, state);
      },
    };
  };
}
