import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { QueryAst } from '../../src/query/ast.js';
import { parseQuery } from '../../src/query/parser.js';
import { printQuery } from '../../src/query/print.js';
import { expr, query } from './support/ast-arbitraries.js';
import { stripSpans } from './support/strip-spans.js';

const span = { start: 0, end: 0 };

describe('printQuery inverts parseQuery', () => {
  test.prop([query], { numRuns: 1500, seed: 42 })(
    'parseQuery(printQuery(ast)) equals ast modulo spans',
    (ast) => {
      const text = printQuery(ast);
      const reparsed = parseQuery(text);
      expect(stripSpans(reparsed)).toEqual(stripSpans(ast));
      expect(printQuery(reparsed)).toBe(text);
    },
  );

  test.prop([expr], { numRuns: 1500, seed: 42 })('every expression survives a filter round trip', (e) => {
    const ast: QueryAst = { kind: 'Query', commands: [{ kind: 'FilterCommand', expr: e, span }], span };
    expect(stripSpans(parseQuery(printQuery(ast)))).toEqual(stripSpans(ast));
  });
});
