/**
 * `display item, …`: chooses the result columns. It runs on the final rows
 * (the last `display` of a query wins), so it defines nothing for the
 * commands after it and adds no stage.
 *
 * @module
 */
import type { DisplayCommand } from '../ast.js';
import { parseItems } from '../parse/items.js';
import { advance, span } from '../parse/state.js';
import { printItems } from '../print-expression.js';
import type { CommandSpec } from './spec.js';

/**
 * The `display` command.
 *
 * @example
 * ```ts
 * displayCommand.print(parseQuery('display a, b as c').commands[0]) //=> 'display a, b as c'
 * ```
 * @internal
 */
export const displayCommand: CommandSpec<DisplayCommand> = {
  kind: 'DisplayCommand',
  keywords: ['display'],
  parse(p, start) {
    advance(p);
    return { kind: 'DisplayCommand', items: parseItems(p), span: span(p, start) };
  },
  print: (c) => `display ${printItems(c.items)}`,
  defines: () => [],
  hoist: 'always',
  barrier: false,
  order: () => undefined,
  oneToOne: () => true,
  split: 'per-row',
  compile(c, ctx) {
    ctx.display(c.items);
  },
};
