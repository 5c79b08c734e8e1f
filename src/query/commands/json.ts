/**
 * `json field=name "key.path" as alias` (newest revision): reads a key path
 * out of a field holding JSON text (or a map from `jsonParse`) and defines
 * it as `alias`. Text that is not JSON gives a missing value. Streams.
 *
 * @module
 */
import type { JsonCommand } from '../ast.js';
import { compileExpr, type Evaluator } from '../evaluate.js';
import { advance, expectKind, expectWord, parseFieldName, parseIdentifier, span } from '../parse/state.js';
import type { StageFactory } from '../plan.js';
import { printName, printString } from '../print-expression.js';
import { defineField, walkValue } from '../row.js';
import { checkAvailable, defineNames, scopeOf } from '../scope.js';
import type { Value } from '../value.js';
import type { CommandSpec } from './spec.js';

function parseJson(text: string): Value {
  try {
    return JSON.parse(text) as Value;
  } catch {
    return undefined;
  }
}

/**
 * The `json` stage.
 *
 * @internal
 */
export function jsonStage(field: Evaluator, path: string, alias: string): StageFactory {
  const parts = path === '' ? [] : path.split('.');
  return (next, state) => ({
    push(row) {
      const v = field(row, state.ctx);
      const doc = typeof v === 'string' ? parseJson(v) : v;
      defineField(row, alias, doc === undefined ? undefined : walkValue(doc, parts));
      return next.push(row);
    },
    end() {
      next.end();
    },
  });
}

/**
 * The `json` command.
 *
 * @example
 * ```ts
 * jsonCommand.defines(parseQuery('json field=@message "a.b" as x').commands[0], undefined) //=> ['x']
 * ```
 * @internal
 */
export const jsonCommand: CommandSpec<JsonCommand> = {
  kind: 'JsonCommand',
  keywords: ['json'],
  parse(p, start) {
    advance(p);
    expectWord(p, 'field');
    expectKind(p, 'Eq', '"=" after "field"');
    const field = parseFieldName(p, 'a field name after "field="');
    const tok = expectKind(p, 'String', 'a quoted key path');
    expectWord(p, 'as');
    const alias = parseIdentifier(p, 'a name after "as"');
    return { kind: 'JsonCommand', field, path: tok.value ?? '', alias, span: span(p, start) };
  },
  print: (c) => `json field=${c.field.text} ${printString(c.path)} as ${printName(c.alias.name)}`,
  defines: (c) => [c.alias.name],
  hoist: 'unless-defined',
  barrier: false,
  order: () => undefined,
  oneToOne: () => true,
  split: 'per-row',
  compile(c, { state, emit }) {
    checkAvailable(c.field, state, 'json');
    const field = compileExpr(c.field, scopeOf(state));
    defineNames(state, [c.alias.name]);
    emit(jsonStage(field, c.path, c.alias.name));
  },
};
