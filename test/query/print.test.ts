import { describe, expect, test } from 'vitest';
import type { Expr, QueryAst } from '../../src/query/ast.js';
import { parseQuery } from '../../src/query/parser.js';
import {
  formatFieldPath,
  printExpression,
  printName,
  printQuery,
  printString,
} from '../../src/query/print.js';

const print = (text: string): string => printQuery(parseQuery(text));

describe('printQuery', () => {
  test.each([
    [
      'FIELDS @timestamp,@message | SORT @timestamp DESC | LIMIT 25',
      'fields @timestamp, @message\n| sort @timestamp desc\n| limit 25',
    ],
    ['where (duration>2000)', 'filter duration > 2000'],
    ['sort by @billedDuration desc', 'sort @billedDuration desc'],
    ['head 5', 'head 5'],
    ['limit any 1', 'limit any 1'],
    ["filter objectRef.subresource == 'eviction'", 'filter objectRef.subresource == "eviction"'],
    ['stats avg (f1) by f2', 'stats avg(f1) by f2'],
    ['STATS count(*) AS n BY BIN(5m) as @t', 'stats count(*) as n by BIN(5m) as @t'],
    ['fields `foo-bar`, action, abs(f3-f4)', 'fields `foo-bar`, action, abs(f3 - f4)'],
    [
      'filter @`aws.tag.aws:cloudformation:stack-name` = "my-stack"',
      'filter @`aws.tag.aws:cloudformation:stack-name` = "my-stack"',
    ],
    ['filter a NOT LIKE /x/ AND b NOT IN [1,2]', 'filter a not like /x/ and b not in [1, 2]'],
    ['filter (a or b) and not (c = d)', 'filter (a or b) and not c = d'],
    ['filter -(a + b) * 2 ^ (3 ^ 4) ^ 5', 'filter -(a + b) * 2 ^ (3 ^ 4) ^ 5'],
    ['filter (2 ^ 3) ^ 4 = (-2) ^ 2', 'filter (2 ^ 3) ^ 4 = (-2) ^ 2'],
    ['filter a - (b - c) = a / (b * c)', 'filter a - (b - c) = a / (b * c)'],
    ['filter (a = b) = c', 'filter (a = b) = c'],
    ['fields jsonParse(x).`a.b`.0 as y', 'fields jsonParse(x).`a.b`.0 as y'],
    ['fields (a).b', 'fields (a).b'],
    ['parse @message "[*] *" as level, msg', 'parse @message "[*] *" as level, msg'],
    ['parse /(?<x>\\d+)/ as n MULTI', 'parse /(?<x>\\d+)/ as n multi'],
    ['parse logfmt as lf | parse m CSV as a,b', 'parse logfmt as lf\n| parse m csv as a, b'],
    ['json field=payload "user.name" as username', 'json field=payload "user.name" as username'],
    ['dedup a,b', 'dedup a, b'],
    ['unnest js.accounts into account', 'unnest js.accounts into account'],
    ['filterindex IPaddress == "x"', 'filterIndex IPaddress = "x"'],
    ['filterIndex a in ["x","y"]', 'filterIndex a in ["x", "y"]'],
    ['unmask | unmask @message', 'unmask\n| unmask @message'],
    ['pattern @message | diff previousweek | anomaly', 'pattern @message\n| diff previousWeek\n| anomaly'],
    [
      "source logGroups(namePrefix: ['a','b']) 'g' START=1 END=2 | fields x",
      'SOURCE logGroups(namePrefix: ["a", "b"]) "g" START=1 END=2\n| fields x',
    ],
    ['fields a # comment\n# another\n| limit 1', 'fields a\n| limit 1'],
    ['filter x = 1e3 and y = 2HRS', 'filter x = 1e3 and y = 2HRS'],
    ['fields `a`', 'fields `a`'],
  ])('%j', (input, expected) => {
    expect(print(input)).toBe(expected);
    expect(print(expected)).toBe(expected);
  });
});

describe('printString', () => {
  test.each([
    ['abc', '"abc"'],
    ['say "hi"', '"say \\"hi\\""'],
    ["it's", '"it\'s"'],
    ['\\d+', '"\\d+"'],
    ['a\\', '"a\\\\"'],
    ['a\\\\b', '"a\\\\\\b"'],
    ["\\'", '"\\\\\'"'],
  ])('%j → %s', (value, printed) => {
    expect(printString(value)).toBe(printed);
    const parsed = parseQuery(`filter x = ${printed}`).commands[0] as { expr: { right: Expr } };
    expect(parsed.expr.right).toMatchObject({ kind: 'StringLit', value });
  });
});

describe('names', () => {
  test.each([
    ['a', 'a'],
    ['@t', '@t'],
    ['@@key', '@@key'],
    ['_x1', '_x1'],
    ['1x', '`1x`'],
    ['foo-bar', '`foo-bar`'],
    ['by', '`by`'],
    ['TRUE', '`TRUE`'],
    ['count', 'count'],
    ['@a:b', '@`a:b`'],
    ['@', '`@`'],
    ['', '``'],
    ['a`b', '`a\\`b`'],
    ['a.b', '`a.b`'],
  ])('printName(%j) = %s', (name, printed) => {
    expect(printName(name)).toBe(printed);
  });

  test('formatFieldPath quotes only the segments that need it', () => {
    expect(
      formatFieldPath([
        { kind: 'name', name: 'annotations' },
        { kind: 'name', name: 'authorization.k8s.io/decision' },
        { kind: 'name', name: '0' },
        { kind: 'index', index: 2 },
      ]),
    ).toBe('annotations.`authorization.k8s.io/decision`.0[2]');
  });
});

test('printExpression names un-aliased stats columns canonically', () => {
  const ast = parseQuery('stats COUNT(*), avg (x), sum(a)/1024');
  const items = (ast.commands[0] as unknown as { items: { expr: Expr }[] }).items;
  expect(items.map((i) => printExpression(i.expr))).toEqual(['COUNT(*)', 'avg(x)', 'sum(a) / 1024']);
});

test('a hand-built tree prints and parses back', () => {
  const span = { start: 0, end: 0 };
  const ast: QueryAst = {
    kind: 'Query',
    span,
    commands: [
      {
        kind: 'FilterCommand',
        span,
        expr: {
          kind: 'BinaryExpr',
          op: '*',
          span,
          left: {
            kind: 'BinaryExpr',
            op: '+',
            span,
            left: { kind: 'NumberLit', value: 1, text: '1', span },
            right: { kind: 'NumberLit', value: 2, text: '2', span },
          },
          right: {
            kind: 'UnaryExpr',
            op: '-',
            operand: { kind: 'NumberLit', value: 3, text: '3', span },
            span,
          },
        },
      },
    ],
  };
  expect(printQuery(ast)).toBe('filter (1 + 2) * -3');
});
