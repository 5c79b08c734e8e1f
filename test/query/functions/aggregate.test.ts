import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { AGGREGATE_FUNCTIONS, FUNCTION_ERROR_CODES } from '../../../src/query/functions/aggregate.js';
import { lookupFunction } from '../../../src/query/functions/registry.js';
import type { Arg } from '../../../src/query/functions/types.js';
import type { Value } from '../../../src/query/value.js';
import { accumulator, aggregate } from './helpers.js';

describe('aggregates', () => {
  test.each<[string, Value[], Value[], Value]>([
    ['avg', [1, 2, 4], [], 2.3333333333333335],
    ['avg', ['10', 20, 'x', undefined], [], 15],
    ['avg', [], [], undefined],
    ['avg', [0.1, 0.2, 0.3], [], 0.2],
    ['sum', [1, 2, 4], [], 7],
    ['sum', [0.1, 0.2], [], 0.30000000000000004],
    ['sum', [1e16, 1, -1e16], [], 1],
    ['sum', ['12.5', '7.5'], [], 20],
    ['sum', ['x'], [], undefined],
    ['count_distinct', ['a', 'b', 'a', undefined, null], [], 2],
    ['count_distinct', [401, '401', 403], [], 2],
    ['count_distinct', [], [], 0],
    ['max', [3, '10', 2], [], '10'],
    ['max', [3, 'zzz', 2], [], 3],
    ['max', ['apple', 'banana'], [], 'banana'],
    ['max', [undefined, null], [], undefined],
    ['min', [3, '10', 2], [], 2],
    ['min', ['b', 'a10', 'a9'], [], 'a9'],
    ['max', [new Date(5), new Date(9)], [], new Date(9)],
    ['pct', [1, 2, 3, 4], [50], 2],
    ['pct', [1, 2, 3, 4], [75], 3],
    ['pct', [1, 2, 3, 4], [100], 4],
    ['pct', [1, 2, 3, 4], [0], 1],
    ['pct', [5, 1, 4, 2, 3, 10, 9, 8, 7, 6], [90], 9],
    ['pct', [5, 1, 4, 2, 3, 10, 9, 8, 7, 6], [99], 10],
    ['pct', [], [50], undefined],
    ['stddev', [2, 4, 4, 4, 5, 5, 7, 9], [], 2.138089935299395],
    ['stddev', [1e9, 1e9 + 1, 1e9 + 2], [], 1],
    // exact over the binary values of 0.1, 0.2 and 0.3 (0.1 - 2^-56 is nearer than 0.1)
    ['stddev', [0.1, 0.2, 0.3], [], 0.09999999999999999],
    ['stddev', [5], [], undefined],
    ['stddev', [3, 3, 3], [], 0],
    ['sortsFirst', ['b', 'a', '10'], [], 'a'],
    ['sortsLast', ['b', 'a', '10'], [], '10'],
    ['sortsFirst', [undefined, 'x'], [], 'x'],
  ])('%s(%j, %j) = %j', (name, values, extra, expected) => {
    expect(aggregate(name, values, extra)).toEqual(expected);
  });

  test('count(*), count() and count(field)', () => {
    const star = accumulator('count', [{ kind: 'Star' }]);
    const none = accumulator('count');
    const field = accumulator('count', [undefined]);
    for (const v of ['a', undefined, null, 0, '']) {
      star.add([{ kind: 'Star' }], { timestamp: 0 });
      none.add([], { timestamp: 0 });
      field.add([v], { timestamp: 0 });
    }
    expect([star.result(), none.result(), field.result()]).toEqual([5, 5, 3]);
  });

  test('earliest and latest use @timestamp, skip rows without the field, break ties by sort order', () => {
    expect(aggregate('earliest', ['b', 'a', undefined], [], [20, 10, 5])).toBe('a');
    expect(aggregate('latest', ['b', 'a', undefined], [], [20, 10, 30])).toBe('b');
    expect(aggregate('earliest', ['b', 'a'], [], [10, 10])).toBe('a');
    expect(aggregate('latest', ['b', 'a'], [], [10, 10])).toBe('b');
    expect(aggregate('latest', ['x'], [], [])).toBeUndefined();
  });

  test('pct validates its percent', () => {
    const pct = lookupFunction('pct');
    expect(pct?.validate?.([undefined, 101])).toMatch(/0 to 100/);
    expect(pct?.validate?.([undefined, 'x'])).toMatch(/0 to 100/);
    expect(pct?.validate?.([undefined, 99.5])).toBeUndefined();
    expect(Object.keys(FUNCTION_ERROR_CODES)).toEqual(['invalid_argument']);
  });

  test('snapshots survive structuredClone and JSON', () => {
    for (const def of AGGREGATE_FUNCTIONS) {
      const constants: Arg[] = def.name === 'pct' ? [undefined, 50] : [undefined];
      const acc = def.create(constants);
      [1.5, '2', 'x', 7].forEach((v, i) => {
        acc.add(def.name === 'pct' ? [v, 50] : [v], { timestamp: i });
      });
      const viaClone = def.restore(structuredClone(acc.snapshot()), constants);
      expect(viaClone.result()).toEqual(acc.result());
      const viaJson = def.restore(JSON.parse(JSON.stringify(acc.snapshot())), constants);
      expect(viaJson.result()).toEqual(acc.result());
      expect(def.restore('garbage', constants).result()).toEqual(def.create(constants).result());
    }
  });
});

const valueArb: fc.Arbitrary<Value> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }),
  fc.constantFrom('a', 'b', '10', '2.5', 'x9', '', 'Z'),
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
);
const rowArb = fc.tuple(valueArb, fc.integer({ min: 0, max: 50 }));

describe('merge is exact for every aggregate', () => {
  for (const def of AGGREGATE_FUNCTIONS) {
    test(`${def.name}: merge(a, b) equals accumulating a ++ b`, () => {
      fc.assert(
        fc.property(fc.array(rowArb, { maxLength: 30 }), fc.array(rowArb, { maxLength: 30 }), (xs, ys) => {
          const extra: Arg[] = def.name === 'pct' ? [37] : [];
          const constants: Arg[] = [undefined, ...extra];
          const feed = (rows: [Value, number][]) => {
            const acc = def.create(constants);
            for (const [v, ts] of rows) acc.add([v, ...extra], { timestamp: ts });
            return acc;
          };
          const a = feed(xs);
          const b = feed(ys);
          a.merge(b);
          const whole = feed([...xs, ...ys]);
          const reversed = feed([...ys, ...xs].reverse());
          expect(a.result()).toEqual(whole.result());
          expect(reversed.result()).toEqual(whole.result());
        }),
        { numRuns: 150, seed: 42 },
      );
    });
  }

  test('-0 and +0 tie in the sort order: max and sortsLast pick +0, min and sortsFirst -0, in any order', () => {
    const pick = (name: string, values: Value[]) => aggregate(name, values, []);
    for (const order of [
      [0, -0],
      [-0, 0],
    ]) {
      expect(Object.is(pick('max', order), 0), `max ${order.map(String)}`).toBe(true);
      expect(Object.is(pick('sortsLast', order), 0)).toBe(true);
      expect(Object.is(pick('min', order), -0), `min ${order.map(String)}`).toBe(true);
      expect(Object.is(pick('sortsFirst', order), -0)).toBe(true);
      // merged either way round
      const [x, y] = order as [number, number];
      const a = accumulator('max');
      a.add([x], { timestamp: 0 });
      const b = accumulator('max');
      b.add([y], { timestamp: 0 });
      a.merge(b);
      expect(Object.is(a.result(), 0)).toBe(true);
    }
  });
});
