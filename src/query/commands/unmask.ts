/**
 * `unmask`: shows data-protection-masked content in the service. Exported
 * logs are not masked, so offline it is the identity: rows pass unchanged.
 *
 * @module
 */
import type { UnmaskCommand } from '../ast.js';
import { compileExpr } from '../evaluate.js';
import { parseExpr } from '../parse/expression.js';
import { advance, atStageEnd, span } from '../parse/state.js';
import type { StageFactory } from '../plan.js';
import { printExpression } from '../print-expression.js';
import { scopeOf } from '../scope.js';
import type { CommandSpec } from './spec.js';

/**
 * The `unmask` stage (identity).
 *
 * @internal
 */
export const unmaskStage: StageFactory = (next) => next;

/**
 * The `unmask` command.
 *
 * @example
 * ```ts
 * unmaskCommand.print(parseQuery('unmask').commands[0]) //=> 'unmask'
 * ```
 * @internal
 */
export const unmaskCommand: CommandSpec<UnmaskCommand> = {
  kind: 'UnmaskCommand',
  keywords: ['unmask'],
  parse(p, start) {
    advance(p);
    if (atStageEnd(p)) return { kind: 'UnmaskCommand', span: span(p, start) };
    return { kind: 'UnmaskCommand', expr: parseExpr(p), span: span(p, start) };
  },
  print: (c) => (c.expr ? `unmask ${printExpression(c.expr)}` : 'unmask'),
  defines: () => [],
  hoist: 'always',
  barrier: false,
  order: () => undefined,
  oneToOne: () => true,
  split: 'per-row',
  compile(c, { state, emit }) {
    // (the expression is compiled for its checks: names, arity)
    if (c.expr !== undefined) compileExpr(c.expr, scopeOf(state));
    emit(unmaskStage);
  },
};
