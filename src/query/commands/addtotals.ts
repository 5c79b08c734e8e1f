/**
 * `addtotals [fieldname=Name] [row=bool] [col=bool] [field, …]`: with
 * `row=true` (the default) each row gets the sum of its numeric values of
 * the fields in the column `Total` (or `fieldname`); with `col=true` a
 * summary row comes after the last row, holding each field's sum over all
 * rows (and the sum of the row totals). Without a field list, the fields are
 * the result columns known at this step (the names `fields`, `stats`, … made),
 * the total column left out. Numbers and numeric strings count, as in
 * `accum`; other values are skipped; a row with no numeric value has no
 * total. Sums are exact. Streams, holding one sum per field; one thread,
 * since the column totals need every row.
 *
 * @module
 */
import type { AddtotalsCommand, FieldRef, Identifier } from '../ast.js';
import { fieldRefName } from '../ast.js';
import { compileExpr, type Evaluator } from '../evaluate.js';
import { addExact, type ExactSum, exactSumValue, newExactSum } from '../functions/exact-sum.js';
import {
  advance,
  expected,
  fail,
  kindOf,
  parseFieldName,
  parseIdentifier,
  peek,
  type State,
  span,
} from '../parse/state.js';
import type { StageFactory } from '../plan.js';
import { printName } from '../print-expression.js';
import { compileFieldLookup, defineField, fieldsRow, type Row } from '../row.js';
import { checkAvailable, defineNames, scopeOf } from '../scope.js';
import { toNumberValue } from '../semantics/compare.js';
import type { Value } from '../value.js';
import type { CommandSpec } from './spec.js';

/** The default name of the row-total column. */
const DEFAULT_TOTAL = 'Total';

/** A value's number for a total: numbers and numeric strings, finite; booleans and the rest are skipped. */
function addend(v: Value): number | undefined {
  if (typeof v === 'boolean') return undefined;
  const n = toNumberValue(v);
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

/** Adds `n` to an exact sum, made on the first number. */
function added(sum: ExactSum | undefined, n: number): ExactSum {
  const s = sum ?? newExactSum();
  addExact(s, n);
  return s;
}

/** What the `addtotals` stage computes. @internal */
export interface AddtotalsPlan {
  readonly fields: readonly { readonly name: string; readonly value: Evaluator }[];
  readonly total: string;
  readonly row: boolean;
  readonly col: boolean;
}

/**
 * The `addtotals` stage: one exact sum per field (and for the totals) when `col` is set.
 *
 * @internal
 */
export function addtotalsStage(plan: AddtotalsPlan): StageFactory {
  const { fields, total, row: rowTotals, col } = plan;
  return (next, state) => {
    const sums: (ExactSum | undefined)[] = fields.map(() => undefined);
    let totals: ExactSum | undefined;
    let open = true;
    let rows = 0;
    return {
      push(row) {
        rows++;
        let rowSum: ExactSum | undefined;
        for (let i = 0; i < fields.length; i++) {
          const n = addend((fields[i] as AddtotalsPlan['fields'][number]).value(row, state.ctx));
          if (n === undefined) continue;
          if (rowTotals) rowSum = added(rowSum, n);
          if (col) sums[i] = added(sums[i], n);
        }
        if (rowTotals) {
          const t = rowSum === undefined ? undefined : exactSumValue(rowSum);
          defineField(row, total, t);
          if (col && t !== undefined) totals = added(totals, t);
        }
        // (once the next stage wants no more rows, the summary row would not be taken either)
        open = next.push(row);
        return open;
      },
      end() {
        if (col && open && rows > 0) {
          const summary: Row = fieldsRow(new Map(), state.nextOrdinal++);
          fields.forEach((f, i) => {
            const s = sums[i];
            if (s !== undefined) defineField(summary, f.name, exactSumValue(s));
          });
          if (rowTotals && totals !== undefined) defineField(summary, total, exactSumValue(totals));
          next.push(summary);
        }
        next.end();
      },
    };
  };
}

function parseBoolOption(p: State): boolean {
  const tok = p.tok;
  if (tok.kind !== 'Name' || (tok.word !== 'true' && tok.word !== 'false')) {
    return fail(p, 'unexpected_token', expected(p, 'true or false'));
  }
  advance(p);
  return tok.word === 'true';
}

const OPTIONS = ['fieldname', 'row', 'col'] as const;

/**
 * The `addtotals` command.
 *
 * @example
 * ```ts
 * addtotalsCommand.print(parseQuery('addtotals col=true x').commands[0]) //=> 'addtotals col=true x'
 * ```
 * @internal
 */
export const addtotalsCommand: CommandSpec<AddtotalsCommand> = {
  kind: 'AddtotalsCommand',
  keywords: ['addtotals'],
  parse(p, start) {
    advance(p);
    let fieldname: Identifier | undefined;
    let row: boolean | undefined;
    let col: boolean | undefined;
    const seen = new Set<string>();
    for (;;) {
      const word = p.tok.kind === 'Name' ? p.tok.word : undefined;
      const option = OPTIONS.find((o) => o === word);
      if (option === undefined || peek(p).kind !== 'Eq') break;
      if (seen.has(option)) fail(p, 'unexpected_token', `addtotals has ${option}= twice`);
      seen.add(option);
      advance(p);
      advance(p);
      if (option === 'fieldname') fieldname = parseIdentifier(p, 'a column name after fieldname=');
      else if (option === 'row') row = parseBoolOption(p);
      else col = parseBoolOption(p);
    }
    const fields: FieldRef[] = [];
    if (p.tok.kind === 'Name') {
      fields.push(parseFieldName(p, 'a field'));
      while (kindOf(p) === 'Comma') {
        advance(p);
        fields.push(parseFieldName(p, 'a field after ","'));
      }
    }
    return {
      kind: 'AddtotalsCommand',
      ...(fieldname === undefined ? {} : { fieldname }),
      ...(row === undefined ? {} : { row }),
      ...(col === undefined ? {} : { col }),
      fields,
      span: span(p, start),
    };
  },
  print: (c) => {
    const parts = ['addtotals'];
    if (c.fieldname !== undefined) parts.push(`fieldname=${printName(c.fieldname.name)}`);
    if (c.row !== undefined) parts.push(`row=${c.row}`);
    if (c.col !== undefined) parts.push(`col=${c.col}`);
    const fields = c.fields.map((f) => f.text).join(', ');
    return fields === '' ? parts.join(' ') : `${parts.join(' ')} ${fields}`;
  },
  defines: (c) => (c.row === false ? [] : [c.fieldname?.name ?? DEFAULT_TOTAL]),
  hoist: 'never',
  // (with col=true the summary row sums every row; a later filter must not skip any)
  barrier: true,
  // the summary row comes after the rows in the order they reach it
  order: (c) => (c.col === true ? 'takes' : undefined),
  oneToOne: (c) => c.col !== true,
  split: 'one-thread',
  compile(c, { state, emit }) {
    const total = c.fieldname?.name ?? DEFAULT_TOTAL;
    const rowTotals = c.row !== false;
    let fields: AddtotalsPlan['fields'];
    if (c.fields.length > 0) {
      const seen = new Set<string>();
      fields = c.fields.flatMap((f) => {
        checkAvailable(f, state, 'addtotals');
        const name = fieldRefName(f);
        if (seen.has(name)) return [];
        seen.add(name);
        return [{ name, value: compileExpr(f, scopeOf(state)) }];
      });
    } else {
      fields = state.columns
        .filter((name) => name !== total)
        .map((name) => {
          const lookup = compileFieldLookup(name, undefined, state.fieldOptions);
          return { name, value: (r: Row) => lookup(r) };
        });
    }
    if (rowTotals) defineNames(state, [total]);
    emit(addtotalsStage({ fields, total, row: rowTotals, col: c.col === true }));
  },
};
