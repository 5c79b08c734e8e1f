/**
 * `expand field`: one row per element of the JSON array that the field
 * holds, with the element in place of the array and every other field
 * copied. The array may be one of the event's JSON values (`"items":
 * ["apple", …]`, which a field lookup alone does not return: fields are
 * leaves), a list the query made (`jsonParse`, `split`), or a string that
 * is a JSON array's text. As with `unnest`: any other value (a string,
 * number, map) is one row unchanged, and a missing value, `null` or an
 * empty array gives no rows. Streams; an array of more than
 * `maxBufferedRows` elements is a `resource_limit` error.
 *
 * @module
 */
import type { ExpandCommand } from '../ast.js';
import { fieldRefName } from '../ast.js';
import { compileExpr } from '../evaluate.js';
import { advance, parseFieldName, span } from '../parse/state.js';
import type { BufferLimit, StageFactory } from '../plan.js';
import { compileValueLookup, copyRow, defineField, type FieldLookup } from '../row.js';
import { checkAvailable, defineNames, scopeOf } from '../scope.js';
import { isValueList } from '../semantics/compare.js';
import type { Value } from '../value.js';
import type { CommandSpec } from './spec.js';

/** A string that is the text of a JSON array, parsed; else the value itself. */
function asList(v: Value): Value {
  if (typeof v !== 'string') return v;
  let i = 0;
  while (i < v.length && (v[i] === ' ' || v[i] === '\t' || v[i] === '\n' || v[i] === '\r')) i++;
  if (v[i] !== '[') return v;
  try {
    const parsed: unknown = JSON.parse(v);
    return Array.isArray(parsed) ? (parsed as Value) : v;
  } catch {
    // (not JSON, or nested deeper than the parser's stack: a plain string)
    return v;
  }
}

/**
 * The `expand` stage.
 *
 * @internal
 */
export function expandStage(lookup: FieldLookup, name: string, limit: BufferLimit): StageFactory {
  return (next) => ({
    push(row) {
      const v = asList(lookup(row));
      if (v === undefined || v === null) return true;
      if (!isValueList(v)) {
        defineField(row, name, v);
        return next.push(row);
      }
      if (v.length > limit.max) limit.exceeded();
      for (const item of v) {
        const copy = copyRow(row);
        defineField(copy, name, item);
        if (!next.push(copy)) return false;
      }
      return true;
    },
    end() {
      next.end();
    },
  });
}

/**
 * The `expand` command.
 *
 * @example
 * ```ts
 * expandCommand.print(parseQuery('expand items').commands[0]) //=> 'expand items'
 * ```
 * @internal
 */
export const expandCommand: CommandSpec<ExpandCommand> = {
  kind: 'ExpandCommand',
  keywords: ['expand'],
  parse(p, start) {
    advance(p);
    const field = parseFieldName(p, 'a field after expand');
    return { kind: 'ExpandCommand', field, span: span(p, start) };
  },
  print: (c) => `expand ${c.field.text}`,
  defines: (c) => [fieldRefName(c.field)],
  hoist: 'unless-defined',
  barrier: false,
  order: () => undefined,
  oneToOne: () => false,
  split: 'per-row',
  compile(c, { state, emit }) {
    checkAvailable(c.field, state, 'expand');
    const name = fieldRefName(c.field);
    // (read through compileExpr's scope, so the field counts among the query's referenced fields)
    compileExpr(c.field, scopeOf(state));
    const lookup = compileValueLookup(
      name,
      c.field.path.map((s) => (s.kind === 'name' ? s.name : String(s.index))),
      state.fieldOptions,
    );
    defineNames(state, [name]);
    const limit = state.bound('expand', 'rows from one row', c.span, []);
    emit(expandStage(lookup, name, limit));
  },
};
