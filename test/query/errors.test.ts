import { describe, expect, test } from 'vitest';
import { isKubetrailError, KubetrailError } from '../../src/errors.js';
import { checkQuery } from '../../src/query/check.js';
import { formatCodeFrame } from '../../src/query/code-frame.js';
import { didYouMean, isQueryError, QUERY_ERROR_CODES, QueryError } from '../../src/query/errors.js';
import { parseQuery } from '../../src/query/parser.js';
import { createSourceText } from '../../src/query/source-text.js';

const errorOf = (text: string): QueryError => {
  try {
    parseQuery(text);
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
  throw new Error(`parsed: ${text}`);
};

describe('QueryError', () => {
  test('is a KubetrailError with a stable code, phase, span, position and hints', () => {
    const e = errorOf('fields a\n| fitler b');
    expect(e).toBeInstanceOf(KubetrailError);
    expect(isKubetrailError(e)).toBe(true);
    expect(isQueryError(e)).toBe(true);
    expect(e.name).toBe('QueryError');
    expect(e.code).toBe('unknown_command');
    expect(e.phase).toBe('parse');
    expect(e.span).toEqual({ start: 11, end: 17 });
    expect([e.line, e.column]).toEqual([2, 3]);
    expect(e.hints).toEqual(['did you mean filter?']);
    expect(e.message).toBe('unknown command "fitler"');
  });

  test('lexical errors have the lex phase', () => {
    expect(errorOf('filter a = "x').phase).toBe('lex');
  });

  test('isQueryError rejects look-alikes', () => {
    expect(isQueryError(new Error('x'))).toBe(false);
    expect(isQueryError(new KubetrailError('unexpected_token', 'x'))).toBe(false);
    expect(isQueryError({ name: 'QueryError', code: 'nope', isKubetrailError: true })).toBe(false);
  });

  test('every code is snake_case and described', () => {
    for (const [code, description] of Object.entries(QUERY_ERROR_CODES)) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(description.length).toBeGreaterThan(10);
    }
  });

  test('the cause is kept', () => {
    const cause = new Error('inner');
    const e = new QueryError({
      code: 'invalid_regex',
      message: 'bad',
      phase: 'compile',
      span: { start: 0, end: 1 },
      source: 'x',
      cause,
    });
    expect(e.cause).toBe(cause);
  });
});

describe('code frames', () => {
  test('unknown command with a hint, on the second line', () => {
    expect(errorOf('fields @timestamp\n| fitler verb = "delete"').format()).toMatchInlineSnapshot(`
      "error[unknown_command]: unknown command "fitler"
       --> query:2:3
        |
      1 | fields @timestamp
      2 | | fitler verb = "delete"
        |   ^^^^^^
        = help: did you mean filter?"
    `);
  });

  test('unexpected token in a multi-line query', () => {
    const query = [
      'fields @timestamp, remoteIP, method, status',
      '| filter status="200" and referrer= http://34.250.27.141/ and method= "GET"',
      '| stats count_distinct(remoteIP) as UniqueVisits',
      '| limit 10',
    ].join('\n');
    expect(errorOf(query).format()).toMatchInlineSnapshot(`
      "error[unexpected_token]: expected "|" or end of query, found ":"
       --> query:2:41
        |
      1 | fields @timestamp, remoteIP, method, status
      2 | | filter status="200" and referrer= http://34.250.27.141/ and method= "GET"
        |                                         ^"
    `);
  });

  test('unterminated string points at the opening quote', () => {
    expect(errorOf('filter verb = "delete | limit 5').format()).toMatchInlineSnapshot(`
      "error[unterminated_string]: string has no closing quote
       --> query:1:15
        |
      1 | filter verb = "delete | limit 5
        |               ^"
    `);
  });

  test('unterminated regex on a later line, after a tab', () => {
    expect(errorOf('fields a\n|\tfilter b like /abc\n').format()).toMatchInlineSnapshot(`
      "error[unterminated_regex]: regex has no closing "/"
       --> query:2:17
        |
      1 | fields a
      2 | |	filter b like /abc
        |  	              ^"
    `);
  });

  test('expected expression at the end of the query', () => {
    expect(errorOf('stats count() by').format()).toMatchInlineSnapshot(`
      "error[expected_expression]: expected an expression, found end of query
       --> query:1:17
        |
      1 | stats count() by
        |                 ^"
    `);
  });

  test('parse name mismatch spans the pattern and names', () => {
    expect(errorOf('parse @message "* [*] *" as a, b').format()).toMatchInlineSnapshot(`
      "error[parse_name_mismatch]: the pattern has 3 "*" wildcards but 2 names follow "as"
       --> query:1:16
        |
      1 | parse @message "* [*] *" as a, b
        |                ^^^^^^^^^^^^^^^^^"
    `);
  });

  test('a span across lines is marked on each line', () => {
    const source = createSourceText('filter a\n  and b\n  and c | limit 1');
    expect(
      formatCodeFrame({
        source,
        span: { start: 7, end: 23 },
        title: 'error[x]: spans lines',
        hints: ['one', 'two'],
      }),
    ).toMatchInlineSnapshot(`
      "error[x]: spans lines
       --> query:1:8
        |
      1 | filter a
        |        ^
      2 |   and b
        | ^^^^^^^
      3 |   and c | limit 1
        | ^^^^^^
        = help: one
        = help: two"
    `);
  });

  test('nesting too deep keeps the frame small', () => {
    const e = errorOf(`filter ${'('.repeat(600)}a`);
    expect(e.code).toBe('nesting_too_deep');
    expect(e.format().split('\n')).toHaveLength(5);
  });

  test('colour is opt-in', () => {
    const e = errorOf('fitler a');
    expect(e.format()).not.toContain('\u001b[');
    expect(e.format({ color: true })).toContain('\u001b[31;1m^^^^^^\u001b[0m');
  });
});

describe('source text', () => {
  test.each([
    [0, 1, 1],
    [3, 1, 4],
    [4, 2, 1],
    [6, 2, 3],
    [7, 3, 1],
    [9, 4, 1],
    [10, 4, 2],
    [99, 4, 2],
    [-5, 1, 1],
  ])('offset %d is %d:%d', (offset, line, column) => {
    expect(createSourceText('abc\nd\r\ne\rf').position(offset)).toEqual({ line, column });
  });

  test('texts wrapped in turn keep their own positions (the line map of the last text is shared, not mixed up)', () => {
    const a = createSourceText('ab\ncd');
    const b = createSourceText('x\ny\nz');
    const a2 = createSourceText('ab\ncd');
    expect(a.position(3)).toEqual({ line: 2, column: 1 });
    expect(b.position(4)).toEqual({ line: 3, column: 1 });
    expect(a2.position(4)).toEqual({ line: 2, column: 2 });
    expect(b.lineCount).toBe(3);
    expect(a.lineCount).toBe(2);
  });

  test('many warnings over one long query each point at their own line (issue 16: one line map for all)', () => {
    const n = 3000;
    const text = `stats count(*) by verb${'\n| filter x = 1'.repeat(n)}`;
    const diagnostics = checkQuery(text);
    expect(diagnostics).toHaveLength(n);
    expect(
      diagnostics.every(
        (d, i) => d.code === 'unknown_field_after_stats' && d.line === i + 2 && d.column === 10,
      ),
    ).toBe(true);
  });

  test('line texts and counts', () => {
    const s = createSourceText('abc\nd\r\ne\rf');
    expect(s.lineCount).toBe(4);
    expect([1, 2, 3, 4].map((l) => s.lineText(l))).toEqual(['abc', 'd', 'e', 'f']);
    expect(s.lineStart(3)).toBe(7);
  });
});

describe('didYouMean', () => {
  test.each([
    ['strln', ['strlen', 'substr', 'trim'], ['strlen']],
    ['STRLEN', ['strlen'], []],
    ['fitler', ['filter', 'fields'], ['filter']],
    ['cout', ['count', 'sort'], ['count']],
    ['x', ['y', 'z'], ['y', 'z']],
    ['completelydifferent', ['filter'], []],
  ])('%s', (name, candidates, expected) => {
    expect(didYouMean(name, candidates)).toEqual(expected);
  });
});
