import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { Command, Expr } from '../../src/query/ast.js';
import { QueryError } from '../../src/query/errors.js';
import { MAX_EXPRESSION_DEPTH, parseQuery, parseQueryWithDiagnostics } from '../../src/query/parser.js';
import { printExpression } from '../../src/query/print.js';
import { droppedExamples, vendoredExamples } from './support/example-queries.js';
import { stripSpans } from './support/strip-spans.js';

const command = (text: string): Command => parseQuery(text).commands[0] as Command;
const filterExpr = (text: string): Expr => {
  const cmd = command(`filter ${text}`);
  if (cmd.kind !== 'FilterCommand') throw new Error('not a filter');
  return cmd.expr;
};

/** Fully parenthesised form of an expression, to read precedence off. */
function shape(e: Expr): string {
  switch (e.kind) {
    case 'BinaryExpr':
      return `(${shape(e.left)} ${e.op} ${shape(e.right)})`;
    case 'UnaryExpr':
      return `(${e.op} ${shape(e.operand)})`;
    case 'LikeExpr':
      return `(${shape(e.subject)} ${e.negated ? 'not like' : 'like'} ${printExpression(e.pattern)})`;
    case 'InExpr':
      return `(${shape(e.subject)} ${e.negated ? 'not in' : 'in'} ${printExpression(e.list)})`;
    case 'RegexMatchExpr':
      return `(${shape(e.subject)} =~ ${printExpression(e.pattern)})`;
    default:
      return printExpression(e);
  }
}

const errorOf = (text: string): QueryError => {
  try {
    parseQuery(text);
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
  throw new Error(`parsed: ${text}`);
};

describe('precedence', () => {
  test.each([
    ['a or b and c', '(a or (b and c))'],
    ['a and b or c', '((a and b) or c)'],
    ['not a and b', '((not a) and b)'],
    ['not a = b', '(not (a = b))'],
    ['not not a', '(not (not a))'],
    ['a = 1 or b = 2', '((a = 1) or (b = 2))'],
    ['a + b * c', '(a + (b * c))'],
    ['a * b + c', '((a * b) + c)'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b / c', '((a / b) / c)'],
    ['a % b * c', '((a % b) * c)'],
    ['2 ^ 3 ^ 2', '(2 ^ (3 ^ 2))'],
    ['-2 ^ 2', '(- (2 ^ 2))'],
    ['2 ^ -1', '(2 ^ (- 1))'],
    ['-a * b', '((- a) * b)'],
    ['a * -b', '(a * (- b))'],
    ['- -a', '(- (- a))'],
    ['a + b > c * d', '((a + b) > (c * d))'],
    ['a == b', '(a == b)'],
    ['a != b and c <= d', '((a != b) and (c <= d))'],
    ['a like "x" and b', '((a like "x") and b)'],
    ['a not like /x/ or b', '((a not like /x/) or b)'],
    ['a + 1 in [1, 2]', '((a + 1) in [1, 2])'],
    ['a not in [1] and b', '((a not in [1]) and b)'],
    ['a =~ /x/ or b', '((a =~ /x/) or b)'],
    ['(a or b) and c', '((a or b) and c)'],
    [
      '(eventName="StartInstances" or eventName="StopInstances") and awsRegion="us-east-2"',
      '(((eventName = "StartInstances") or (eventName = "StopInstances")) and (awsRegion = "us-east-2"))',
    ],
    ['a AND b OR NOT c', '((a and b) or (not c))'],
    [
      'toMillis(@timestamp) >= (now() * 1000 - 7200000)',
      '(toMillis(@timestamp) >= ((now() * 1000) - 7200000))',
    ],
  ])('%s', (text, expected) => {
    expect(shape(filterExpr(text))).toBe(expected);
  });

  test.each([
    ['a < b < c', 'chained_comparison'],
    ['a = b like "x"', 'chained_comparison'],
    ['a = not b', 'expected_expression'],
    ['a + not b', 'expected_expression'],
  ])('%s is rejected with %s', (text, code) => {
    expect(errorOf(`filter ${text}`).code).toBe(code);
  });
});

describe('expressions', () => {
  test('field references keep their path and text', () => {
    expect(stripSpans(filterExpr('annotations.`authorization.k8s.io/decision` = "allow"'))).toMatchObject({
      left: {
        kind: 'FieldRef',
        text: 'annotations.`authorization.k8s.io/decision`',
        path: [
          { kind: 'name', name: 'annotations' },
          { kind: 'name', name: 'authorization.k8s.io/decision' },
        ],
      },
    });
  });

  test('numbers keep their text', () => {
    expect(filterExpr('accountId=123456789012')).toMatchObject({
      right: { kind: 'NumberLit', value: 123456789012, text: '123456789012' },
    });
    expect(filterExpr('x = 99999999999999999999')).toMatchObject({ right: { text: '99999999999999999999' } });
  });

  test('periods are normalised', () => {
    expect(stripSpans(command('stats count() by bin(2hrs)'))).toMatchObject({
      groups: [
        {
          expr: {
            kind: 'CallExpr',
            name: 'bin',
            args: [{ kind: 'PeriodLit', amount: 2, unit: 'h', text: '2hrs' }],
          },
        },
      ],
    });
  });

  test('calls keep their spelling and star', () => {
    expect(stripSpans(command('STATS COUNT(*), count(), avg (f1)'))).toMatchObject({
      items: [
        { expr: { kind: 'CallExpr', name: 'COUNT', star: true, args: [] } },
        { expr: { kind: 'CallExpr', name: 'count', star: false, args: [] } },
        { expr: { kind: 'CallExpr', name: 'avg', args: [{ kind: 'FieldRef', text: 'f1' }] } },
      ],
    });
  });

  test('regex literals report (?i)', () => {
    expect(filterExpr('a like /(?i)x/')).toMatchObject({
      pattern: { kind: 'RegexLit', caseInsensitive: true },
    });
    expect(filterExpr('a like /^(?i)x/')).toMatchObject({ pattern: { caseInsensitive: true } });
    expect(filterExpr('a like /x(?i)/')).toMatchObject({ pattern: { caseInsensitive: false } });
  });

  test('true and false are booleans; backticked they are fields', () => {
    expect(filterExpr('TRUE')).toMatchObject({ kind: 'BoolLit', value: true });
    expect(filterExpr('`true`')).toMatchObject({ kind: 'FieldRef', path: [{ kind: 'name', name: 'true' }] });
  });

  test('a path after a call is an access', () => {
    expect(stripSpans(command('fields jsonParse(api.request.data).startTime as startTime'))).toMatchObject({
      items: [
        {
          expr: {
            kind: 'AccessExpr',
            object: { kind: 'CallExpr', name: 'jsonParse' },
            path: [{ kind: 'name', name: 'startTime' }],
          },
          alias: { name: 'startTime' },
        },
      ],
    });
    expect(filterExpr('split(a, ",")[0].x = 1')).toMatchObject({
      left: {
        kind: 'AccessExpr',
        path: [
          { kind: 'index', index: 0 },
          { kind: 'name', name: 'x' },
        ],
      },
    });
    expect(filterExpr('f(a).0.1 = 1')).toMatchObject({
      left: {
        kind: 'AccessExpr',
        path: [
          { kind: 'name', name: '0' },
          { kind: 'name', name: '1' },
        ],
      },
    });
  });

  test('regex versus divide is decided by the grammar', () => {
    expect(filterExpr('a / b / c')).toMatchObject({ kind: 'BinaryExpr', op: '/' });
    expect(filterExpr('a / /x/')).toMatchObject({
      kind: 'BinaryExpr',
      op: '/',
      right: { kind: 'RegexLit', pattern: 'x' },
    });
    expect(filterExpr('/x/')).toMatchObject({ kind: 'RegexLit' });
    expect(filterExpr('sum(a) / count(*) > 2')).toMatchObject({ left: { op: '/' } });
  });
});

describe('commands', () => {
  test.each([
    ['fields a', 'FieldsCommand'],
    ['display a', 'DisplayCommand'],
    ['filter a', 'FilterCommand'],
    ['where a', 'FilterCommand'],
    ['stats count()', 'StatsCommand'],
    ['sort a', 'SortCommand'],
    ['limit 1', 'LimitCommand'],
    ['head 1', 'LimitCommand'],
    ['tail 1', 'LimitCommand'],
    ['parse "*" as a', 'ParseCommand'],
    ['json field=a "b" as c', 'JsonCommand'],
    ['dedup a', 'DedupCommand'],
    ['unnest a into b', 'UnnestCommand'],
    ['filterIndex a = 1', 'FilterIndexCommand'],
    ['unmask', 'UnmaskCommand'],
    ['pattern @message', 'PatternCommand'],
    ['diff', 'DiffCommand'],
    ['anomaly', 'AnomalyCommand'],
    ['SOURCE logGroups()', 'SourceCommand'],
  ])('%s is a %s', (text, kind) => {
    expect(command(text).kind).toBe(kind);
    expect(command(text.toUpperCase().replace(/"[^"]*"/g, '"x*"')).kind).toBe(kind);
  });

  test('stats with by', () => {
    expect(stripSpans(command('stats count(*) as n, avg(x) by bin(5m) as t, host'))).toEqual({
      kind: 'StatsCommand',
      items: [
        {
          kind: 'Item',
          expr: { kind: 'CallExpr', name: 'count', args: [], star: true },
          alias: { kind: 'Identifier', name: 'n' },
        },
        {
          kind: 'Item',
          expr: {
            kind: 'CallExpr',
            name: 'avg',
            args: [{ kind: 'FieldRef', path: [{ kind: 'name', name: 'x' }], text: 'x' }],
            star: false,
          },
        },
      ],
      groups: [
        {
          kind: 'Item',
          expr: {
            kind: 'CallExpr',
            name: 'bin',
            args: [{ kind: 'PeriodLit', amount: 5, unit: 'm', text: '5m' }],
            star: false,
          },
          alias: { kind: 'Identifier', name: 't' },
        },
        { kind: 'Item', expr: { kind: 'FieldRef', path: [{ kind: 'name', name: 'host' }], text: 'host' } },
      ],
    });
  });

  test('sort keys record explicit directions only', () => {
    const cmd = command('sort by a desc, b, c ASC');
    expect(cmd.kind === 'SortCommand' && cmd.keys.map((k) => k.direction)).toEqual([
      'desc',
      undefined,
      'asc',
    ]);
  });

  test.each([
    ['limit 100', { count: 100, any: false, keyword: 'limit' }],
    ['limit any 1', { count: 1, any: true, keyword: 'limit' }],
    ['HEAD 5', { count: 5, any: false, keyword: 'head' }],
    ['tail 0', { count: 0, any: false, keyword: 'tail' }],
  ])('%s', (text, expected) => {
    expect(command(text)).toMatchObject(expected);
  });

  test.each([
    [
      'parse @message "[*] *" as level, msg',
      { field: { text: '@message' }, mode: { kind: 'ParseGlob', pattern: '[*] *' } },
    ],
    ["parse 'Init Duration: * ms' as d", { mode: { kind: 'ParseGlob', names: [{ name: 'd' }] } }],
    ['parse @message /(?<a>x)/', { mode: { kind: 'ParseRegex', names: [], multi: false } }],
    [
      'parse @message /(\\d+)/ as ip multi',
      { mode: { kind: 'ParseRegex', names: [{ name: 'ip' }], multi: true } },
    ],
    [
      'parse @message logfmt as lf',
      { field: { text: '@message' }, mode: { kind: 'ParseLogfmt', name: { name: 'lf' } } },
    ],
    ['parse logfmt as lf', { mode: { kind: 'ParseLogfmt' } }],
    ['parse logfmt "x=*" as v', { field: { text: 'logfmt' }, mode: { kind: 'ParseGlob' } }],
    [
      'parse msg csv as a, b',
      { field: { text: 'msg' }, mode: { kind: 'ParseCsv', names: [{ name: 'a' }, { name: 'b' }] } },
    ],
    ['parse csv as a', { mode: { kind: 'ParseCsv' } }],
  ])('%s', (text, expected) => {
    const cmd = command(text);
    expect(stripSpans(cmd)).toMatchObject(expected);
    if (!text.includes('@message') && !text.includes('msg') && !text.startsWith('parse logfmt "')) {
      expect(cmd).not.toHaveProperty('field');
    }
  });

  test.each([
    [
      'filterIndex IPaddress = "198.51.100.0"',
      { operator: '=', values: [{ kind: 'StringLit', value: '198.51.100.0' }] },
    ],
    ['filterIndex IPaddress in ["a", "b"]', { operator: 'in', values: [{ value: 'a' }, { value: 'b' }] }],
  ])('%s', (text, expected) => {
    expect(command(text)).toMatchObject(expected);
  });

  test('diff baselines are normalised', () => {
    expect(command('diff PREVIOUSDAY')).toMatchObject({ baseline: 'previousDay' });
    expect(command('diff')).not.toHaveProperty('baseline');
  });

  test('SOURCE with arguments and a window', () => {
    expect(
      stripSpans(command('SOURCE logGroups(namePrefix: ["a", "b"], class: ["STANDARD"]) START=1 END="2"')),
    ).toEqual({
      kind: 'SourceCommand',
      selectors: [
        {
          kind: 'LogGroupsSelector',
          args: [
            {
              kind: 'SourceArgument',
              name: 'namePrefix',
              values: [
                { kind: 'StringLit', value: 'a' },
                { kind: 'StringLit', value: 'b' },
              ],
            },
            { kind: 'SourceArgument', name: 'class', values: [{ kind: 'StringLit', value: 'STANDARD' }] },
          ],
        },
      ],
      start: { kind: 'NumberLit', value: 1, text: '1' },
      end: { kind: 'StringLit', value: '2' },
    });
  });

  test('command spans cover the command', () => {
    const text = 'fields a, b  | filter x = 1 # c\n| limit 5';
    const spans = parseQuery(text).commands.map((c) => text.slice(c.span.start, c.span.end));
    expect(spans).toEqual(['fields a, b', 'filter x = 1', 'limit 5']);
  });
});

describe('syntax errors', () => {
  test.each([
    ['', 'empty_query', 1, 1],
    ['# just a comment', 'empty_query', 1, 17],
    ['fields a |', 'expected_command', 1, 11],
    ['fields a | | limit 1', 'expected_command', 1, 12],
    ['| fields a', 'expected_command', 1, 1],
    ['fitler a', 'unknown_command', 1, 1],
    ['fields a\n| appendcols a', 'unexpected_token', 2, 14],
    ['appendcols max=0 (stats count(*))', 'invalid_argument', 1, 16],
    ['appendcols max=100001 (stats count(*))', 'invalid_argument', 1, 16],
    ['appendcols override=yes (stats count(*))', 'unexpected_token', 1, 21],
    ['appendcols (fields a | appendcols (fields b))', 'nested_subquery', 1, 35],
    ['fields a b', 'unexpected_token', 1, 10],
    ['fields a,', 'expected_expression', 1, 10],
    ['filter (a', 'unexpected_token', 1, 10],
    ['filter a = ', 'expected_expression', 1, 12],
    ['filter a = "x', 'unterminated_string', 1, 12],
    ['filter a like /x', 'unterminated_regex', 1, 15],
    ['filter a like x', 'unexpected_token', 1, 15],
    ['filter a like /x/i', 'unexpected_token', 1, 18],
    ['filter a =~ "x"', 'unexpected_token', 1, 13],
    ['filter a in 1', 'unexpected_token', 1, 13],
    ['filter `a', 'unterminated_name', 1, 8],
    ['filter a ! b', 'unexpected_character', 1, 10],
    ['filter 5x', 'invalid_number', 1, 8],
    ['limit', 'expected_integer', 1, 6],
    ['limit 1.5', 'expected_integer', 1, 7],
    ['limit -1', 'expected_integer', 1, 7],
    ['limit 99999999999999999999', 'expected_integer', 1, 7],
    ['fields a as', 'expected_name', 1, 12],
    ['fields a as by', 'expected_name', 1, 13],
    ['dedup', 'expected_name', 1, 6],
    ['unnest a b', 'unexpected_token', 1, 10],
    ['parse @message "* *" as a', 'parse_name_mismatch', 1, 16],
    ['parse', 'unexpected_token', 1, 6],
    ['fields a | SOURCE logGroups()', 'misplaced_source', 1, 12],
    ['diff yesterday', 'unexpected_token', 1, 6],
    ['filterIndex a > 1', 'unexpected_token', 1, 15],
    ['sort a desc desc', 'unexpected_token', 1, 13],
    ['stats count() by', 'expected_expression', 1, 17],
    ['filter f(a', 'unexpected_token', 1, 11],
    ['filter [1, 2', 'unexpected_token', 1, 13],
  ])('%j → %s at %d:%d', (text, code, line, column) => {
    const error = errorOf(text);
    expect({ code: error.code, line: error.line, column: error.column }).toEqual({ code, line, column });
  });

  test('unknown commands suggest close names', () => {
    expect(errorOf('fitler a').hints).toEqual(['did you mean filter?']);
    expect(errorOf('stat count()').hints).toEqual(['did you mean stats?']);
    expect(errorOf('xyzzy a').hints).toEqual([]);
  });

  test('the parser recovers at the next pipe and reports every broken stage', () => {
    const result = parseQueryWithDiagnostics(
      'fitler a | fields b | limit x | filter c like /a|b/ + | sort d',
    );
    expect(result.ast).toBeUndefined();
    expect(result.errors.map((e) => e.code)).toEqual([
      'unknown_command',
      'expected_integer',
      'expected_expression',
    ]);
  });

  test('recovery skips a regex containing a pipe', () => {
    const result = parseQueryWithDiagnostics('fields a b like /x|y/ | limit 1');
    expect(result.errors.map((e) => e.code)).toEqual(['unexpected_token']);
  });
});

describe('totality', () => {
  // The vendored examples, and where the shared folder exists the ones left out of the fixture too.
  const examples = [...vendoredExamples(), ...droppedExamples()].map((e) => e.query);

  const parsesOrThrowsQueryError = (text: string): void => {
    const result = parseQueryWithDiagnostics(text);
    expect(result.ast === undefined).toBe(result.errors.length > 0);
    try {
      parseQuery(text);
    } catch (e) {
      expect(e).toBeInstanceOf(QueryError);
      const q = e as QueryError;
      expect(q.span.start).toBeGreaterThanOrEqual(0);
      expect(q.span.end).toBeLessThanOrEqual(text.length);
      expect(q.span.start).toBeLessThanOrEqual(q.span.end);
      expect(typeof q.format()).toBe('string');
    }
  };

  propTest.prop([fc.string({ maxLength: 80 })], { numRuns: 2000 })('any string', parsesOrThrowsQueryError);
  propTest.prop([fc.string({ maxLength: 40, unit: 'binary' })], { numRuns: 500 })(
    'any unicode string',
    parsesOrThrowsQueryError,
  );

  const alphabet = fc.constantFrom(
    ...'|,()[]./\\*"\'`#@:=!<>~^%+- \n'.split(''),
    'and ',
    'not ',
    ' like ',
    ' in ',
    ' as ',
    'by ',
    '5m',
    '1e',
    'filter ',
    'stats ',
    'parse ',
    'x',
  );
  const mutation = fc.record({
    at: fc.nat(),
    remove: fc.nat({ max: 3 }),
    insert: fc.array(alphabet, { maxLength: 3 }).map((a) => a.join('')),
  });
  propTest.prop([fc.constantFrom(...examples), fc.array(mutation, { minLength: 1, maxLength: 4 })], {
    numRuns: 2000,
  })('mutated example queries', (query, mutations) => {
    let text = query;
    for (const m of mutations) {
      const at = m.at % (text.length + 1);
      text = text.slice(0, at) + m.insert + text.slice(at + m.remove);
    }
    parsesOrThrowsQueryError(text);
  });

  test.each([
    ['parentheses', '('.repeat(100_000)],
    ['lists', '['.repeat(100_000)],
    ['not', 'not '.repeat(50_000)],
    ['minus', '-'.repeat(100_000)],
    ['calls', 'f('.repeat(50_000)],
    ['an or-chain', `${'a or '.repeat(20_000)}a`],
    ['a power tower', `${'2 ^ '.repeat(20_000)}2`],
  ])('deep %s are rejected without exhausting the stack', (_name, body) => {
    expect(errorOf(`filter ${body}`).code).toBe('nesting_too_deep');
  });

  test(`nesting up to ${MAX_EXPRESSION_DEPTH / 2} parentheses parses and prints`, () => {
    const depth = MAX_EXPRESSION_DEPTH / 2 - 2;
    const ast = parseQuery(`filter ${'('.repeat(depth)}a + -b${')'.repeat(depth)} = 1`);
    expect(printExpression((ast.commands[0] as { expr: Expr }).expr)).toBe('a + -b = 1');
  });

  test('a long in-list is not a nesting problem', () => {
    const list = Array.from({ length: 20_000 }, (_, i) => `"v${i}"`).join(', ');
    expect(filterExpr(`verb in [${list}]`)).toMatchObject({ kind: 'InExpr' });
  });
});
