import { describe, expect, test } from 'vitest';
import type { Value } from '../../../src/query/value.js';
import { call } from './helpers.js';

describe('JSON functions', () => {
  test.each<[string, Value[], Value]>([
    ['jsonParse', ['{"user":{"id":7}}'], { user: { id: 7 } }],
    ['jsonParse', [' [1, "a"] '], [1, 'a']],
    ['jsonParse', ['42'], undefined],
    ['jsonParse', ['"s"'], undefined],
    ['jsonParse', ['{bad'], undefined],
    ['jsonParse', [undefined], undefined],
    ['jsonParse', [{ a: 1 }], { a: 1 }],
    ['jsonStringify', [{ a: [1, 2] }], '{"a":[1,2]}'],
    ['jsonStringify', [['x', null, true]], '["x",null,true]'],
    ['jsonStringify', ['abc'], undefined],
    ['jsonArraySize', ['["a","b"]'], 2],
    ['jsonArraySize', [[1, 2, 3]], 3],
    ['jsonArraySize', ['[]'], 0],
    ['jsonArraySize', ['{"a":1}'], undefined],
    ['jsonArraySize', ['nope'], undefined],
    ['jsonArrayContains', ['["a","b"]', 'b'], true],
    ['jsonArrayContains', ['["a","b"]', 'B'], false],
    ['jsonArrayContains', ['[1,2]', 2], true],
    ['jsonArrayContains', ['[1,2]', '2'], true],
    ['jsonArrayContains', ['[]', 'a'], false],
    ['jsonArrayContains', ['{"a":1}', 'a'], false],
    ['jsonArrayContains', ['[bad', 'a'], false],
    ['jsonArrayContains', [['x'], 'x'], true],
  ])('%s(%j) = %j', (name, args, expected) => {
    expect(call(name, ...args)).toEqual(expected);
  });

  test('__proto__ and constructor in JSON are ordinary keys', () => {
    const parsed = call('jsonParse', '{"__proto__":{"polluted":1},"constructor":"c"}') as Record<
      string,
      Value
    >;
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true);
    expect(parsed.constructor).toBe('c');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(call('jsonStringify', parsed)).toBe('{"__proto__":{"polluted":1},"constructor":"c"}');
  });
});
