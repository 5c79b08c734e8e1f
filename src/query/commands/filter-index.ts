/**
 * `filterIndex field = value` / `filterIndex field in [values]`: in the
 * service it scans only events whose indexed field matches. Offline there
 * are no indexes, so it is an equality (or `in`) filter that also drops
 * events lacking the field. Streams.
 *
 * @module
 */
import { type FilterIndexCommand, fieldRefName } from '../ast.js';
import { compileExpr, type Evaluator, fieldRefsOf } from '../evaluate.js';
import { parseBinary, parseList } from '../parse/expression.js';
import { advance, expected, fail, isWord, parseFieldName, span } from '../parse/state.js';
import type { StageFactory } from '../plan.js';
import { type Clauses, type PrefilterTerm, termFor } from '../prefilter-terms.js';
import { printExpr, printExpression } from '../print-expression.js';
import { checkAvailable, scopeOf } from '../scope.js';
import { valuesEqual } from '../semantics/compare.js';
import { PRECEDENCE } from '../tokens.js';
import type { CommandSpec } from './spec.js';

/**
 * The `filterIndex` stage.
 *
 * @internal
 */
export function filterIndexStage(field: Evaluator, values: readonly Evaluator[]): StageFactory {
  return (next, state) => ({
    push(row) {
      const v = field(row, state.ctx);
      if (v === undefined || v === null) return true;
      for (const value of values) if (valuesEqual(v, value(row, state.ctx))) return next.push(row);
      return true;
    },
    end() {
      next.end();
    },
  });
}

/** One clause of all its values, or none when any value gives no term. */
function filterIndexClauses(c: FilterIndexCommand, defined: ReadonlySet<string>): Clauses {
  const field = fieldRefName(c.field);
  const terms: PrefilterTerm[] = [];
  for (const v of c.values) {
    const t = v.kind === 'StringLit' ? termFor(field, v.value, defined) : undefined;
    if (t === undefined) return [];
    terms.push(t);
  }
  return terms.length > 0 ? [terms] : [];
}

/**
 * The `filterIndex` command.
 *
 * @example
 * ```ts
 * filterIndexCommand.print(parseQuery('filterIndex a == "x"').commands[0]) //=> 'filterIndex a = "x"'
 * ```
 * @internal
 */
export const filterIndexCommand: CommandSpec<FilterIndexCommand> = {
  kind: 'FilterIndexCommand',
  keywords: ['filterIndex'],
  parse(p, start) {
    advance(p);
    const field = parseFieldName(p, 'a field name after filterIndex');
    if (p.tok.kind === 'Eq' || p.tok.kind === 'EqEq') {
      advance(p);
      const value = parseBinary(p, PRECEDENCE.additive);
      return { kind: 'FilterIndexCommand', field, operator: '=', values: [value], span: span(p, start) };
    }
    if (isWord(p.tok, 'in')) {
      advance(p);
      if (p.tok.kind !== 'LBracket') fail(p, 'unexpected_token', expected(p, 'a list [...] after "in"'));
      const list = parseList(p);
      return { kind: 'FilterIndexCommand', field, operator: 'in', values: list.items, span: span(p, start) };
    }
    return fail(p, 'unexpected_token', expected(p, '"=" or "in"'));
  },
  print: (c) =>
    c.operator === 'in'
      ? `filterIndex ${c.field.text} in [${c.values.map((v) => printExpression(v)).join(', ')}]`
      : `filterIndex ${c.field.text} = ${c.values.map((v) => printExpr(v, PRECEDENCE.additive)).join(', ')}`,
  defines: () => [],
  predicate: {
    reads(c) {
      const out = [fieldRefName(c.field)];
      for (const v of c.values) fieldRefsOf(v, out);
      return out;
    },
    exprs: (c) => [c.field, ...c.values],
    clauses: filterIndexClauses,
  },
  hoist: 'never',
  barrier: false,
  order: () => undefined,
  oneToOne: () => false,
  split: 'per-row',
  compile(c, { state, emit }) {
    const scope = scopeOf(state);
    checkAvailable(c.field, state, 'filterIndex');
    const field = compileExpr(c.field, scope);
    const values = c.values.map((v) => compileExpr(v, scope));
    emit(filterIndexStage(field, values));
  },
};
