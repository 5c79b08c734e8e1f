/**
 * `pattern expr`: groups messages into patterns with the service's
 * machine-learning models. It parses and prints, and compile rejects it
 * with `unsupported_command` (it cannot run offline).
 *
 * @module
 */
import type { PatternCommand } from '../ast.js';
import { parseExpr } from '../parse/expression.js';
import { advance, span } from '../parse/state.js';
import { printExpression } from '../print-expression.js';
import { type CommandSpec, machineLearningOnly } from './spec.js';

/**
 * The `pattern` command.
 *
 * @example
 * ```ts
 * patternCommand.print(parseQuery('pattern @message').commands[0]) //=> 'pattern @message'
 * ```
 * @internal
 */
export const patternCommand: CommandSpec<PatternCommand> = {
  kind: 'PatternCommand',
  keywords: ['pattern'],
  parse(p, start) {
    advance(p);
    return { kind: 'PatternCommand', expr: parseExpr(p), span: span(p, start) };
  },
  print: (c) => `pattern ${printExpression(c.expr)}`,
  defines: () => [],
  hoist: 'never',
  barrier: false,
  order: () => undefined,
  oneToOne: () => false,
  split: 'one-thread',
  unsupported: machineLearningOnly('pattern'),
  // (never reached: planCommands rejects an unsupported command before compile)
  compile() {},
};
