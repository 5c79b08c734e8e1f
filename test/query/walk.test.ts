import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { type Expr, fieldRefName } from '../../src/query/ast.js';
import { containsAggregate, fieldRefsOf } from '../../src/query/evaluate.js';
import { lookupFunction } from '../../src/query/functions/registry.js';
import { parseQuery } from '../../src/query/parser.js';
import { childExprs, someExpr, walkExpr } from '../../src/query/walk.js';
import { expr } from './support/ast-arbitraries.js';

/** Every expression node inside `node`, found by a generic walk over object properties (the oracle). */
function nodesOf(node: unknown, out: Expr[] = []): Expr[] {
  if (Array.isArray(node)) {
    for (const x of node) nodesOf(x, out);
  } else if (typeof node === 'object' && node !== null) {
    const kind = (node as { kind?: unknown }).kind;
    if (typeof kind === 'string' && kind !== 'name' && kind !== 'index') out.push(node as Expr);
    for (const [key, value] of Object.entries(node))
      if (key !== 'span' && key !== 'path') nodesOf(value, out);
  }
  return out;
}

const filterExpr = (text: string): Expr => {
  const c = parseQuery(text).commands[0];
  if (c?.kind !== 'FilterCommand') throw new Error('not a filter');
  return c.expr;
};

describe('the expression walker', () => {
  test.prop([expr], { numRuns: 500, seed: 42 })('walkExpr visits every node once, in source order', (e) => {
    const seen: Expr[] = [];
    walkExpr(e, (x) => {
      seen.push(x);
      return true;
    });
    expect(seen).toEqual(nodesOf(e));
  });

  test.prop([expr], { numRuns: 500, seed: 42 })(
    'fieldRefsOf and containsAggregate agree with the oracle',
    (e) => {
      const nodes = nodesOf(e);
      const refs = nodes.flatMap((n) => (n.kind === 'FieldRef' ? [fieldRefName(n)] : []));
      expect([...fieldRefsOf(e)].filter((r) => r !== '@timestamp')).toEqual(
        refs.filter((r) => r !== '@timestamp'),
      );
      const aggregate = nodes.some(
        (n) => n.kind === 'CallExpr' && lookupFunction(n.name)?.kind === 'aggregate',
      );
      expect(containsAggregate(e)).toBe(aggregate);
      expect(someExpr(e, (n) => n.kind === 'FieldRef')).toBe(refs.length > 0);
    },
  );

  it('skips the children of a node whose enter returns false, and leaves after the children', () => {
    const e = filterExpr('filter strlen(a) > b');
    const order: string[] = [];
    walkExpr(
      e,
      (x) => {
        order.push(`enter ${x.kind}`);
        return x.kind !== 'CallExpr';
      },
      (x) => order.push(`leave ${x.kind}`),
    );
    expect(order).toEqual([
      'enter BinaryExpr',
      'enter CallExpr',
      'enter FieldRef',
      'leave FieldRef',
      'leave BinaryExpr',
    ]);
  });

  it('fieldRefsOf lists @timestamp after the arguments of bin', () => {
    const c = parseQuery('stats count(*) by bin(5m)').commands[0];
    if (c?.kind !== 'StatsCommand') throw new Error('not stats');
    expect(fieldRefsOf((c.groups[0] as { expr: Expr }).expr)).toEqual(['@timestamp']);
    expect(fieldRefsOf(filterExpr('filter a like /x/ and b in [c, 1]'))).toEqual(['a', 'b', 'c']);
    expect(childExprs(filterExpr('filter a =~ /x/')).map((x) => x.kind)).toEqual(['FieldRef', 'RegexLit']);
  });
});
