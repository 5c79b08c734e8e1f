/**
 * `diff [previousDay|previousWeek|previousMonth]`: compares patterns with
 * an earlier period using the service's machine-learning models. It parses
 * and prints, and compile rejects it with `unsupported_command`.
 *
 * @module
 */
import type { DiffCommand } from '../ast.js';
import { advance, expected, fail, span } from '../parse/state.js';
import { type CommandSpec, machineLearningOnly } from './spec.js';

const DIFF_BASELINES: ReadonlyMap<string, NonNullable<DiffCommand['baseline']>> = new Map([
  ['previousday', 'previousDay'],
  ['previousweek', 'previousWeek'],
  ['previousmonth', 'previousMonth'],
] as const);

/**
 * The `diff` command.
 *
 * @example
 * ```ts
 * diffCommand.print(parseQuery('diff PREVIOUSDAY').commands[0]) //=> 'diff previousDay'
 * ```
 * @internal
 */
export const diffCommand: CommandSpec<DiffCommand> = {
  kind: 'DiffCommand',
  keywords: ['diff'],
  parse(p, start) {
    advance(p);
    if (p.tok.kind === 'Pipe' || p.tok.kind === 'EOF') return { kind: 'DiffCommand', span: span(p, start) };
    const baseline =
      p.tok.kind === 'Name' && p.tok.word !== undefined ? DIFF_BASELINES.get(p.tok.word) : undefined;
    if (baseline === undefined)
      fail(p, 'unexpected_token', expected(p, 'previousDay, previousWeek or previousMonth'));
    advance(p);
    return { kind: 'DiffCommand', baseline, span: span(p, start) };
  },
  print: (c) => (c.baseline ? `diff ${c.baseline}` : 'diff'),
  defines: () => [],
  hoist: 'never',
  barrier: false,
  order: () => undefined,
  oneToOne: () => false,
  split: 'one-thread',
  unsupported: machineLearningOnly('diff'),
  // (never reached: planCommands rejects an unsupported command before compile)
  compile() {},
};
