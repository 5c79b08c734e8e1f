/**
 * `fields item, …`: computes each item and defines it on the row under its
 * alias (or its expression text), so later commands can read it. Which
 * columns the result shows is decided by the plan (the union of all
 * `fields` commands, unless a `display` overrides it). Streams.
 *
 * @module
 */
import type { Evaluator } from '../evaluate.js';
import type { StageFactory } from '../plan.js';
import { defineField } from '../row.js';

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
