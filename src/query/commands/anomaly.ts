/**
 * `anomaly`: flags patterns whose per-bin counts surge (robust z-score and
 * a Poisson tail) and patterns new in the window (`anomaly/detect.ts`), not
 * the service's machine-learning models. Directly after `pattern` it reads
 * that command's patterns; alone it mines `@message`. It stays on one thread.
 *
 * @module
 */
import type { AnomalyCommand } from '../ast.js';
import { advance, span } from '../parse/state.js';
import { compileAnomaly, PATTERN_COLUMNS } from './pattern/compile-step.js';
import type { CommandSpec } from './spec.js';

/**
 * The `anomaly` command.
 *
 * @example
 * ```ts
 * anomalyCommand.print(parseQuery('ANOMALY').commands[0]) //=> 'anomaly'
 * ```
 * @internal
 */
export const anomalyCommand: CommandSpec<AnomalyCommand> = {
  kind: 'AnomalyCommand',
  keywords: ['anomaly'],
  parse(p, start) {
    advance(p);
    return { kind: 'AnomalyCommand', span: span(p, start) };
  },
  print: () => 'anomaly',
  defines: () => PATTERN_COLUMNS.anomaly,
  hoist: 'never',
  barrier: true,
  order: () => 'sets',
  oneToOne: () => false,
  split: 'one-thread',
  compile: compileAnomaly,
};
