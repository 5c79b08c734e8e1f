import { describe, expect, test } from 'vitest';
import type { Arg } from '../../../src/query/functions/types.js';
import { compileUserRegex } from '../../../src/query/regex.js';
import type { Value } from '../../../src/query/value.js';
import { call } from './helpers.js';

const regex = (source: string) => ({ kind: 'Regex', regex: compileUserRegex(source) }) as const;

describe('string functions', () => {
  test.each<[string, Arg[], Value]>([
    // AWS function-table examples
    ['ltrim', ['xyZxyfooxyZ', 'xyZ'], 'fooxyZ'],
    ['rtrim', ['xyZfooxyxyZ', 'xyZ'], 'xyZfoo'],
    ['trim', ['xyZxyfooxyxyZ', 'xyZ'], 'foo'],
    ['substr', ['xyZfooxyZ', 3, 3], 'foo'],
    ['replace', ['foo', 'o', '0'], 'f00'],
    ['hexToDec', ['0xff'], 255],
    ['decToHex', [255], '0xff'],
    // more
    ['isempty', [''], 1],
    ['isempty', [undefined], 1],
    ['isempty', [null], 1],
    ['isempty', [' '], 0],
    ['isempty', [0], 0],
    ['isempty', [{ a: 1 }], 1],
    ['isblank', ['  \t'], 1],
    ['isblank', [undefined], 1],
    ['isblank', [' x '], 0],
    ['concat', ['a', '-', 1], 'a-1'],
    ['concat', ['Op', '-', undefined], 'Op-'],
    ['concat', [undefined, null], undefined],
    ['concat', [true, new Date(0)], 'true1970-01-01 00:00:00.000'],
    ['ltrim', ['  a  '], 'a  '],
    ['rtrim', ['  a  '], '  a'],
    ['trim', ['\t a \n'], 'a'],
    ['trim', [undefined], undefined],
    ['trim', ['xax', undefined], undefined],
    ['strlen', ['héllo'], 5],
    ['strlen', ['😀'], 1],
    ['strlen', [12345], 5],
    ['strlen', [undefined], undefined],
    ['strlen', [[1, 2]], undefined],
    ['toupper', ['abc'], 'ABC'],
    ['tolower', ['ABC'], 'abc'],
    ['toupper', [undefined], undefined],
    ['substr', ['abcdef', 2], 'cdef'],
    ['substr', ['abcdef', 10], ''],
    ['substr', ['abcdef', -2, 2], 'ab'],
    ['substr', ['abcdef', 1, 0], ''],
    ['substr', ['a😀b', 1, 1], '😀'],
    ['replace', ['a.b.c', '.', '-'], 'a-b-c'],
    ['replace', ['abc', '', 'x'], 'abc'],
    ['replace', ['a$b', '$', '$$'], 'a$$b'],
    ['regexReplace', ['a1b22', regex('[0-9]+'), '#'], 'a#b#'],
    ['regexReplace', ['a1b22', '[0-9]+', '#'], 'a#b#'],
    ['regexReplace', ['john smith', regex('(\\w+) (\\w+)'), '$2 $1'], 'smith john'],
    ['regexReplace', ['x', '(', 'y'], undefined],
    ['strcontains', ['Kubernetes-Admin', 'Admin'], 1],
    ['strcontains', ['Kubernetes-Admin', 'admin'], 0],
    ['strcontains', ['Kubernetes-Admin', 'admin', true], 1],
    ['strcontains', [undefined, 'a'], 0],
    ['startsWith', ['kube-apiserver', 'kube'], 1],
    ['startsWith', ['kube-apiserver', 'Kube'], 0],
    ['endsWith', ['audit.log', '.log'], 1],
    ['endsWith', ['audit.log', '.txt'], 0],
    ['endsWith', [undefined, '.txt'], 0],
    ['urlencode', ['a b/c?d=é'], 'a+b%2Fc%3Fd%3D%C3%A9'],
    ['urlencode', ['A-z_0.9*~'], 'A-z_0.9*%7E'],
    ['urldecode', ['a+b%2Fc%3Fd%3D%C3%A9'], 'a b/c?d=é'],
    ['urldecode', ['%zz'], undefined],
    ['urldecode', ['%ff'], undefined],
    ['base64encode', ['hello'], 'aGVsbG8='],
    ['base64encode', ['é'], 'w6k='],
    ['base64decode', ['aGVsbG8='], 'hello'],
    ['base64decode', ['aGVsbG8'], 'hello'],
    ['base64decode', ['w6k='], 'é'],
    ['base64decode', ['!!!'], undefined],
    ['split', ['a,b,c', ','], ['a', 'b', 'c']],
    ['split', ['abc', ''], ['a', 'b', 'c']],
    ['split', ['abc', ','], ['abc']],
    ['split', [undefined, ','], undefined],
    ['hexToAscii', ['48656c6c6f'], 'Hello'],
    ['hexToAscii', ['0x48656c6c6f'], 'Hello'],
    ['hexToAscii', ['4865f'], undefined],
    ['hexToAscii', ['zz'], undefined],
    ['hexToDec', ['FF'], 255],
    ['hexToDec', ['-0x10'], -16],
    ['hexToDec', ['0xg'], undefined],
    ['decToHex', [-255], '-0xff'],
    ['decToHex', [255.9], '0xff'],
    ['decToHex', ['16'], '0x10'],
    ['decToHex', ['x'], undefined],
    ['unmask', ['abc'], 'abc'],
    ['unmask', [5], 5],
  ])('%s(%j) = %j', (name, args, expected) => {
    expect(call(name, ...args)).toEqual(expected);
  });
});

describe('hostile input', () => {
  test('regexReplace runs in linear time on a catastrophic-backtracking pattern', () => {
    const line = `${'a'.repeat(100_000)}!`;
    expect(call('regexReplace', line, regex('(a+)+$'), 'x')).toBe(line);
    expect(call('regexReplace', line, '(a|aa)+!', 'x')).toBe('x');
  });

  test('string functions handle a megabyte line', () => {
    const line = 'ab'.repeat(500_000);
    expect(call('strlen', line)).toBe(1_000_000);
    expect(call('trim', line, 'ab')).toBe('');
    expect((call('split', line, 'b') as string[]).length).toBe(500_001);
    expect(call('replace', line, 'ab', '')).toBe('');
  });
});
