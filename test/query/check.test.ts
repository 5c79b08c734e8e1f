import { describe, expect, test } from 'vitest';
import { checkQuery } from '../../src/query/check.js';

describe('checkQuery', () => {
  test('a valid query has no diagnostics', () => {
    expect(checkQuery('fields @timestamp, @message | sort @timestamp desc | limit 20')).toEqual([]);
  });

  test('reports every syntax error with positions and hints, without throwing', () => {
    const diagnostics = checkQuery('fitler a\n| limit x\n| filter b = "open');
    expect(diagnostics).toEqual([
      {
        code: 'unknown_command',
        message: 'unknown command "fitler"',
        severity: 'error',
        phase: 'parse',
        span: { start: 0, end: 6 },
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 7,
        hints: ['did you mean filter?'],
      },
      {
        code: 'expected_integer',
        message: 'expected a whole number after limit, found name "x"',
        severity: 'error',
        phase: 'parse',
        span: { start: 17, end: 18 },
        line: 2,
        column: 9,
        endLine: 2,
        endColumn: 10,
        hints: [],
      },
      {
        code: 'unterminated_string',
        message: 'string has no closing quote',
        severity: 'error',
        phase: 'lex',
        span: { start: 32, end: 33 },
        line: 3,
        column: 14,
        endLine: 3,
        endColumn: 15,
        hints: [],
      },
    ]);
  });

  test('relative SOURCE bounds are valid without a now (the logcompare page example)', () => {
    expect(checkQuery('SOURCE lg start=-1d end=now | logcompare timeshift 7d')).toEqual([]);
    expect(checkQuery('SOURCE "g" START="-3600s" | fields @message')).toEqual([]);
  });

  test('reports a compile error once the syntax is valid', () => {
    const diagnostics = checkQuery('fields a | dedup a | sort a');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ phase: 'compile', code: 'command_after_dedup', line: 1 });
  });

  test.each(['', '(((', '"', '`', '/', '| |', 'filter a like /x/i', '\u0000', 'SOURCE'])(
    'never throws on %j',
    (text) => {
      expect(checkQuery(text).length).toBeGreaterThan(0);
    },
  );

  test('a sort by a field that stats does not produce is a warning, and the query still compiles', () => {
    const diagnostics = checkQuery('stats count(*) as n by verb\n| sort nothere desc');
    expect(diagnostics.map((d) => [d.severity, d.code, d.line, d.column])).toEqual([
      ['warning', 'unknown_field_after_stats', 2, 8],
    ]);
  });

  test('a filter the planner moves before a stats is checked where it was written: a warning', () => {
    const diagnostics = checkQuery('stats count(*) as n by verb\n| filter verbb = "get"');
    expect(diagnostics.map((d) => [d.severity, d.code, d.line, d.column])).toEqual([
      ['warning', 'unknown_field_after_stats', 2, 10],
    ]);
    expect(checkQuery('stats count(*) as n by verb | filter verb = "get"')).toEqual([]);
  });

  test('a filter by such a field stays an error', () => {
    expect(checkQuery('stats count(*) as n by verb | display nothere').map((d) => d.severity)).toEqual([
      'error',
    ]);
  });

  test('sort or limit before the second stats is an error at the command', () => {
    const d = checkQuery('stats count(*) as n by a, b | limit 5 | stats max(n) by a');
    expect(d.map((x) => [x.severity, x.code, x.line, x.column])).toEqual([
      ['error', 'command_before_stats', 1, 31],
    ]);
  });

  test('an aliased aggregate is readable by its own text', () => {
    expect(
      checkQuery('stats sum(x) as sum_x by y, z | stats max(sum_x) as max_x by z | sort `max(sum_x)`'),
    ).toEqual([]);
  });
});
