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
import type { BufferLimit, StageFactory } from '../plan.js';
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

interface Group {
  readonly keys: readonly Value[];
  readonly accumulators: readonly Accumulator[];
}

/**
 * The grouping identity of a value: its result string form, or a marker for
 * missing.
 *
 * @internal
 */
export function groupKeyPart(v: Value): string {
  const s = valueToResultString(v);
  return s === undefined ? '\u0000' : `${s.length}:${s}`;
}

/**
 * The `stats` stage.
 *
 * @internal
 */
export function statsStage(stats: CompiledStats, limit: BufferLimit): StageFactory {
  return (next, state) => {
    const groups = new Map<string, Group>();
    const ctx = state.ctx;
    return {
      push(row) {
        const keys = stats.groups.map((g) => g.value(row, ctx));
        let key = '';
        for (const k of keys) key += groupKeyPart(k);
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
