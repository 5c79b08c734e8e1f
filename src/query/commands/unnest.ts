/**
 * `unnest expr into name`: one output row per element of a list (from
 * `jsonParse` or `split`), with the element under `name` and every other
 * field copied. A map, string or number counts as a list of one item, as
 * the service documents; a missing value, `null` and an empty list give no
 * rows. Streams; a list of more than `maxBufferedRows` items (rows made
 * from one row before any reaches the output) is a `resource_limit` error.
 *
 * @module
 */
import type { UnnestCommand } from '../ast.js';
import { compileExpr, type Evaluator } from '../evaluate.js';
import { parseExpr } from '../parse/expression.js';
import { advance, expectWord, parseIdentifier, span } from '../parse/state.js';
import type { BufferLimit, StageFactory } from '../plan.js';
import { printExpression, printName } from '../print-expression.js';
import { copyRow, defineField } from '../row.js';
import { checkAvailable, defineNames, scopeOf } from '../scope.js';
import { isValueList } from '../semantics/compare.js';
import type { CommandSpec } from './spec.js';

/**
 * The `unnest` stage.
 *
 * @internal
 */
export function unnestStage(value: Evaluator, into: string, limit: BufferLimit): StageFactory {
  return (next, state) => ({
    push(row) {
      const v = value(row, state.ctx);
      if (v === undefined || v === null) return true;
      if (!isValueList(v)) {
        defineField(row, into, v);
        return next.push(row);
      }
      if (v.length > limit.max) limit.exceeded();
      for (const item of v) {
        const copy = copyRow(row);
        defineField(copy, into, item);
        if (!next.push(copy)) return false;
      }
      return true;
    },
    end() {
      next.end();
    },
  });
}

/**
 * The `unnest` command.
 *
 * @example
 * ```ts
 * unnestCommand.defines(parseQuery('unnest jsonParse(a) into x').commands[0], undefined) //=> ['x']
 * ```
 * @internal
 */
export const unnestCommand: CommandSpec<UnnestCommand> = {
  kind: 'UnnestCommand',
  keywords: ['unnest'],
  parse(p, start) {
    advance(p);
    const expr = parseExpr(p);
    expectWord(p, 'into');
    const into = parseIdentifier(p, 'a name after "into"');
    return { kind: 'UnnestCommand', expr, into, span: span(p, start) };
  },
  print: (c) => `unnest ${printExpression(c.expr)} into ${printName(c.into.name)}`,
  defines: (c) => [c.into.name],
  hoist: 'unless-defined',
  barrier: false,
  order: () => undefined,
  oneToOne: () => false,
  split: 'per-row',
  compile(c, { state, emit }) {
    checkAvailable(c.expr, state, 'unnest');
    const value = compileExpr(c.expr, scopeOf(state));
    defineNames(state, [c.into.name]);
    const limit = state.bound('unnest', 'rows from one row', c.span, []);
    emit(unnestStage(value, c.into.name, limit));
  },
};
