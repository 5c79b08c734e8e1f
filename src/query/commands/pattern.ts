/**
 * `pattern expr`: clusters the values of `expr` into templates offline with
 * a deterministic Drain-style miner (see `pattern/drain.ts`), one row per
 * pattern with `@pattern`, `@ratio`, `@sampleCount` and `@severityLabel`.
 * A `diff` or `anomaly` right after it runs in the same stage
 * (`pattern/compile-step.ts`). It stays on one thread.
 *
 * @module
 */
import type { PatternCommand } from '../ast.js';
import { parseExpr } from '../parse/expression.js';
import { advance, span } from '../parse/state.js';
import { printExpression } from '../print-expression.js';
import { compilePattern, PATTERN_COLUMNS } from './pattern/compile-step.js';
import type { CommandSpec } from './spec.js';

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
  defines: () => PATTERN_COLUMNS.pattern,
  hoist: 'never',
  barrier: true,
  order: () => 'sets',
  oneToOne: () => false,
  split: 'one-thread',
  compile: compilePattern,
};
