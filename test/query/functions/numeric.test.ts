import { describe, expect, test } from 'vitest';
import type { LogEvent } from '../../../src/log-event.js';
import {
  type ArithmeticOperator,
  applyArithmetic,
  arithmeticOperator,
  negate,
  roundHalfAwayFromZero,
} from '../../../src/query/functions/numeric.js';
import { compileQuery } from '../../../src/query/index.js';
import type { Value } from '../../../src/query/value.js';
import { call } from './helpers.js';

describe('arithmetic operators', () => {
  test.each<[ArithmeticOperator, Value, Value, Value]>([
    ['+', 1, 2, 3],
    ['-', 5, 7, -2],
    ['*', 4, 2.5, 10],
    ['/', 7, 2, 3.5],
    ['^', 2, 3, 8],
    ['%', 10, 3, 1],
    ['%', -10, 3, -1],
    ['+', '2', 3, 5],
    ['*', '1.5', '2', 3],
    ['+', true, 1, 2],
    ['-', new Date(5000), 1000, 4000],
    ['/', 1, 0, undefined],
    ['%', 1, 0, undefined],
    ['+', undefined, 1, undefined],
    ['+', null, 1, undefined],
    ['+', 'abc', 1, undefined],
    ['+', { a: 1 }, 1, undefined],
    ['+', [1], 1, undefined],
    ['^', 10, 400, undefined],
    ['+', 1e308, 1e308, undefined],
    ['*', -1e308, 10, undefined],
    ['-', -1e308, 1e308, undefined],
    ['/', 0, 0, undefined],
    ['^', 0, -1, undefined],
    ['+', '1e3', '-4', 996],
    ['+', ' 5', 1, undefined],
  ])('%j %s %j = %j', (op, a, b, expected) => {
    expect(applyArithmetic(op, a, b)).toBe(expected);
  });

  test('the query operators give what applyArithmetic gives (one implementation)', async () => {
    const samples: Value[] = [0, 1, -7, 2.5, 1e308, -1e308, '3', '1e3', ' 5', 'x', true, null, undefined];
    const events: LogEvent[] = [];
    for (const a of samples)
      for (const b of samples) {
        const record: Record<string, Value> = {};
        if (a !== undefined) record.a = a;
        if (b !== undefined) record.b = b;
        events.push({ timestamp: 0, message: '', kind: 'json', record, source: { file: 'mem' } });
      }
    for (const op of ['+', '-', '*', '/', '%', '^'] as const) {
      const { rows } = await compileQuery(`fields a ${op} b as r, -a as m`, {
        order: 'input',
        limit: 1000,
      }).run(events);
      const expected = samples.flatMap((a) => samples.map((b) => applyArithmetic(op, a, b)));
      expect(rows.map((r) => r.r)).toEqual(expected);
      expect(rows.map((r) => r.m)).toEqual(samples.flatMap((a) => samples.map(() => negate(a))));
      expect(arithmeticOperator(op)(1e308, 1e308)).toBe(applyArithmetic(op, 1e308, 1e308));
    }
  });

  test.each<[Value, Value]>([
    [5, -5],
    ['5', -5],
    [0, 0],
    ['x', undefined],
    [undefined, undefined],
  ])('negate(%j) = %j', (a, expected) => {
    expect(negate(a)).toBe(expected);
  });
});

describe('numeric functions', () => {
  test.each<[string, Value[], Value]>([
    ['abs', [-3], 3],
    ['abs', ['-2.5'], 2.5],
    ['abs', ['x'], undefined],
    ['ceil', [2.1], 3],
    ['ceil', [-2.1], -2],
    ['floor', [2.9], 2],
    ['floor', [-2.1], -3],
    ['log', [1], 0],
    ['log', [Math.E], 1],
    ['log', [0], undefined],
    ['log', [-1], undefined],
    ['sqrt', [16], 4],
    ['sqrt', [-1], undefined],
    ['greatest', [1, 7, 3], 7],
    ['greatest', [1, 'x', '9'], 9],
    ['greatest', ['x', undefined], undefined],
    ['least', [4, 2, 9], 2],
    ['least', [-1, '-5'], -5],
    ['round', [12.3456, 2], 12.35],
    ['round', [2.5], 3],
    ['round', [-2.5], -3],
    ['round', [1.005, 2], 1.01],
    ['round', [1234.5, -2], 1200],
    ['round', [0.1 + 0.2, 10], 0.3],
    ['round', ['x'], undefined],
    ['haversine', [0, 0, 0, 1], 111.19492664455873],
    ['haversine', [51.5007, -0.1246, 40.6892, -74.0445], 5574.840456848555],
    ['haversine', [0, 0, 'x', 1], undefined],
    ['toNumber', [' 42.5 '], 42.5],
    ['toNumber', ['1e3'], 1000],
    ['toNumber', ['12abc'], undefined],
    ['toNumber', [7], 7],
    ['toInt', ['42.9'], 42],
    ['toInt', ['-42.9'], -42],
    ['toInt', ['2147483647'], 2147483647],
    ['toInt', ['2147483648'], undefined],
    ['toLong', ['123456789012'], 123456789012],
    ['toLong', ['1e30'], undefined],
    ['toDouble', ['1.5'], 1.5],
    ['toDouble', [{ a: 1 }], undefined],
  ])('%s(%j) = %j', (name, args, expected) => {
    expect(call(name, ...args)).toBe(expected);
  });

  test('round uses the decimal representation', () => {
    expect(roundHalfAwayFromZero(1.255, 2)).toBe(1.26);
    expect(roundHalfAwayFromZero(1e-7, 8)).toBe(1e-7);
    expect(roundHalfAwayFromZero(1e300, 2)).toBe(1e300);
  });
});
