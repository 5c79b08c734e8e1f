import { describe, expect, test } from 'vitest';
import { checkQuery, compileQuery, parseQuery } from '../../src/query/index.js';

// Issue 16, F6: parse, check and compile are linear in the number of fields and stages. No clock here:
// the work is counted as the elements that array scans and copies touch (includes, indexOf, some, slice,
// splice, map, filter, …: each call adds the array's length), which a quadratic pass multiplies by n.

const fieldsQuery = (n: number): string =>
  `fields ${Array.from({ length: n }, (_, i) => `f${i}`).join(', ')}`;
const filtersQuery = (n: number): string =>
  Array.from({ length: n }, (_, i) => `filter x${i} = ${i}`).join(' | ');

const SCANS = [
  'includes',
  'indexOf',
  'lastIndexOf',
  'some',
  'every',
  'find',
  'findIndex',
  'filter',
  'map',
  'forEach',
  'slice',
  'splice',
  'concat',
  'join',
  'reduce',
] as const;

/** Runs `f` with the array scans counted; returns the elements they touched. */
function countedWork(f: () => unknown): number {
  let work = 0;
  const proto = Array.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const originals = SCANS.map((name) => [name, proto[name]] as const);
  for (const [name, original] of originals) {
    proto[name] = function (this: unknown[], ...args: unknown[]) {
      work += this.length;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  try {
    f();
  } finally {
    for (const [name, original] of originals) proto[name] = original as (...args: unknown[]) => unknown;
  }
  return work;
}

describe('F6: parse, check and compile grow linearly with fields and stages', () => {
  test.each([
    ['fields with n names', fieldsQuery],
    ['n filter stages', filtersQuery],
  ])('%s: doubling n at most about doubles the counted work', (_name, make) => {
    for (const [phase, run] of [
      ['parse', parseQuery],
      ['check', checkQuery],
      ['compile', compileQuery],
    ] as const) {
      const small = countedWork(() => run(make(2000)));
      const large = countedWork(() => run(make(4000)));
      expect(large, `${phase}: ${small} → ${large}`).toBeLessThan(small * 2.5);
    }
  });

  test('a fields of 50,000 names and 20,000 filter stages parse, check and compile', () => {
    for (const q of [fieldsQuery(50_000), filtersQuery(20_000)]) {
      expect(checkQuery(q)).toEqual([]);
      expect(compileQuery(q).ast.commands.length).toBeGreaterThan(0);
    }
  });
});
