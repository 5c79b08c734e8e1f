/**
 * Traversal of expression trees: the children of every expression kind, in
 * one exhaustive switch ({@link childExprs}), and the one walker every
 * traversal of the engine uses ({@link walkExpr}, {@link someExpr}), so that
 * a new expression kind fails `tsc` here instead of being skipped silently.
 *
 * @module
 */
import type { Expr } from './ast.js';

/**
 * The direct sub-expressions of an expression, in source order. `LikeExpr`
 * and `RegexMatchExpr` patterns are literals and count as children.
 *
 * @example
 * ```ts
 * childExprs(parseQuery('filter a + 1 > b').commands[0].expr).length //=> 2
 * ```
 * @internal
 */
export function childExprs(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'FieldRef':
    case 'StringLit':
    case 'NumberLit':
    case 'BoolLit':
    case 'RegexLit':
    case 'PeriodLit':
      return [];
    case 'BinaryExpr':
      return [e.left, e.right];
    case 'UnaryExpr':
      return [e.operand];
    case 'LikeExpr':
    case 'RegexMatchExpr':
      return [e.subject, e.pattern];
    case 'InExpr':
      return [e.subject, e.list];
    case 'ListLit':
      return e.items;
    case 'AccessExpr':
      return [e.object];
    case 'CallExpr':
      return e.args;
    case 'InSubqueryExpr':
      // (the inner query is a scope of its own: its fields are not this expression's)
      return [e.subject];
    default:
      return e satisfies never;
  }
}

/**
 * Visits an expression and its sub-expressions depth first, in source
 * order. `enter` runs before a node's children and returns whether to
 * visit them; `leave` runs after them.
 *
 * @example
 * ```ts
 * const kinds: string[] = [];
 * walkExpr(parseQuery('filter not a').commands[0].expr, (e) => {
 *   kinds.push(e.kind);
 *   return true;
 * });
 * kinds //=> ['UnaryExpr', 'FieldRef']
 * ```
 * @internal
 */
export function walkExpr(expr: Expr, enter: (e: Expr) => boolean, leave?: (e: Expr) => void): void {
  if (!enter(expr)) return;
  for (const child of childExprs(expr)) walkExpr(child, enter, leave);
  leave?.(expr);
}

/**
 * Tells whether an expression or any of its sub-expressions satisfies `test`.
 *
 * @example
 * ```ts
 * someExpr(parseQuery('filter a + 1 > 2').commands[0].expr, (e) => e.kind === 'FieldRef') //=> true
 * ```
 * @internal
 */
export function someExpr(expr: Expr, test: (e: Expr) => boolean): boolean {
  if (test(expr)) return true;
  for (const child of childExprs(expr)) if (someExpr(child, test)) return true;
  return false;
}
