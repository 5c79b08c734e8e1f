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
 * With no input rows there are no output rows, grouped or not. Groups are
 * charged to the run's byte budget; at it the stage spills (partitioned hash
 * aggregation, see {@link statsStage}) with the same rows in the same order.
 * More than an explicit `maxBufferedRows` groups is a `resource_limit` error.
 *
 * @module
 */
import type { AggregateSlot, Evaluator } from '../evaluate.js';
import type { Accumulator } from '../functions/types.js';
import type { BufferLimit, RunState, Sink, StageFactory } from '../plan.js';
import { defineField, fieldsRow, type Row } from '../row.js';
import { valueToResultString } from '../semantics.js';
import {
  createExternalSorter,
  decodeValue,
  detachValue,
  encodeValue,
  estimateValueBytes,
  iterate,
  mustSpill,
  type SpillRun,
  type SpillRunWriter,
} from '../spill.js';
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

/** A group with what the spilling grouper keeps about it. */
interface GroupState extends StatsGroup {
  /** Arrival number of its first row (in this fragment, when spilled). */
  first: number;
  /** Its estimated size. */
  bytes: number;
}

/** The estimated size of a new group: map entry, key, key values, accumulators. */
function groupBytes(key: string, keys: readonly Value[], accumulators: readonly Accumulator[]): number {
  let n = GROUP_BASE + 2 * key.length;
  for (const k of keys) n += estimateValueBytes(k);
  for (const a of accumulators) n += ACCUMULATOR_BASE + (a.size?.() ?? 0);
  return n;
}

/** A group's map entry, objects and arrays; an accumulator's object, closures and state (measured with V8). */
const GROUP_BASE = 240;
const ACCUMULATOR_BASE = 200;

/** Partitions per spill level, and the deepest re-partitioning (4 bits of the hash each). */
const PARTITIONS = 16;
const MAX_LEVEL = 7;

/** FNV-1a with a murmur3 finaliser; level L picks bits 4L..4L+3, so each level splits a partition anew. */
function partitionOf(key: string, level: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> (4 * level)) & (PARTITIONS - 1);
}

function encodeGroup(key: string, g: GroupState): string {
  return JSON.stringify([
    key,
    g.first,
    encodeValue(g.keys),
    g.accumulators.map((a) => encodeValue(a.snapshot())),
  ]);
}

/**
 * Groups rows as `stats` does: one accumulator set per distinct key tuple,
 * in order of first appearance, bounded by `limit` (groups) and charged to
 * the run's byte budget. `onFull` is called when the budget is reached
 * (the stats stage spills the groups there; others throw).
 *
 * @internal
 */
export function createGrouper(
  stats: CompiledStats,
  limit: BufferLimit,
  state: Pick<RunState, 'ctx' | 'memory'>,
  onFull: () => void = limit.overBudget,
): {
  readonly groups: Map<string, StatsGroup>;
  add(row: Row): void;
  /** Estimated bytes held. */
  readonly bytes: number;
  /** Forgets every group (after they were spilled) and releases their bytes. */
  clear(): void;
} {
  const groups = new Map<string, GroupState>();
  const { ctx, memory } = state;
  let own = 0;
  let seq = 0;
  return {
    groups,
    get bytes() {
      return own;
    },
    clear() {
      groups.clear();
      memory.used -= own;
      own = 0;
    },
    add(row) {
      const keys = stats.groups.map((g) => g.value(row, ctx));
      const key = groupKey(keys);
      const s = seq++;
      let group = groups.get(key);
      let delta = 0;
      if (group === undefined) {
        if (groups.size >= limit.max) limit.exceeded();
        const accumulators = stats.slots.map((slot) => slot.def.create(slot.constants));
        group = { keys: keys.map(detachValue), accumulators, first: s, bytes: 0 };
        group.bytes = groupBytes(key, keys, accumulators);
        delta = group.bytes;
        groups.set(key, group);
      }
      const aggRow = { timestamp: stats.timestamp(row) };
      for (let i = 0; i < stats.slots.length; i++) {
        const slot = stats.slots[i] as AggregateSlot;
        const acc = group.accumulators[i] as Accumulator;
        if (acc.size === undefined) acc.add(slot.args(row, ctx), aggRow);
        else {
          const before = acc.size();
          acc.add(slot.args(row, ctx), aggRow);
          const grown = acc.size() - before;
          group.bytes += grown;
          delta += grown;
        }
      }
      if (delta !== 0) {
        own += delta;
        memory.used += delta;
        if (mustSpill(memory, own)) onFull();
      }
    },
  };
}

/** Builds the cells of a group's output row: the group columns, then the items. */
function groupCells(stats: CompiledStats, group: StatsGroup, state: RunState): Map<string, Value> {
  const out = fieldsRow(new Map(), state.nextOrdinal);
  stats.groups.forEach((g, i) => {
    defineField(out, g.name, group.keys[i]);
  });
  stats.slotValues.current = group.accumulators.map((a) => a.result());
  for (const item of stats.items) defineField(out, item.name, item.value(out, state.ctx));
  return out.defined as Map<string, Value>;
}

/** Emits one row per group (group columns, then the items), then ends `next`. @internal */
export function emitGroups(
  stats: CompiledStats,
  groups: Iterable<StatsGroup>,
  next: Sink,
  state: RunState,
): void {
  for (const group of groups) {
    const out = fieldsRow(groupCells(stats, group, state), state.nextOrdinal++);
    if (!next.push(out)) break;
  }
  next.end();
}

/** A finished group of a spilled stats, waiting to be emitted in order of first appearance. */
interface FinishedGroup {
  readonly first: number;
  readonly cells: Map<string, Value>;
}

/**
 * The `stats` stage. Within the run's byte budget the groups stay in a map.
 * At the budget, partitioned hash aggregation: the groups (keys and
 * accumulator snapshots) go to 16 partition files by a hash of their key and
 * the map starts again; at the end each partition is merged on its own
 * (re-partitioned by further hash bits when it alone is over the budget),
 * and the finished groups are emitted in order of their first row through
 * an external sort, so the rows and their order are those of the in-memory
 * path.
 *
 * @internal
 */
export function statsStage(stats: CompiledStats, limit: BufferLimit): StageFactory {
  return (next, state) => {
    const memory = state.memory;
    let partitions: SpillRunWriter[] | undefined;
    const newPartitions = (): SpillRunWriter[] => {
      const store = memory.store();
      if (store === undefined) limit.overBudget();
      return Array.from({ length: PARTITIONS }, () => store.createRun());
    };
    const spillTo = (writers: SpillRunWriter[], groups: Map<string, StatsGroup>, level: number): void => {
      for (const [key, g] of groups)
        (writers[partitionOf(key, level)] as SpillRunWriter).write(encodeGroup(key, g as GroupState));
    };
    const grouper = createGrouper(stats, limit, state, () => {
      partitions ??= newPartitions();
      spillTo(partitions, grouper.groups, 0);
      grouper.clear();
    });
    return {
      push(row) {
        grouper.add(row);
        return true;
      },
      end() {
        if (partitions === undefined) {
          emitGroups(stats, grouper.groups.values(), next, state);
          grouper.clear();
          return;
        }
        spillTo(partitions, grouper.groups, 0);
        grouper.clear();
        const finished = createExternalSorter<FinishedGroup>({
          memory,
          compare: (a, b) => a.first - b.first,
          encode: (f) => {
            const cells: unknown[] = [];
            for (const [name, value] of f.cells) cells.push(name, encodeValue(value));
            return [f.first, cells];
          },
          decode: (x) => {
            const [first, cells] = x as [number, unknown[]];
            const map = new Map<string, Value>();
            for (let i = 0; i < cells.length; i += 2)
              map.set(cells[i] as string, decodeValue(cells[i + 1]) as Value);
            return { first, cells: map };
          },
          size: (f) => {
            let n = 64;
            for (const [name, value] of f.cells) n += 40 + 2 * name.length + estimateValueBytes(value);
            return n;
          },
          overBudget: limit.overBudget,
        });
        let distinct = 0;
        const mergePartition = (run: SpillRun, level: number): void => {
          const groups = new Map<string, GroupState>();
          let own = 0;
          let sub: SpillRunWriter[] | undefined;
          try {
            for (const line of iterate(run)) {
              const [key, first, keys, snapshots] = JSON.parse(line) as [string, number, unknown, unknown[]];
              if (sub !== undefined) {
                (sub[partitionOf(key, level)] as SpillRunWriter).write(line);
                continue;
              }
              const restored = stats.slots.map((slot, i) =>
                slot.def.restore(decodeValue(snapshots[i]), slot.constants),
              );
              const group = groups.get(key);
              let delta: number;
              if (group === undefined) {
                const g: GroupState = {
                  keys: decodeValue(keys) as Value[],
                  accumulators: restored,
                  first,
                  bytes: 0,
                };
                g.bytes = groupBytes(key, g.keys, restored);
                groups.set(key, g);
                delta = g.bytes;
              } else {
                if (first < group.first) group.first = first;
                const before = group.bytes;
                group.accumulators.forEach((acc, i) => {
                  acc.merge(restored[i] as Accumulator);
                });
                group.bytes = groupBytes(key, group.keys, group.accumulators);
                delta = group.bytes - before;
              }
              own += delta;
              memory.used += delta;
              if (mustSpill(memory, own) && (groups.size > 1 || own > memory.budget)) {
                // one group alone over the budget (a huge count_distinct or pct) cannot be split
                if (groups.size <= 1 || level >= MAX_LEVEL) limit.overBudget();
                sub = newPartitions();
                spillTo(sub, groups, level);
                groups.clear();
                memory.used -= own;
                own = 0;
              }
            }
          } finally {
            run.remove();
          }
          if (sub !== undefined) {
            for (const w of sub) mergePartition(w.finish(), level + 1);
            return;
          }
          for (const g of [...groups.values()].sort((a, b) => a.first - b.first)) {
            if (++distinct > limit.max) limit.exceeded();
            finished.add({ first: g.first, cells: groupCells(stats, g, state) });
          }
          groups.clear();
          memory.used -= own;
        };
        for (const w of partitions) mergePartition(w.finish(), 1);
        partitions = undefined;
        for (const f of finished.finish()) {
          if (!next.push(fieldsRow(f.cells, state.nextOrdinal++))) break;
        }
        next.end();
      },
    };
  };
}
