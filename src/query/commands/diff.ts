/**
 * `diff [previousDay|previousWeek|previousMonth]`: compares each pattern's
 * events in the query window with an earlier window of the same length
 * (`diff/windows.ts`, `diff/compare.ts`). Directly after `pattern` it
 * compares that command's patterns; alone it mines `@message`. It stays on
 * one thread.
 *
 * @module
 */
import type { DiffCommand } from '../ast.js';
import { advance, atStageEnd, expected, fail, span } from '../parse/state.js';
import { compileDiff, PATTERN_COLUMNS } from './pattern/compile-step.js';
import type { CommandSpec } from './spec.js';

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
    if (atStageEnd(p)) return { kind: 'DiffCommand', span: span(p, start) };
    const baseline =
      p.tok.kind === 'Name' && p.tok.word !== undefined ? DIFF_BASELINES.get(p.tok.word) : undefined;
    if (baseline === undefined)
      fail(p, 'unexpected_token', expected(p, 'previousDay, previousWeek or previousMonth'));
    advance(p);
    return { kind: 'DiffCommand', baseline, span: span(p, start) };
  },
  print: (c) => (c.baseline ? `diff ${c.baseline}` : 'diff'),
  defines: () => PATTERN_COLUMNS.diff,
  hoist: 'never',
  barrier: true,
  order: () => 'sets',
  oneToOne: () => false,
  split: 'one-thread',
  compile: compileDiff,
};
