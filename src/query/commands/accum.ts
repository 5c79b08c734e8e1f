/**
 * `accum field [as out]`: a running sum in row order (the order the rows
 * reach it: newest first unless sorted). Each row gets the sum of the
 * numeric values (numbers and numeric strings) of `field` at or before it;
 * other values are skipped and the total carries over; before the first
 * numeric value the output is missing. Without `as`, the field itself is
 * overwritten (the reference leaves the name undocumented). Streams.
 *
 * @module
 */
import type { AccumCommand } from '../ast.js';
import { fieldRefName } from '../ast.js';
import { compileExpr, type Evaluator } from '../evaluate.js';
import { addExact, exactSumValue, newExactSum } from '../functions/exact-sum.js';
import { advance, isWord, parseFieldName, parseIdentifier, span } from '../parse/state.js';
import type { StageFactory } from '../plan.js';
import { printName } from '../print-expression.js';
import { defineField } from '../row.js';
import { checkAvailable, defineNames, scopeOf } from '../scope.js';
import { toNumberValue } from '../semantics/compare.js';
import type { CommandSpec } from './spec.js';

/**
 * The `accum` stage: an exact running sum, so the total does not depend on rounding order.
 *
 * @internal
 */
export function accumStage(value: Evaluator, out: string): StageFactory {
  return (next, state) => {
    const sum = newExactSum();
    let seen = false;
    return {
      push(row) {
        const v = value(row, state.ctx);
        const n = typeof v === 'boolean' ? undefined : toNumberValue(v);
        if (n !== undefined && Number.isFinite(n)) {
          addExact(sum, n);
          seen = true;
        }
        defineField(row, out, seen ? exactSumValue(sum) : undefined);
        return next.push(row);
      },
      end() {
        next.end();
      },
    };
  };
}

/**
 * The `accum` command.
 *
 * @example
 * ```ts
 * accumCommand.print(parseQuery('accum bytes AS total').commands[0]) //=> 'accum bytes as total'
 * ```
 * @internal
 */
export const accumCommand: CommandSpec<AccumCommand> = {
  kind: 'AccumCommand',
  keywords: ['accum'],
  parse(p, start) {
    advance(p);
    const field = parseFieldName(p, 'a field after accum');
    if (isWord(p.tok, 'as')) {
      advance(p);
      const alias = parseIdentifier(p, 'a name after "as"');
      return { kind: 'AccumCommand', field, alias, span: span(p, start) };
    }
    return { kind: 'AccumCommand', field, span: span(p, start) };
  },
  print: (c) => `accum ${c.field.text}${c.alias === undefined ? '' : ` as ${printName(c.alias.name)}`}`,
  defines: (c) => [c.alias?.name ?? fieldRefName(c.field)],
  hoist: 'never',
  // (a later filter cannot skip events: they feed the running sum of the rows it keeps)
  barrier: true,
  order: () => 'takes',
  oneToOne: () => true,
  split: 'one-thread',
  compile(c, { state, emit }) {
    checkAvailable(c.field, state, 'accum');
    const value = compileExpr(c.field, scopeOf(state));
    const out = c.alias?.name ?? fieldRefName(c.field);
    defineNames(state, [out]);
    emit(accumStage(value, out));
  },
};
