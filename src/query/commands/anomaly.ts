/**
 * `anomaly`: finds unusual patterns with the service's machine-learning
 * models. It parses and prints, and compile rejects it with
 * `unsupported_command`.
 *
 * @module
 */
import type { AnomalyCommand } from '../ast.js';
import { advance, span } from '../parse/state.js';
import { type CommandSpec, machineLearningOnly } from './spec.js';

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
  defines: () => [],
  hoist: 'never',
  barrier: false,
  order: () => undefined,
  oneToOne: () => false,
  split: 'one-thread',
  unsupported: machineLearningOnly('anomaly'),
  // (never reached: planCommands rejects an unsupported command before compile)
  compile() {},
};
