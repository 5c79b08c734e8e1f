import { describe, expect, test } from 'vitest';
import { createLexer, tokenize } from '../../src/query/lexer.js';
import { PERIOD_UNITS, type Token } from '../../src/query/tokens.js';

const kinds = (text: string): string[] => tokenize(text).map((t) => t.kind);
const first = (text: string): Token => tokenize(text)[0] as Token;

describe('token kinds', () => {
  test.each([
    ['fields', 'Name'],
    ['@message', 'Name'],
    ['`foo-bar`', 'Name'],
    ['42', 'Number'],
    ['5m', 'Period'],
    ['"s"', 'String'],
    ["'s'", 'String'],
    ['/re/', 'Regex'],
    ['|', 'Pipe'],
    [',', 'Comma'],
    ['(', 'LParen'],
    [')', 'RParen'],
    ['[', 'LBracket'],
    [']', 'RBracket'],
    ['.', 'Dot'],
    [':', 'Colon'],
    ['+', 'Plus'],
    ['-', 'Minus'],
    ['*', 'Star'],
    ['%', 'Percent'],
    ['^', 'Caret'],
    ['=', 'Eq'],
    ['==', 'EqEq'],
    ['!=', 'NotEq'],
    ['<', 'Lt'],
    ['<=', 'LtEq'],
    ['>', 'Gt'],
    ['>=', 'GtEq'],
    ['=~', 'Match'],
    ['', 'EOF'],
    ['$', 'Error'],
  ])('%j is %s', (text, kind) => {
    expect(first(text).kind).toBe(kind);
  });

  test('a slash after a value divides', () => {
    expect(kinds('a / 2')).toEqual(['Name', 'Slash', 'Number', 'EOF']);
  });
});

describe('names', () => {
  test.each([
    ['@timestamp', [{ kind: 'name', name: '@timestamp' }], 'timestamp'],
    [
      'objectRef.resource',
      [
        { kind: 'name', name: 'objectRef' },
        { kind: 'name', name: 'resource' },
      ],
      undefined,
    ],
    [
      'sourceIPs.0',
      [
        { kind: 'name', name: 'sourceIPs' },
        { kind: 'name', name: '0' },
      ],
      undefined,
    ],
    [
      'items.007',
      [
        { kind: 'name', name: 'items' },
        { kind: 'name', name: '007' },
      ],
      undefined,
    ],
    [
      'annotations.`authorization.k8s.io/decision`',
      [
        { kind: 'name', name: 'annotations' },
        { kind: 'name', name: 'authorization.k8s.io/decision' },
      ],
      undefined,
    ],
    [
      '@`aws.tag.aws:cloudformation:stack-name`',
      [{ kind: 'name', name: '@aws.tag.aws:cloudformation:stack-name' }],
      undefined,
    ],
    ['@@example', [{ kind: 'name', name: '@@example' }], undefined],
    [
      'json.users[1].action',
      [
        { kind: 'name', name: 'json' },
        { kind: 'name', name: 'users' },
        { kind: 'index', index: 1 },
        { kind: 'name', name: 'action' },
      ],
      undefined,
    ],
    ['`a\\`b\\\\c`', [{ kind: 'name', name: 'a`b\\c' }], undefined],
    ['FILTER', [{ kind: 'name', name: 'FILTER' }], 'filter'],
  ])('%s', (text, path, word) => {
    const tok = first(text);
    expect(tok.kind).toBe('Name');
    expect(tok.end).toBe(text.length);
    expect(tok.path).toEqual(path);
    expect(tok.word).toBe(word === 'timestamp' ? undefined : word);
  });

  test('a keyword never takes a bracket index', () => {
    expect(kinds('x in[1]')).toEqual(['Name', 'Name', 'LBracket', 'Number', 'RBracket', 'EOF']);
  });

  test('a trailing dot is its own token', () => {
    expect(kinds('a.')).toEqual(['Name', 'Dot', 'EOF']);
  });

  test('an unterminated backtick name is an error token', () => {
    expect(first('`abc').error?.code).toBe('unterminated_name');
    expect(first('`abc\n`').error?.code).toBe('unterminated_name');
  });
});

describe('numbers and periods', () => {
  test.each([
    ['0', 0],
    ['2000', 2000],
    ['0.5', 0.5],
    ['1e3', 1000],
    ['1.5E-3', 0.0015],
    ['2e+2', 200],
    ['123456789012', 123456789012],
  ])('%s is the number %d', (text, value) => {
    const tok = first(text);
    expect(tok.kind).toBe('Number');
    expect(tok.number).toBe(value);
    expect(tok.end).toBe(text.length);
  });

  const units = [...PERIOD_UNITS.entries()];
  test.each(units)('5%s is a period in unit %s', (spelling, unit) => {
    const tok = first(`5${spelling}`);
    expect(tok).toMatchObject({ kind: 'Period', number: 5, unit });
  });

  test.each([
    ['ms', 'ms'],
    ['msecs', 'ms'],
    ['milliseconds', 'ms'],
    ['secs', 's'],
    ['minutes', 'm'],
    ['hrs', 'h'],
    ['days', 'd'],
    ['weeks', 'w'],
    ['mon', 'mo'],
    ['months', 'mo'],
    ['qtrs', 'q'],
    ['quarters', 'q'],
    ['yrs', 'y'],
    ['years', 'y'],
  ])('the documented spelling %s means %s', (spelling, unit) => {
    expect(PERIOD_UNITS.get(spelling)).toBe(unit);
  });

  test('units ignore case', () => {
    expect(first('1H')).toMatchObject({ kind: 'Period', unit: 'h' });
  });

  test.each(['5x', '1e', '1e3m', '12abc', '3_'])('%s is an invalid number', (text) => {
    expect(first(text).error?.code).toBe('invalid_number');
  });
});

describe('strings', () => {
  test.each([
    ['"abc"', 'abc'],
    ["'abc'", 'abc'],
    ['"say \\"hi\\""', 'say "hi"'],
    ["'it\\'s'", "it's"],
    ['"a\\\\b"', 'a\\b'],
    ['"\\d+"', '\\d+'],
    ['"C:\\path"', 'C:\\path'],
    ['"it\'s"', "it's"],
    ['"line1\nline2"', 'line1\nline2'],
    ['"# not a comment"', '# not a comment'],
    ['"\\"userId\\": \\"*\\""', '"userId": "*"'],
  ])('%s decodes to %j', (text, value) => {
    const tok = first(text);
    expect(tok).toMatchObject({ kind: 'String', value, end: text.length });
  });

  test.each(['"abc', "'abc", '"abc\\"'])('%s is unterminated', (text) => {
    expect(first(text)).toMatchObject({
      kind: 'Error',
      start: 0,
      end: 1,
      error: { code: 'unterminated_string' },
    });
  });
});

describe('regexes', () => {
  test.each([
    ['/Exception/', 'Exception'],
    ['/\\/api\\/v1/', '\\/api\\/v1'],
    ['/[/]x/', '[/]x'],
    ['/[]/]/', '[]/]'],
    ['/(?i)error/', '(?i)error'],
    ['/a#b/', 'a#b'],
    ['/user=(?<u>.*?),\n    latency/', 'user=(?<u>.*?),\n    latency'],
    ['//', ''],
  ])('%s has the pattern %j', (text, pattern) => {
    const tok = first(text);
    expect(tok).toMatchObject({ kind: 'Regex', value: pattern, end: text.length });
  });

  test('an unterminated regex is an error at the slash', () => {
    expect(first('/abc')).toMatchObject({
      kind: 'Error',
      error: { code: 'unterminated_regex' },
      start: 0,
      end: 1,
    });
  });

  test.each([
    ['filter @message like /x/', ['Name', 'Name', 'Name', 'Regex', 'EOF']],
    ['a / b', ['Name', 'Slash', 'Name', 'EOF']],
    ['count(*) / 2', ['Name', 'LParen', 'Star', 'RParen', 'Slash', 'Number', 'EOF']],
    ['x =~ /a/', ['Name', 'Match', 'Regex', 'EOF']],
    ['(/a/)', ['LParen', 'Regex', 'RParen', 'EOF']],
    ['5m / 2', ['Period', 'Slash', 'Number', 'EOF']],
    ['"a" / 2', ['String', 'Slash', 'Number', 'EOF']],
    ['parse @message /a|b/', ['Name', 'Name', 'Regex', 'EOF']],
  ])('tokenize decides regex or divide: %s', (text, expected) => {
    expect(kinds(text)).toEqual(expected);
  });

  test('rescanRegex turns a slash into a regex and continues after it', () => {
    const lexer = createLexer('parse @message /a b/ as x');
    lexer.next();
    lexer.next();
    const slash = lexer.next();
    expect(slash.kind).toBe('Slash');
    expect(lexer.rescanRegex(slash)).toMatchObject({ kind: 'Regex', value: 'a b' });
    expect(lexer.next()).toMatchObject({ kind: 'Name', word: 'as' });
  });
});

describe('comments and whitespace', () => {
  test.each([
    ['# only a comment', ['EOF']],
    ['fields a # trailing', ['Name', 'Name', 'EOF']],
    ['    # | filter x\n| limit 2', ['Pipe', 'Name', 'Number', 'EOF']],
    ['a\r\n#c\r\nb', ['Name', 'Name', 'EOF']],
    ['"#x" #y', ['String', 'EOF']],
    ['`#x` #y', ['Name', 'EOF']],
    ['\u00a0\tlimit', ['Name', 'EOF']],
  ])('%j', (text, expected) => {
    expect(kinds(text)).toEqual(expected);
  });

  test('offsets point into the text', () => {
    const toks = tokenize('fields  @message');
    expect(toks.map((t) => [t.start, t.end])).toEqual([
      [0, 6],
      [8, 16],
      [16, 16],
    ]);
  });
});

describe('errors', () => {
  test.each([
    ['!', 'unexpected_character'],
    ['@', 'unexpected_character'],
    ['$x', 'unexpected_character'],
    ['é', 'unexpected_character'],
    ['😀', 'unexpected_character'],
  ])('%j is %s', (text, code) => {
    const tok = first(text);
    expect(tok.kind).toBe('Error');
    expect(tok.error?.code).toBe(code);
    expect(tok.end).toBeGreaterThan(tok.start);
  });
});
