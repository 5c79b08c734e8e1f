/**
 * `fields item, …`: computes each item and defines it on the row under its
 * alias (or its expression text), so later commands can read it. Which
 * columns the result shows is decided by the plan (the union of all
 * `fields` commands, unless a `display` overrides it). Streams.
 *
 * @module
 */
import { type FieldsCommand, fieldRefName, type Item } from '../ast.js';
import { compileExpr, type Evaluator } from '../evaluate.js';
import { parseItems } from '../parse/items.js';
import { advance, span } from '../parse/state.js';
import type { StageFactory } from '../plan.js';
import { printItems } from '../print-expression.js';
import { defineField } from '../row.js';
import { addColumns, type CompileState, checkAvailable, itemName, scopeOf } from '../scope.js';
import type { CommandSpec } from './spec.js';

/**
 * One compiled `fields` item.
 *
 * @internal
 */
export interface FieldItem {
  readonly name: string;
  readonly value: Evaluator;
}

/**
 * The `fields` stage. Items that merely name an existing field need no
 * stage work and are left out by the compiler.
 *
 * @internal
 */
export function fieldsStage(items: readonly FieldItem[]): StageFactory {
  return (next, state) => ({
    push(row) {
      // Evaluate all items first: `fields a as b, b as a` swaps, as in a projection.
      const values = items.map((item) => item.value(row, state.ctx));
      for (let i = 0; i < items.length; i++) defineField(row, (items[i] as FieldItem).name, values[i]);
      return next.push(row);
    },
    end() {
      next.end();
    },
  });
}

/**
 * The names items define on rows, leaving out a field under its own name
 * (`fields verb` leaves `verb` as it was).
 *
 * @example
 * ```ts
 * itemsDefine(parseQuery('fields verb, a as b').commands[0].items, undefined) //=> ['b']
 * ```
 * @internal
 */
export function itemsDefine(items: readonly Item[], text: string | undefined): string[] {
  const out: string[] = [];
  for (const item of items) {
    const name = itemName(item, text);
    if (item.expr.kind === 'FieldRef' && name === fieldRefName(item.expr)) continue;
    out.push(name);
  }
  return out;
}

function compileItems(items: readonly Item[], state: CompileState, what: string): FieldItem[] {
  const out: FieldItem[] = [];
  for (const item of items) {
    checkAvailable(item.expr, state, what);
    const name = itemName(item, state.text);
    const value = compileExpr(item.expr, scopeOf(state));
    if (item.expr.kind === 'FieldRef' && name === fieldRefName(item.expr)) continue;
    out.push({ name, value });
  }
  return out;
}

/**
 * The `fields` command.
 *
 * @example
 * ```ts
 * fieldsCommand.defines(parseQuery('fields a as b').commands[0], undefined) //=> ['b']
 * ```
 * @internal
 */
export const fieldsCommand: CommandSpec<FieldsCommand> = {
  kind: 'FieldsCommand',
  keywords: ['fields'],
  parse(p, start) {
    advance(p);
    return { kind: 'FieldsCommand', items: parseItems(p), span: span(p, start) };
  },
  print: (c) => `fields ${printItems(c.items)}`,
  defines: (c, text) => itemsDefine(c.items, text),
  hoist: 'unless-defined',
  barrier: false,
  order: () => undefined,
  oneToOne: () => true,
  split: 'per-row',
  compile(c, { state, emit }) {
    const items = compileItems(c.items, state, 'fields');
    for (const item of c.items) {
      const name = itemName(item, state.text);
      state.defined.add(name);
      state.available?.add(name);
    }
    addColumns(
      state,
      c.items.map((item) => itemName(item, state.text)),
    );
    if (!state.explicitColumns) state.explicitColumns = true;
    if (items.length > 0) emit(fieldsStage(items));
  },
};
