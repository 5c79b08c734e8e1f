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
import { type Expr, fieldRefName, type Item, type StatsCommand } from '../ast.js';
import {
  type AggregateSlot,
  compileError,
  compileExpr,
  containsAggregate,
  fieldRefsOf,
  resolveCalls,
} from '../evaluate.js';
import { fixedPeriodMs } from '../functions/datetime.js';
import type { Accumulator } from '../functions/types.js';
import { parseExpr } from '../parse/expression.js';
import { parseItems, withAlias } from '../parse/items.js';
import { advance, fail, isWord, type State, span } from '../parse/state.js';
import type { BufferLimit, CompiledStats, RunState, Sink, StageFactory } from '../plan.js';
import { printItems } from '../print-expression.js';
import { compileFieldLookup, defineField, type FieldLookupOptions, fieldsRow, type Row } from '../row.js';
import { type CompileState, checkAvailable, itemName, type StatsBin, scopeOf } from '../scope.js';
import { valueToResultString } from '../semantics/format.js';
import {
  createExternalSorter,
  decodeValue,
  detachValue,
  encodeValue,
  estimateValueBytes,
  flattenString,
  iterate,
  mustSpill,
  type SpillRun,
  type SpillRunWriter,
} from '../spill.js';
import type { Value } from '../value.js';
import { walkExpr } from '../walk.js';
import { sortStage } from './sort.js';
import type { CommandSpec } from './spec.js';

export type { CompiledStats } from '../plan.js';

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

/**
 * A group's map entry, objects and arrays; an accumulator's object, its four
 * closures and their context (56 bytes a closure, 48 the context, measured in
 * a V8 heap snapshot of 1M distinct groups: the earlier 200 made the budget
 * hold about 1.4 times what it said).
 */
const GROUP_BASE = 240;
const ACCUMULATOR_BASE = 330;

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
  /** The groups in order of first appearance, each forgotten (and its bytes released) as it is taken. */
  drain(): Generator<StatsGroup>;
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
    *drain() {
      // (deleting the entry being visited is allowed while iterating a Map)
      for (const [key, group] of groups) {
        groups.delete(key);
        own -= group.bytes;
        memory.used -= group.bytes;
        yield group;
      }
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
        groups.set(flattenString(key), group);
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
      // One group alone over the budget (a count_distinct or pct without `by`)
      // cannot be split: merging its spilled pieces gives a group at least as
      // large, which stops with the same typed error. Stopping here spares the
      // spill line and its restore, which held several copies of the group.
      if (grouper.groups.size === 1 && grouper.bytes > memory.budget) limit.overBudget();
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
          // each group's memory goes back as its row goes on, so a buffering stage after it can take it
          emitGroups(stats, grouper.drain(), next, state);
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

function parseStats(p: State, start: number): StatsCommand {
  advance(p);
  const items = parseItems(p);
  let groups: Item[] = [];
  if (isWord(p.tok, 'by')) {
    advance(p);
    groups = [parseGroupItem(p)];
    while (p.tok.kind === 'Comma') {
      advance(p);
      groups.push(parseGroupItem(p));
    }
  }
  return { kind: 'StatsCommand', items, groups, span: span(p, start) };
}

/**
 * A stats group item; `bin(5m) offset 1h` (the time-series page's shifted
 * bins) becomes the call `bin(5m, 1h)`, spanning the text as written so the
 * column is named `bin(5m) offset 1h`.
 */
function parseGroupItem(p: State): Item {
  const start = p.tok.start;
  let expr = parseExpr(p);
  if (
    expr.kind === 'CallExpr' &&
    expr.name.toLowerCase() === 'bin' &&
    expr.args.length === 1 &&
    isWord(p.tok, 'offset')
  ) {
    advance(p);
    const offset = parseExpr(p);
    if (offset.kind !== 'PeriodLit') {
      fail(p, 'expected_period', 'expected a duration such as 1h after offset', offset.span);
    }
    expr = { ...expr, args: [...expr.args, offset], span: { start: expr.span.start, end: offset.span.end } };
  }
  return withAlias(p, expr, start);
}

/** The columns a stats computes (a plain field grouped under its own name is not computed: it stays the field). */
function statsDefines(c: StatsCommand, text: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const item of c.items) out.add(itemName(item, text));
  for (const g of c.groups) {
    const name = itemName(g, text);
    // A plain field grouped under its own name commutes with a filter on it.
    if (g.expr.kind === 'FieldRef' && fieldRefName(g.expr) === name) continue;
    out.add(name);
  }
  return out;
}

/**
 * Compiles a `stats` node against the scope and makes the scope its
 * columns (also for a `stats` that another command plans, `countFrequent`).
 *
 * @internal
 */
export function compileStats(c: StatsCommand, state: CompileState): CompiledStats {
  state.statsSeen++;
  for (const item of [...c.items, ...c.groups]) resolveCalls(item.expr, { text: state.text });
  if (state.available !== undefined) {
    // Second stats: it sees only what the first one produced.
    for (const item of [...c.items, ...c.groups]) checkAvailable(item.expr, state, 'the second stats');
    const needsTimestamp = [...c.items, ...c.groups].some((i) => fieldRefsOf(i.expr).includes('@timestamp'));
    if (needsTimestamp && !state.available.has('@timestamp') && !state.defined.has('@timestamp')) {
      compileError(
        'unknown_field_after_stats',
        'bin() in the second stats needs @timestamp: name a column @timestamp in the first stats (… by bin(1m) as @timestamp)',
        c.span,
        { text: state.text },
      );
    }
  }
  const groups = c.groups.map((g) => {
    if (containsAggregate(g.expr)) {
      compileError(
        'aggregate_not_allowed',
        'a stats group (by …) cannot contain an aggregate function',
        g.span,
        {
          text: state.text,
        },
      );
    }
    return { name: itemName(g, state.text), value: compileExpr(g.expr, scopeOf(state)) };
  });
  const slots: AggregateSlot[] = [];
  const slotValues: { current: readonly Value[] } = { current: [] };
  const outputNames = new Set(groups.map((g) => g.name));
  const items = c.items.map((item) => {
    const name = itemName(item, state.text);
    const hasAgg = containsAggregate(item.expr);
    // Outside aggregate calls, an item may read only earlier items and groups.
    const bare: string[] = [];
    collectBareRefs(item.expr, bare);
    const unknown = bare.filter((r) => !outputNames.has(r));
    if (unknown.length > 0 || (!hasAgg && bare.length === 0)) {
      compileError(
        'aggregate_required',
        unknown.length > 0
          ? `"${unknown[0]}" in a stats item must be inside an aggregate function (or be an earlier alias)`
          : 'a stats item needs an aggregate function such as count(*)',
        item.span,
        { text: state.text },
      );
    }
    const itemScope = scopeOf(state, {
      aggregates: { slots, slotValues },
      defined: new Set([...state.defined, ...outputNames]),
    });
    const value = compileExpr(item.expr, { ...itemScope, columns: undefined });
    outputNames.add(name);
    return { name, value };
  });
  const tsLookup = compileFieldLookup('@timestamp', ['@timestamp'], state.fieldOptions);
  const timestamp = (row: Row): number | undefined => {
    if (row.event !== undefined && (row.defined === undefined || !row.defined.has('@timestamp'))) {
      return row.event.timestampInvalid === true ? undefined : row.event.timestamp;
    }
    const v = tsLookup(row);
    if (v instanceof Date) return v.getTime();
    return typeof v === 'number' ? v : undefined;
  };
  const columns = [...groups.map((g) => g.name), ...items.map((i) => i.name)];
  state.available = new Set(columns);
  state.statsBin = statsBinOf(c, groups);
  state.defined.clear();
  state.columns = [...columns];
  state.columnSet = new Set(columns);
  state.explicitColumns = true;
  return { groups, slots, items, slotValues, timestamp };
}

/** The first `bin(…)` group of a stats, for `fillmissing` (see {@link StatsBin}). */
function statsBinOf(c: StatsCommand, groups: readonly { readonly name: string }[]): StatsBin | undefined {
  const i = c.groups.findIndex((g) => g.expr.kind === 'CallExpr' && g.expr.name.toLowerCase() === 'bin');
  const expr = c.groups[i]?.expr;
  const [period, offset] = expr?.kind === 'CallExpr' ? expr.args : [];
  if (period?.kind !== 'PeriodLit') return undefined;
  const offsetMs =
    offset?.kind === 'PeriodLit'
      ? (fixedPeriodMs({ kind: 'Period', amount: offset.amount, unit: offset.unit }) ?? 0)
      : 0;
  return {
    name: groups[i]?.name ?? '',
    period: { kind: 'Period', amount: period.amount, unit: period.unit },
    offsetMs,
    groups: groups.filter((_, j) => j !== i).map((g) => g.name),
  };
}

/** Field references outside aggregate calls (an aggregate call whose arguments hold no aggregate is skipped whole). */
function collectBareRefs(expr: Expr, out: string[]): void {
  walkExpr(expr, (e) => {
    if (e.kind === 'FieldRef') {
      out.push(fieldRefName(e));
      return false;
    }
    if (e.kind === 'CallExpr' && containsAggregate(e) && !e.args.some(containsAggregate)) return false;
    return true;
  });
}

/**
 * The time order of a `stats … by bin(…)`: groups come out oldest bin first
 * (as the console shows them), groups of the same bin in order of first
 * appearance (the sort is stable). A later `sort` still decides.
 */
function binOrderStage(name: string, fieldOptions: FieldLookupOptions, limit: BufferLimit): StageFactory {
  const lookup = compileFieldLookup(name, undefined, fieldOptions);
  return sortStage([{ value: (row: Row) => lookup(row), descending: false }], undefined, limit);
}

/**
 * The `stats` command.
 *
 * @example
 * ```ts
 * statsCommand.defines(parseQuery('stats count(*) as n by verb').commands[0], undefined) //=> ['n']
 * ```
 * @internal
 */
export const statsCommand: CommandSpec<StatsCommand> = {
  kind: 'StatsCommand',
  keywords: ['stats'],
  parse: parseStats,
  print: (c) => `stats ${printItems(c.items)}${c.groups.length > 0 ? ` by ${printItems(c.groups)}` : ''}`,
  defines: (c, text) => [...statsDefines(c, text)],
  hoist: 'unless-defined',
  barrier: true,
  order: () => 'sets',
  oneToOne: () => false,
  split: 'partial-stats',
  compile(c, ctx) {
    const state = ctx.state;
    const limit = state.bound('stats', 'groups', c.span, [
      'group by fewer or coarser values, such as a larger bin()',
    ]);
    const compiled = compileStats(c, state);
    ctx.emit(ctx.statsStage(compiled, limit));
    const bin = c.groups.findIndex((g) => g.expr.kind === 'CallExpr' && g.expr.name.toLowerCase() === 'bin');
    // A fillmissing right after sorts the rows by (bin, arrival) itself, which gives the same order whether or
    // not they were in bin order (bin() makes a timestamp or nothing): one external sort of the groups, not two.
    if (bin !== -1 && ctx.next?.kind !== 'FillmissingCommand')
      ctx.emit(binOrderStage(compiled.groups[bin]?.name ?? '', state.fieldOptions, limit));
  },
};
