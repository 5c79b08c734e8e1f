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
});
