/**
 * Parsers shared by several commands: `expr [as alias]` items and their
 * comma-separated lists (`fields`, `display`, `stats`).
 *
 * Internal to the parser; the public entry points are in `parser.ts`.
 *
 * @module
 */
import type { Item } from '../ast.js';
import { parseExpr } from './expression.js';
import { advance, isWord, parseIdentifier, type State, span } from './state.js';

/**
 * Parses `item, item, …` (at least one).
 *
 * @example
 * ```ts
 * const p = createState('a, b as c');
 * advance(p);
 * parseItems(p).length //=> 2
 * ```
 * @internal
 */
export function parseItems(p: State): Item[] {
  const items = [parseItem(p)];
  while (p.tok.kind === 'Comma') {
    advance(p);
    items.push(parseItem(p));
  }
  return items;
}

/**
 * Parses one `expr [as alias]` item.
 *
 * @example
 * ```ts
 * const p = createState('b as c');
 * advance(p);
 * parseItem(p).alias?.name //=> 'c'
 * ```
 * @internal
 */
export function parseItem(p: State): Item {
  const start = p.tok.start;
  const expr = parseExpr(p);
  return withAlias(p, expr, start);
}

/**
 * Reads an optional `as alias` after an item's expression and makes the item.
 *
 * @example
 * ```ts
 * const p = createState('b as c');
 * advance(p);
 * withAlias(p, parseExpr(p), 0).alias?.name //=> 'c'
 * ```
 * @internal
 */
export function withAlias(p: State, expr: Item['expr'], start: number): Item {
  if (isWord(p.tok, 'as')) {
    advance(p);
    const alias = parseIdentifier(p, 'a name after "as"');
    return { kind: 'Item', expr, alias, span: span(p, start) };
  }
  return { kind: 'Item', expr, span: span(p, start) };
}
