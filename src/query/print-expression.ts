/**
 * Prints expressions, names, strings and field paths in canonical form
 * (see `print.ts` for whole queries): single spaces around binary
 * operators, parentheses only where precedence needs them, double-quoted
 * strings, names in backticks only where needed.
 *
 * @module
 */

import { KubetrailError } from '../errors.js';
import type { Command, Expr, Item, PathSegment, QueryAst } from './ast.js';
import { assertNever } from './ast.js';
import { BINARY_PRECEDENCE, PRECEDENCE, RESERVED_WORDS } from './tokens.js';

/**
 * Prints `fields`/`display`/`stats` items: `expr [as alias], …`.
 *
 * @example
 * ```ts
 * printItems(parseQuery('fields a as b, c').commands[0].items) //=> 'a as b, c'
 * ```
 * @internal
 */
export function printItems(items: readonly Item[]): string {
  return items
    .map((item) => `${printExpression(item.expr)}${item.alias ? ` as ${printName(item.alias.name)}` : ''}`)
    .join(', ');
}

/**
 * Prints a list of defined names (`parse … as a, b`).
 *
 * @example
 * ```ts
 * printNames([{ name: 'a' }, { name: 'by' }]) //=> 'a, `by`'
 * ```
 * @internal
 */
export function printNames(names: readonly { readonly name: string }[]): string {
  return names.map((n) => printName(n.name)).join(', ');
}

/**
 * Prints an expression with the fewest parentheses that keep its meaning.
 * This is also the text that names an un-aliased column (`count(*)`).
 *
 * @example
 * ```ts
 * printExpression(parseQuery('filter (a+b)*c').commands[0].expr) //=> '(a + b) * c'
 * ```
 */
export function printExpression(expr: Expr): string {
  return printExpr(expr, 0);
}

function precedenceOf(expr: Expr): number {
  switch (expr.kind) {
    case 'BinaryExpr':
      return BINARY_PRECEDENCE[expr.op];
    case 'UnaryExpr':
      return expr.op === 'not' ? PRECEDENCE.not : PRECEDENCE.negate;
    case 'LikeExpr':
    case 'InExpr':
    case 'RegexMatchExpr':
    case 'InSubqueryExpr':
      return PRECEDENCE.comparison;
    default:
      return PRECEDENCE.postfix;
  }
}

/**
 * Prints `expr`, in parentheses when its precedence is below `min` (a
 * `PRECEDENCE` level).
 *
 * @example
 * ```ts
 * printExpr(parseQuery('filter a or b').commands[0].expr, PRECEDENCE.and) //=> '(a or b)'
 * ```
 * @internal
 */
export function printExpr(expr: Expr, min: number): string {
  const text = printBare(expr);
  return precedenceOf(expr) < min ? `(${text})` : text;
}

function printBare(expr: Expr): string {
  switch (expr.kind) {
    case 'FieldRef':
      return expr.text;
    case 'StringLit':
      return printString(expr.value);
    case 'NumberLit':
      return expr.text;
    case 'BoolLit':
      return expr.value ? 'true' : 'false';
    case 'RegexLit':
      return `/${expr.pattern}/`;
    case 'PeriodLit':
      return expr.text;
    case 'ListLit':
      return `[${expr.items.map((item) => printExpr(item, 0)).join(', ')}]`;
    case 'BinaryExpr': {
      const prec = BINARY_PRECEDENCE[expr.op];
      const comparison = prec === PRECEDENCE.comparison;
      const right = expr.op === '^';
      // Left-associative: the right operand needs parentheses at equal precedence; `^` the other way round.
      const leftMin = comparison || right ? prec + 1 : prec;
      const rightMin = comparison || !right ? prec + 1 : prec;
      return `${printExpr(expr.left, leftMin)} ${expr.op} ${printExpr(expr.right, rightMin)}`;
    }
    case 'UnaryExpr':
      return expr.op === 'not'
        ? `not ${printExpr(expr.operand, PRECEDENCE.not)}`
        : `-${printExpr(expr.operand, PRECEDENCE.negate)}`;
    case 'LikeExpr':
      return `${printExpr(expr.subject, PRECEDENCE.comparison + 1)} ${expr.negated ? 'not like' : 'like'} ${printBare(expr.pattern)}`;
    case 'RegexMatchExpr':
      return `${printExpr(expr.subject, PRECEDENCE.comparison + 1)} =~ ${printBare(expr.pattern)}`;
    case 'InExpr':
      return `${printExpr(expr.subject, PRECEDENCE.comparison + 1)} ${expr.negated ? 'not in' : 'in'} ${printBare(expr.list)}`;
    case 'CallExpr':
      return `${expr.name}(${expr.star ? '*' : expr.args.map((a) => printExpr(a, 0)).join(', ')})`;
    case 'AccessExpr': {
      const object = expr.object.kind === 'CallExpr' ? printBare(expr.object) : `(${printBare(expr.object)})`;
      return `${object}${formatPathTail(expr.path, true)}`;
    }
    case 'InSubqueryExpr':
      return `${printExpr(expr.subject, PRECEDENCE.comparison + 1)} ${expr.negated ? 'not in' : 'in'} (${printSubquery(expr.query)})`;
    default:
      return assertNever(expr);
  }
}

/**
 * Quotes a string literal: double quotes; `"` becomes `\"`, and a backslash
 * is doubled only where it would otherwise start an escape (before `\`,
 * `"`, `'` or the closing quote).
 *
 * @example
 * ```ts
 * printString('say "hi" \\d') //=> '"say \\"hi\\" \\d"'
 * ```
 */
export function printString(value: string): string {
  return `"${escapeQuoted(value, '"')}"`;
}

function escapeQuoted(value: string, quote: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (ch === quote) out += `\\${ch}`;
    else if (ch === '\\') {
      const next = value[i + 1];
      out +=
        next === undefined || next === '\\' || next === '"' || next === "'" || next === quote ? '\\\\' : '\\';
    } else out += ch;
  }
  return out;
}

const PLAIN_HEAD = /^@*[A-Za-z_][A-Za-z0-9_]*$|^@+[A-Za-z0-9_]+$/;
const PLAIN_SEGMENT = /^[A-Za-z0-9_]+$/;
const AFTER_CALL_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$|^[0-9]+$/;

/**
 * Prints a name (an alias, a `parse` name, the first segment of a field):
 * bare when it is a plain word that is not reserved, otherwise in backticks
 * (with leading `@`s kept outside).
 *
 * @example
 * ```ts
 * printName('foo-bar') //=> '`foo-bar`'
 * printName('@t') //=> '@t'
 * printName('by') //=> '`by`'
 * ```
 */
export function printName(name: string): string {
  if (PLAIN_HEAD.test(name) && !RESERVED_WORDS.has(name.toLowerCase())) return name;
  let ats = 0;
  while (name[ats] === '@') ats++;
  const rest = name.slice(ats);
  if (ats > 0 && rest !== '' && rest[0] !== '@') return `${name.slice(0, ats)}\`${escapeQuoted(rest, '`')}\``;
  return `\`${escapeQuoted(name, '`')}\``;
}

/**
 * The canonical text of a field path (what `FieldRef.text` should hold for
 * a node built by hand).
 *
 * @example
 * ```ts
 * formatFieldPath([{ kind: 'name', name: 'annotations' }, { kind: 'name', name: 'a.b/c' }])
 * //=> 'annotations.`a.b/c`'
 * ```
 */
export function formatFieldPath(path: readonly PathSegment[]): string {
  const [head, ...tail] = path;
  if (head === undefined || head.kind !== 'name') return formatPathTail(path);
  return printName(head.name) + formatPathTail(tail);
}

function formatPathTail(path: readonly PathSegment[], afterCall = false): string {
  let out = '';
  for (const segment of path) {
    if (segment.kind === 'index') out += `[${segment.index}]`;
    else {
      // After `)`, `.0` is scanned as a number, so a segment that starts with a digit must be all digits.
      const plain = afterCall ? AFTER_CALL_SEGMENT.test(segment.name) : PLAIN_SEGMENT.test(segment.name);
      out += plain ? `.${segment.name}` : `.\`${escapeQuoted(segment.name, '`')}\``;
    }
  }
  return out;
}

/** Prints one command (`commands/registry.ts` registers it when it loads; see {@link registerCommandPrinter}). */
let printCommandHook: (c: Command) => string = () => {
  throw new KubetrailError('internal_error', 'the command printer is not registered');
};

/**
 * Registers how inner queries print their commands (a static import of the
 * registry here would make the command files and the registry import each
 * other).
 *
 * @example
 * ```ts
 * registerCommandPrinter((c) => specOf(c).print(c)); // in commands/registry.ts
 * ```
 * @internal
 */
export function registerCommandPrinter(print: (c: Command) => string): void {
  printCommandHook = print;
}

/**
 * Prints the inner query of a subquery or a `join` (without its
 * parentheses), as `printQuery` prints a whole query.
 *
 * @example
 * ```ts
 * printSubquery(parseQuery('SOURCE "x" | fields a')) //=> 'SOURCE "x"\n| fields a'
 * ```
 * @internal
 */
export function printSubquery(query: QueryAst): string {
  return query.commands.map((c) => printCommandHook(c)).join('\n| ');
}
