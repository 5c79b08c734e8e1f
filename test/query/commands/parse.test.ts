import { describe, expect, test } from 'vitest';
import { globToRegex, parseCsvLine, parseLogfmt } from '../../../src/query/commands/parse.js';

describe('globToRegex', () => {
  test.each([
    ['[*] *', '(?s)\\[(.*?)\\] (.*)'],
    ['a=*;', '(?s)a=(.*?);'],
    ['*.*', '(?s)(.*?)\\.(.*)'],
    ['x', '(?s)x'],
  ])('%s', (glob, re) => {
    expect(globToRegex(glob)).toBe(re);
  });
});

describe('parseLogfmt', () => {
  test('pairs, quotes, escapes and bare keys', () => {
    expect({ ...parseLogfmt('a=1 b="x \\"y\\"" flag c=') }).toEqual({
      a: '1',
      b: 'x "y"',
      flag: 'true',
      c: '',
    });
  });
  test('__proto__ is an ordinary key', () => {
    const m = parseLogfmt('__proto__=x');
    expect(Object.hasOwn(m, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(m)).toBeNull();
  });
});

describe('parseCsvLine', () => {
  test.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['"a,b",c', ['a,b', 'c']],
    ['"say ""hi""",', ['say "hi"', '']],
    ['', ['']],
  ])('%s', (line, fields) => {
    expect(parseCsvLine(line)).toEqual(fields);
  });
});
