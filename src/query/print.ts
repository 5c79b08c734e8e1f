/**
 * Prints a {@link QueryAst} back to query text.
 *
 * The output is canonical: one command per line after the first, joined by
 * `\n| `; lower-case keywords and command names (`filter` for `where`,
 * `filterIndex`, `SOURCE`); double-quoted strings; single spaces around
 * binary operators; parentheses only where precedence needs them. Field
 * references, numbers and periods are printed as written (their `text`).
 * `parseQuery(printQuery(ast))` equals `ast` except for spans.
 *
 * Each command prints itself (its `CommandSpec.print`, see
 * `commands/registry.ts`); expressions, names and strings are printed by
 * `print-expression.ts`.
 *
 * @module
 */
import type { Command, QueryAst } from './ast.js';
import { specOf } from './commands/registry.js';

export { formatFieldPath, printExpression, printName, printString } from './print-expression.js';

/**
 * Prints a query in canonical form.
 *
 * @example
 * ```ts
 * printQuery(parseQuery('FIELDS a | where (x>2)'))
 * //=> 'fields a\n| filter x > 2'
 * ```
 */
export function printQuery(ast: QueryAst): string {
  return ast.commands.map(printCommand).join('\n| ');
}

/**
 * Prints one command.
 *
 * @example
 * ```ts
 * printCommand(parseQuery('sort by a').commands[0]) //=> 'sort a'
 * ```
 */
export function printCommand(cmd: Command): string {
  return specOf(cmd).print(cmd);
}
