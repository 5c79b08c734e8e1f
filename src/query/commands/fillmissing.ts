/**
 * `fillmissing [with value for field, …]`: after `stats … by bin(…)`, a row
 * for every time bin that has none, so a time series has no gaps. The bins
 * run over the query window (`startTime`/`endTime`, `SOURCE START=/END=`),
 * and where an end is not given, to the first or last bin of the data. With
 * other group columns (`by bin(1m), svc`), each combination of their values
 * that the stats produced gets its own row in every bin where it has none.
 * An inserted row has the bin, the group values and the `with` constants;
 * the other columns are missing. Rows come out oldest bin first; in a bin,
 * the stats' rows in the order they came, then the inserted ones in order of
 * their group's first row.
 *
 * It reads the bin column, period and offset from the compile state that
 * the `stats` step left ({@link StatsBin}), so nothing is recomputed. The
 * rows are held in an external sort charged to the run's byte budget (it
 * spills); the group combinations are charged too. At most
 * {@link MAX_FILLED_ROWS} rows (bins × combinations) are made.
 *
 * @module
 */
import type {
  BoolLit,
  FillmissingCommand,
  FillmissingValue,
  NumberLit,
  StringLit,
  UnaryExpr,
} from '../ast.js';
import { fieldRefName } from '../ast.js';
import { QueryError } from '../errors.js';
import { compileError } from '../evaluate.js';
import { ceilTimestamp, floorTimestamp } from '../functions/datetime.js';
import { parseExpr } from '../parse/expression.js';
import { advance, expectWord, fail, isWord, parseFieldName, type State, span } from '../parse/state.js';
import type { BufferLimit, RunState, StageFactory } from '../plan.js';
import { printExpression } from '../print-expression.js';
import { compileFieldLookup, defineField, type FieldLookup, fieldsRow, type Row } from '../row.js';
import { type CompileState, checkAvailable, type StatsBin } from '../scope.js';
import { compareSortKeys, type SortKey, sortKeyOf } from '../semantics/sort-keys.js';
import {
  createExternalSorter,
  decodeRow,
  detachValue,
  encodeRow,
  estimateRowBytes,
  estimateValueBytes,
  flattenString,
  mustSpill,
} from '../spill.js';
import type { Period, Value } from '../value.js';
import type { CommandSpec } from './spec.js';
import { groupKey } from './stats.js';

/**
 * The most rows `fillmissing` makes (bins of the range × group combinations);
 * more is `resource_limit`, since a window of a year in 1 ms bins would make
 * rows without end.
 *
 * @example
 * ```ts
 * MAX_FILLED_ROWS //=> 1000000
 * ```
 */
export const MAX_FILLED_ROWS = 1_000_000;

/** What the `fillmissing` stage needs. @internal */
export interface FillmissingPlan {
  readonly bin: StatsBin;
  /** The constants of inserted rows, by column. */
  readonly fills: readonly { readonly name: string; readonly value: Value }[];
  /** The query window (inclusive epoch ms), where given. */
  readonly window: { readonly startTime: number | undefined; readonly endTime: number | undefined };
  readonly limit: BufferLimit;
  /** Throws the `resource_limit` error for more than {@link MAX_FILLED_ROWS} rows. */
  readonly tooMany: (rows: number) => never;
  readonly lookups: {
    readonly bin: FieldLookup;
    readonly groups: readonly FieldLookup[];
  };
  /**
   * `'bin'` when the rows come straight from the `stats`, which then leaves
   * out its bin order (this stage sorts them anyway): the combinations are
   * ordered by their first row as that bin order would have had them. Else
   * `'arrival'`: by their first row as the rows come.
   */
  readonly comboOrder: 'arrival' | 'bin';
}

/** A group combination: its values and, in `'bin'` order, its first row by (bin sort key, arrival). */
interface Combo {
  readonly keys: readonly Value[];
  first: SortKey;
  seq: number;
}

/** A held row: its bin label (ms; `undefined` when it has none), arrival number and group key. */
interface Held {
  readonly row: Row;
  readonly bin: number | undefined;
  readonly seq: number;
  readonly key: string;
}

function binMs(v: Value): number | undefined {
  if (v instanceof Date) {
    const t = v.getTime();
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

/** The label of the bin after `label` (labels are floors plus the offset). */
function nextLabel(label: number, period: Period, offsetMs: number): number | undefined {
  const up = ceilTimestamp(label - offsetMs + 1, period);
  return up === undefined ? undefined : up + offsetMs;
}

/** The label of the bin that holds time `t`. */
function labelOf(t: number, period: Period, offsetMs: number): number | undefined {
  const floor = floorTimestamp(t, period);
  return floor === undefined ? undefined : floor + offsetMs;
}

/**
 * The `fillmissing` stage.
 *
 * @internal
 */
export function fillmissingStage(plan: FillmissingPlan): StageFactory {
  const { bin, fills, window, limit, lookups } = plan;
  return (next, state) => {
    const memory = state.memory;
    const sorter = createExternalSorter<Held>({
      memory,
      compare: (a, b) => {
        if (a.bin !== b.bin) {
          if (a.bin === undefined) return 1;
          if (b.bin === undefined) return -1;
          return a.bin - b.bin;
        }
        return a.seq - b.seq;
      },
      encode: (h) => [encodeRow(h.row), h.bin ?? null, h.seq, h.key],
      decode: (x) => {
        const [row, b, seq, key] = x as [unknown, number | null, number, string];
        return { row: decodeRow(row), bin: b ?? undefined, seq, key };
      },
      size: (h) => estimateRowBytes(h.row) + 64 + 2 * h.key.length,
      overBudget: limit.overBudget,
    });
    /** The group combinations in order of first row; the empty one always, when the bin is the only group. */
    const combos = new Map<string, Combo>();
    if (bin.groups.length === 0) combos.set(groupKey([]), { keys: [], first: sortKeyOf(undefined), seq: -1 });
    const byBin = plan.comboOrder === 'bin' && bin.groups.length > 0;
    let comboBytes = 0;
    let seq = 0;
    let lo: number | undefined;
    let hi: number | undefined;
    return {
      push(row) {
        const binValue = lookups.bin(row);
        const b = binMs(binValue);
        const keys = lookups.groups.map((g) => g(row));
        const key = groupKey(keys);
        const combo = combos.get(key);
        if (combo !== undefined) {
          if (byBin) {
            const first = sortKeyOf(binValue);
            if (compareSortKeys(first, combo.first) < 0) {
              combo.first = first;
              combo.seq = seq;
            }
          }
        } else {
          const held = keys.map(detachValue);
          combos.set(flattenString(key), {
            keys: held,
            first: sortKeyOf(byBin ? detachValue(binValue) : undefined),
            seq,
          });
          // (the map entry, the combination and, in bin order, its first row's sort key)
          const size = 160 + 2 * key.length + held.reduce((n: number, v) => n + estimateValueBytes(v), 0);
          comboBytes += size;
          memory.used += size;
          if (mustSpill(memory, comboBytes)) limit.overBudget();
        }
        if (b !== undefined) {
          lo = lo === undefined ? b : Math.min(lo, b);
          hi = hi === undefined ? b : Math.max(hi, b);
        }
        if (seq >= limit.max) limit.exceeded();
        sorter.add({ row, bin: b, seq: seq++, key });
        return true;
      },
      end() {
        try {
          emit(next, state);
        } finally {
          memory.used -= comboBytes;
          comboBytes = 0;
        }
      },
    };

    function emit(sink: typeof next, run: RunState): void {
      const start = window.startTime === undefined ? lo : labelOf(window.startTime, bin.period, bin.offsetMs);
      const last = window.endTime === undefined ? hi : labelOf(window.endTime, bin.period, bin.offsetMs);
      const labels: number[] = [];
      // (with no combination there is nothing to insert: the bin has other group columns and no rows came)
      if (start !== undefined && last !== undefined && combos.size > 0) {
        let l: number | undefined = start;
        for (; l !== undefined && l <= last; l = nextLabel(l, bin.period, bin.offsetMs)) {
          labels.push(l);
          if (labels.length * combos.size > MAX_FILLED_ROWS) plan.tooMany(labels.length * combos.size);
        }
      }
      const ordered = byBin
        ? [...combos].sort(([, a], [, b]) => compareSortKeys(a.first, b.first) || a.seq - b.seq)
        : combos;
      const rows = sorter.finish()[Symbol.iterator]();
      let held = rows.next();
      const filler = (label: number, keys: readonly Value[]): Row => {
        const out = fieldsRow(new Map(), run.nextOrdinal++);
        defineField(out, bin.name, new Date(label));
        bin.groups.forEach((g, i) => {
          const v = keys[i];
          if (v !== undefined) defineField(out, g, v);
        });
        for (const f of fills) defineField(out, f.name, f.value);
        return out;
      };
      try {
        for (const label of labels) {
          const present = new Set<string>();
          while (held.done !== true && held.value.bin !== undefined && held.value.bin <= label) {
            if (held.value.bin === label) present.add(held.value.key);
            if (!sink.push(held.value.row)) return;
            held = rows.next();
          }
          for (const [key, combo] of ordered) {
            if (present.has(key)) continue;
            if (!sink.push(filler(label, combo.keys))) return;
          }
        }
        for (; held.done !== true; held = rows.next()) if (!sink.push(held.value.row)) return;
      } finally {
        rows.return?.();
        sink.end();
      }
    }
  };
}

type FillLiteral = NumberLit | StringLit | BoolLit | UnaryExpr;

function isFillLiteral(e: ReturnType<typeof parseExpr>): e is FillLiteral {
  if (e.kind === 'NumberLit' || e.kind === 'StringLit' || e.kind === 'BoolLit') return true;
  return e.kind === 'UnaryExpr' && e.op === '-' && e.operand.kind === 'NumberLit';
}

function literalValue(e: FillLiteral): Value {
  if (e.kind === 'UnaryExpr') return -(e.operand as NumberLit).value;
  return e.value;
}

function parseFill(p: State): FillmissingValue {
  const start = p.tok.start;
  const value = parseExpr(p);
  if (!isFillLiteral(value)) {
    fail(
      p,
      'constant_required',
      'a fillmissing value must be a literal: a number, a string or true/false',
      value.span,
    );
  }
  expectWord(p, 'for');
  const field = parseFieldName(p, 'a field after "for"');
  return { kind: 'FillmissingValue', value, field, span: span(p, start) };
}

function compileFills(
  c: FillmissingCommand,
  state: CompileState,
  bin: StatsBin,
): { name: string; value: Value }[] {
  const out = new Map<string, Value>();
  for (const f of c.fills) {
    checkAvailable(f.field, state, 'fillmissing');
    const name = fieldRefName(f.field);
    if (name === bin.name || bin.groups.includes(name)) {
      compileError(
        'invalid_argument',
        `fillmissing sets the group column "${name}" of an inserted row itself; name an aggregate column`,
        f.field.span,
        { text: state.text },
      );
    }
    out.set(name, literalValue(f.value));
  }
  return [...out].map(([name, value]) => ({ name, value }));
}

/**
 * The `fillmissing` command.
 *
 * @example
 * ```ts
 * fillmissingCommand.print(parseQuery('fillmissing with 0 for n').commands[0]) //=> 'fillmissing with 0 for n'
 * ```
 * @internal
 */
export const fillmissingCommand: CommandSpec<FillmissingCommand> = {
  kind: 'FillmissingCommand',
  keywords: ['fillmissing'],
  parse(p, start) {
    advance(p);
    const fills: FillmissingValue[] = [];
    if (isWord(p.tok, 'with')) {
      advance(p);
      fills.push(parseFill(p));
      while (p.tok.kind === 'Comma') {
        advance(p);
        fills.push(parseFill(p));
      }
    }
    return { kind: 'FillmissingCommand', fills, span: span(p, start) };
  },
  print: (c) =>
    c.fills.length === 0
      ? 'fillmissing'
      : `fillmissing with ${c.fills.map((f) => `${printExpression(f.value)} for ${f.field.text}`).join(', ')}`,
  // (inserted rows define the bin and group columns, which the stats defined already)
  defines: (c) => c.fills.map((f) => fieldRefName(f.field)),
  hoist: 'never',
  barrier: true,
  order: () => 'sets',
  oneToOne: () => false,
  split: 'one-thread',
  compile(c, { state, emit, window, previous }) {
    const bin = state.statsBin;
    if (bin === undefined || state.available === undefined || !state.available.has(bin.name)) {
      compileError(
        'fillmissing_without_bin',
        'fillmissing needs a stats … by bin(…) before it, whose bin column is still there',
        c.span,
        { text: state.text },
        ['for example: stats avg(latency) as avg_latency by bin(1m) | fillmissing with 0 for avg_latency'],
      );
    }
    const fills = compileFills(c, state, bin);
    const limit = state.bound('fillmissing', 'rows', c.span, ['use a larger bin() or a shorter window']);
    const text = state.text ?? '';
    const lookup = (name: string): FieldLookup => compileFieldLookup(name, undefined, state.fieldOptions);
    emit(
      fillmissingStage({
        bin,
        fills,
        window,
        limit,
        tooMany: (rows) => {
          throw new QueryError({
            code: 'resource_limit',
            message: `fillmissing would make ${rows} or more rows (bins × group combinations); the most is ${MAX_FILLED_ROWS}`,
            phase: 'run',
            span: c.span,
            source: text,
            hints: ['use a larger bin() or a shorter window (--start/--end)'],
          });
        },
        lookups: { bin: lookup(bin.name), groups: bin.groups.map(lookup) },
        // (a stats right before leaves out its bin order: see statsCommand)
        comboOrder: previous?.kind === 'StatsCommand' ? 'bin' : 'arrival',
      }),
    );
  },
};
