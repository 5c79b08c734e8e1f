/**
 * `outlier [action=remove|transform] [param=n] [uselower=true|false]
 * [mark=true|false] field …`: interquartile-range outliers. For each field,
 * Q1 and Q3 of its numeric values (numbers and numeric strings) over all the
 * rows in, by linear interpolation; a value above `Q3 + param·IQR` (and,
 * with `uselower`, below `Q1 − param·IQR`) is an outlier. `transform` (the
 * default) clamps it to the bound; `remove` drops its row. `mark=true` adds
 * the boolean `_outlier` (the name is undocumented): whether the row held an
 * outlier before the action. Rows keep their order.
 *
 * It needs every row before it can pass the first one on: the rows and each
 * field's values are held in external sorters charged to the run's byte
 * budget, which spill to the run's store at it with the same result.
 *
 * @module
 */
import type { FieldRef, NumberLit, OutlierCommand } from '../ast.js';
import { fieldRefName } from '../ast.js';
import { compileError, compileExpr, type Evaluator } from '../evaluate.js';
import { advance, expected, fail, isWord, parseFieldName, peek, span } from '../parse/state.js';
import type { BufferLimit, StageFactory } from '../plan.js';
import { defineField, type Row } from '../row.js';
import { checkAvailable, defineNames, scopeOf } from '../scope.js';
import { isNumericString } from '../semantics/compare.js';
import {
  createExternalSorter,
  decodeRow,
  decodeValue,
  type ExternalSorter,
  encodeRow,
  encodeValue,
  estimateRowBytes,
} from '../spill.js';
import type { Value } from '../value.js';
import type { CommandSpec } from './spec.js';

/**
 * The marker field of `mark=true` (undocumented; named like `_approxcount`).
 *
 * @example
 * ```ts
 * OUTLIER_MARK //=> '_outlier'
 * ```
 * @internal
 */
export const OUTLIER_MARK = '_outlier';

/** The documented default IQR multiplier. */
const DEFAULT_PARAM = 2.5;

/**
 * The numeric value of a cell as `outlier` and `relevantfields` read it: finite numbers and
 * numeric strings; anything else (booleans, timestamps, text, missing) is
 * not a number and is never an outlier.
 *
 * @example
 * ```ts
 * outlierNumber('12.5') //=> 12.5
 * ```
 * @internal
 */
export function outlierNumber(v: Value): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && isNumericString(v) ? Number(v) : undefined;
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of `n` sorted values by linear interpolation
 * between the closest ranks (`(n − 1)·q`), read in one pass over them.
 *
 * @example
 * ```ts
 * quantilesOfSorted([1, 2, 3, 4], 4, [0.25, 0.75]) //=> [1.75, 3.25]
 * ```
 * @internal
 */
export function quantilesOfSorted(sorted: Iterable<number>, n: number, qs: readonly number[]): number[] {
  const want = qs.map((q) => {
    const h = (n - 1) * q;
    const lo = Math.floor(h);
    return { lo, hi: Math.min(lo + 1, n - 1), frac: h - lo, a: 0, b: 0 };
  });
  let i = 0;
  for (const v of sorted) {
    for (const w of want) {
      if (i === w.lo) w.a = v;
      if (i === w.hi) w.b = v;
    }
    i++;
  }
  return want.map((w) => (w.frac === 0 ? w.a : w.a + (w.b - w.a) * w.frac));
}

/** One field's bounds; `undefined` ends for no bound on that side. */
interface Bounds {
  readonly lower: number | undefined;
  readonly upper: number | undefined;
}

interface Settings {
  readonly remove: boolean;
  readonly param: number;
  readonly uselower: boolean;
  readonly mark: boolean;
}

/**
 * The `outlier` stage: two passes, the first over every row (held in an
 * external sorter by arrival, so it spills in order) and each field's
 * numeric values (an external sorter of numbers, for the quartiles).
 *
 * @internal
 */
export function outlierStage(
  fields: readonly { readonly name: string; readonly value: Evaluator }[],
  settings: Settings,
  limit: BufferLimit,
): StageFactory {
  return (next, state) => {
    const memory = state.memory;
    const rows: ExternalSorter<{ readonly seq: number; readonly row: Row }> = createExternalSorter({
      memory,
      compare: (a, b) => a.seq - b.seq,
      encode: (e) => [e.seq, encodeRow(e.row)],
      decode: (x) => {
        const [seq, row] = x as [number, unknown];
        return { seq, row: decodeRow(row) };
      },
      size: (e) => 48 + estimateRowBytes(e.row),
      overBudget: limit.overBudget,
    });
    const values = fields.map(() =>
      createExternalSorter<number>({
        memory,
        compare: (a, b) => a - b,
        encode: encodeValue,
        decode: (x) => decodeValue(x) as number,
        size: () => 16,
        overBudget: limit.overBudget,
      }),
    );
    const counts = fields.map(() => 0);
    let seq = 0;
    return {
      push(row) {
        if (seq >= limit.max) limit.exceeded();
        fields.forEach((f, i) => {
          const n = outlierNumber(f.value(row, state.ctx));
          if (n === undefined) return;
          (values[i] as ExternalSorter<number>).add(n);
          counts[i] = (counts[i] ?? 0) + 1;
        });
        rows.add({ seq: seq++, row });
        return true;
      },
      end() {
        const bounds: (Bounds | undefined)[] = fields.map((_, i) => {
          const n = counts[i] as number;
          // (no numeric value: the sorter holds nothing, and nothing is an outlier)
          if (n === 0) return undefined;
          const sorted = (values[i] as ExternalSorter<number>).finish();
          const [q1, q3] = quantilesOfSorted(sorted, n, [0.25, 0.75]) as [number, number];
          const iqr = q3 - q1;
          return {
            upper: q3 + settings.param * iqr,
            lower: settings.uselower ? q1 - settings.param * iqr : undefined,
          };
        });
        for (const { row } of rows.finish()) {
          let outlying = false;
          const clamped: [string, number][] = [];
          fields.forEach((f, i) => {
            const b = bounds[i];
            if (b === undefined) return;
            const n = outlierNumber(f.value(row, state.ctx));
            if (n === undefined) return;
            if (b.upper !== undefined && n > b.upper) clamped.push([f.name, b.upper]);
            else if (b.lower !== undefined && n < b.lower) clamped.push([f.name, b.lower]);
            else return;
            outlying = true;
          });
          if (outlying && settings.remove) continue;
          if (!settings.remove) for (const [name, v] of clamped) defineField(row, name, v);
          if (settings.mark) defineField(row, OUTLIER_MARK, outlying);
          if (!next.push(row)) break;
        }
        next.end();
      },
    };
  };
}

/** Parses `true` or `false` after `name=`. */
function parseBool(p: Parameters<CommandSpec<OutlierCommand>['parse']>[0], name: string): boolean {
  const word = p.tok.kind === 'Name' ? p.tok.word : undefined;
  if (word !== 'true' && word !== 'false')
    fail(p, 'unexpected_token', expected(p, `true or false after ${name}=`));
  advance(p);
  return word === 'true';
}

const OPTION_NAMES = ['action', 'param', 'uselower', 'mark'] as const;

/**
 * The `outlier` command.
 *
 * @example
 * ```ts
 * outlierCommand.print(parseQuery('outlier mark=true ACTION=remove cpu, memory').commands[0]) //=> 'outlier action=remove mark=true cpu memory'
 * ```
 * @internal
 */
export const outlierCommand: CommandSpec<OutlierCommand> = {
  kind: 'OutlierCommand',
  keywords: ['outlier'],
  parse(p, start) {
    advance(p);
    const options: {
      action?: 'remove' | 'transform';
      param?: NumberLit;
      uselower?: boolean;
      mark?: boolean;
    } = {};
    for (;;) {
      const word = p.tok.kind === 'Name' ? p.tok.word : undefined;
      const option = OPTION_NAMES.find((o) => o === word);
      if (option === undefined || peek(p).kind !== 'Eq') break;
      if (options[option] !== undefined) fail(p, 'unexpected_token', `${option}= is given twice`);
      advance(p);
      advance(p);
      if (option === 'action') {
        const value = p.tok.kind === 'Name' ? p.tok.word : undefined;
        if (value !== 'remove' && value !== 'transform')
          fail(p, 'unexpected_token', expected(p, 'remove or transform after action='));
        advance(p);
        options.action = value;
      } else if (option === 'param') {
        const tok = p.tok;
        if (tok.kind !== 'Number') fail(p, 'unexpected_token', expected(p, 'a number after param='));
        advance(p);
        options.param = {
          kind: 'NumberLit',
          value: tok.number ?? 0,
          text: p.text.slice(tok.start, tok.end),
          span: { start: tok.start, end: tok.end },
        };
      } else options[option] = parseBool(p, option);
    }
    const fields: FieldRef[] = [parseFieldName(p, 'a field after outlier')];
    for (;;) {
      if (p.tok.kind === 'Comma') {
        advance(p);
        fields.push(parseFieldName(p, 'a field'));
      } else if (p.tok.kind === 'Name' && !isWord(p.tok, 'as')) fields.push(parseFieldName(p, 'a field'));
      else break;
    }
    return { kind: 'OutlierCommand', ...options, fields, span: span(p, start) };
  },
  print: (c) =>
    [
      'outlier',
      ...(c.action === undefined ? [] : [`action=${c.action}`]),
      ...(c.param === undefined ? [] : [`param=${c.param.text}`]),
      ...(c.uselower === undefined ? [] : [`uselower=${c.uselower}`]),
      ...(c.mark === undefined ? [] : [`mark=${c.mark}`]),
      ...c.fields.map((f) => f.text),
    ].join(' '),
  defines: (c) => [
    ...(c.action === 'remove' ? [] : c.fields.map(fieldRefName)),
    ...(c.mark === true ? [OUTLIER_MARK] : []),
  ],
  // (a later filter cannot move ahead: every row in feeds the quartiles)
  hoist: 'never',
  barrier: true,
  order: () => undefined,
  // (not one-to-one for a limit: a sort before it bounded by a later limit would shrink the rows the quartiles see)
  oneToOne: () => false,
  split: 'one-thread',
  compile(c, { state, emit }) {
    for (const f of c.fields) checkAvailable(f, state, 'outlier');
    const fields = c.fields.map((f) => ({ name: fieldRefName(f), value: compileExpr(f, scopeOf(state)) }));
    const settings: Settings = {
      remove: c.action === 'remove',
      param: c.param?.value ?? DEFAULT_PARAM,
      uselower: c.uselower === true,
      mark: c.mark === true,
    };
    if (c.param !== undefined && !Number.isFinite(c.param.value)) {
      compileError('invalid_argument', 'param= must be a finite number', c.param.span, { text: state.text });
    }
    defineNames(state, outlierCommand.defines(c, state.text));
    const limit = state.bound('outlier', 'rows', c.span, ['filter the rows before outlier']);
    emit(outlierStage(fields, settings, limit));
  },
};
