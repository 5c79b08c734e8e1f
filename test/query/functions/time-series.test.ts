import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { lookupFunction } from '../../../src/query/functions/registry.js';
import type { AggregateFunctionDef, Arg } from '../../../src/query/functions/types.js';

const PERIOD: Arg = { kind: 'Period', amount: 1, unit: 's' };

function def(name: string): AggregateFunctionDef {
  const f = lookupFunction(name);
  if (f?.kind !== 'aggregate') throw new TypeError(`${name} is not an aggregate`);
  return f;
}

const rowsArb = fc.array(
  fc.record({
    ts: fc.integer({ min: 0, max: 100_000 }),
    v: fc.oneof(
      fc.integer({ min: -1000, max: 1000 }),
      fc.constant(null),
      fc.constant('x'),
      fc.constant(undefined),
    ),
  }),
  { maxLength: 40 },
);

const cases: [string, Arg[]][] = [
  ['count_over_time', []],
  ['sum_over_time', []],
  ['rate', [undefined, PERIOD]],
  ['histogram', [undefined, 4]],
];

describe('time-series aggregates', () => {
  test.each(cases)('%s: any split and merge order gives the one-pass result', (name, constants) => {
    const f = def(name);
    fc.assert(
      fc.property(rowsArb, fc.nat(), (rows, cut) => {
        const whole = f.create(constants);
        for (const r of rows) whole.add([r.v as Arg, ...constants.slice(1)], { timestamp: r.ts });
        const at = rows.length === 0 ? 0 : cut % (rows.length + 1);
        const a = f.create(constants);
        const b = f.create(constants);
        for (const r of rows.slice(0, at)) a.add([r.v as Arg], { timestamp: r.ts });
        for (const r of rows.slice(at)) b.add([r.v as Arg], { timestamp: r.ts });
        b.merge(f.restore(a.snapshot(), constants));
        expect(b.result()).toEqual(whole.result());
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  test('histogram counts add up to the numeric values', () => {
    const f = def('histogram');
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), { minLength: 1 }),
        fc.integer({ min: 1, max: 20 }),
        (xs, n) => {
          const acc = f.create([undefined, n]);
          for (const x of xs) acc.add([x], { timestamp: 0 });
          const map = acc.result() as Record<string, number>;
          expect(Object.values(map).reduce((s, c) => s + c, 0)).toBe(xs.length);
        },
      ),
      { seed: 7 },
    );
  });

  test('rate of a linear series is its slope per interval', () => {
    const f = def('rate');
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 2, max: 30 }), (slope, n) => {
        const acc = f.create([undefined, PERIOD]);
        for (let i = 0; i < n; i++) acc.add([100 + slope * i], { timestamp: i * 1000 });
        expect(acc.result()).toBeCloseTo(slope, 9);
      }),
      { seed: 11 },
    );
  });
});
