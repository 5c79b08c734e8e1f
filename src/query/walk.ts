/**
 * Traversal of expression trees: the children of every expression kind, in
 * one exhaustive switch, so that a new expression kind fails `tsc` here
 * instead of being skipped silently by a walker.
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
    default:
      return e satisfies never;
  }
}
