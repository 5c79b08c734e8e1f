import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  compareOrdered,
  isNumericString,
  isTruthy,
  toNumberValue,
  valuesEqual,
} from '../../src/query/semantics/compare.js';
import {
  formatNumber,
  formatTimestamp,
  toJsonText,
  valueToResultString,
} from '../../src/query/semantics/format.js';
import { compareChunked, compareForSort } from '../../src/query/semantics/sort-keys.js';
import type { Value } from '../../src/query/value.js';

describe('compareForSort', () => {
  test('orders the documented example ascending (CWL_QuerySyntax-Sort.html)', () => {
    const expected = [
      '!:',
      '#',
      '*%04',
      '0#',
      '5A',
      '111A',
      '2345_',
      '@',
      '@_',
      'A',
      'A9876fghj',
      'a12345hfh',
      '0',
      '01',
      '1',
      '2',
      '3',
    ];
    expect([...expected].reverse().sort(compareForSort)).toEqual(expected);
    expect([...expected].sort().sort(compareForSort)).toEqual(expected);
  });

  test('missing < null < non-numbers < numbers; numbers by value', () => {
    const values: Value[] = [10, 'b', null, undefined, '9', -1, 'a', new Date(5), true, '2.5'];
    // Array#sort never passes `undefined` to a comparator, so sort boxed values (as rows are).
    const sorted = values.map((v) => ({ v })).sort((x, y) => compareForSort(x.v, y.v));
    expect(sorted.map((x) => x.v)).toEqual([
      undefined,
      null,
      'a',
      'b',
      true,
      -1,
      '2.5',
      new Date(5),
      '9',
      10,
    ]);
  });

  test.each<[string, string, number]>([
    ['5A', '111A', -1],
    ['a~', 'ab', -1],
    ['x10', 'x9', 1],
    ['x09', 'x9', 1],
    ['abc', 'abc', 0],
  ])('compareChunked(%j, %j) = %d', (a, b, expected) => {
    expect(Math.sign(compareChunked(a, b))).toBe(expected);
  });
});

describe('valuesEqual', () => {
  test.each<[Value, Value, boolean]>([
    [401, '401', true],
    ['401', 401, true],
    [401, '401.0', true],
    [401, 401, true],
    ['a', 'a', true],
    ['a', 'A', false],
    [401, '402', false],
    [401, 'x', false],
    [true, 'true', true],
    [true, 1, true],
    [false, 0, true],
    [false, 'true', false],
    [new Date(5), 5, true],
    [new Date(5), new Date(5), true],
    [undefined, undefined, false],
    [null, null, false],
    [undefined, '', false],
    [{ a: 1 }, { a: 1 }, false],
    [[1], [1], false],
    ['', '', true],
  ])('%j = %j is %j', (a, b, eq) => {
    expect(valuesEqual(a, b)).toBe(eq);
  });
});

describe('compareOrdered', () => {
  test.each<[Value, Value, number | undefined]>([
    ['10', 2, 1],
    [500, 503, -1],
    ['503', 500, 1],
    ['b', 'a', 1],
    ['abc', 'abd', -1],
    [10, 'abc', -1],
    [true, false, 1],
    [new Date(10), 5, 1],
    [undefined, 1, undefined],
    [null, 1, undefined],
    [{ a: 1 }, 1, undefined],
    [[1], [1], undefined],
  ])('compareOrdered(%j, %j) = %j', (a, b, expected) => {
    const c = compareOrdered(a, b);
    expect(c === undefined ? undefined : Math.sign(c)).toBe(expected);
  });
});

describe('coercions and formatting', () => {
  test.each<[Value, boolean]>([
    [true, true],
    [false, false],
    [1, true],
    [0, false],
    ['x', true],
    ['', false],
    ['false', false],
    ['FALSE', false],
    ['0', false],
    ['0.0', false],
    [new Date(0), true],
    [undefined, false],
    [null, false],
    [{}, false],
  ])('isTruthy(%j) = %j', (v, expected) => {
    expect(isTruthy(v)).toBe(expected);
  });

  test.each<[Value, number | undefined]>([
    ['12.5', 12.5],
    ['-3', -3],
    ['1e3', 1000],
    ['.5', 0.5],
    [' 1', undefined],
    ['0x10', undefined],
    ['NaN', undefined],
    ['', undefined],
    [true, 1],
    [new Date(7), 7],
    [Number.NaN, undefined],
    [{ a: 1 }, undefined],
  ])('toNumberValue(%j) = %j', (v, expected) => {
    expect(toNumberValue(v)).toBe(expected);
  });

  test.each<[Value, string | undefined]>([
    [503, '503'],
    [2.5, '2.5'],
    [1 / 3, '0.3333333333333333'],
    [1e21, '1000000000000000000000'],
    [1e-7, '0.0000001'],
    [-1.5e-10, '-0.00000000015'],
    [123456789012, '123456789012'],
    [-0, '0'],
    [true, 'true'],
    [false, 'false'],
    ['s', 's'],
    [new Date(1628061726518), '2021-08-04 07:22:06.518'],
    [new Date(Number.NaN), undefined],
    [{ a: [1, 'x', null] }, '{"a":[1,"x",null]}'],
    [[new Date(0)], '["1970-01-01 00:00:00.000"]'],
    [undefined, undefined],
    [null, undefined],
  ])('valueToResultString(%j) = %j', (v, expected) => {
    expect(valueToResultString(v)).toBe(expected);
  });

  test('formatTimestamp and numbers', () => {
    expect(formatTimestamp(0)).toBe('1970-01-01 00:00:00.000');
    expect(formatTimestamp(-1)).toBe('1969-12-31 23:59:59.999');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(isNumericString('01')).toBe(true);
    expect(toJsonText({ __proto__x: 1 } as Value)).toBe('{"__proto__x":1}');
  });
});

const valueArb: fc.Arbitrary<Value> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double(),
  fc.string({ maxLength: 6 }),
  fc.stringMatching(/^[0-9a-zA-Z_#@ -]{0,6}$/),
  fc.integer({ min: -1000, max: 100000 }).map((n) => String(n)),
  fc.integer({ min: 0, max: 1e6 }).map((n) => new Date(n)),
  fc.constantFrom<Value>({ a: 1 }, [1, 2], [], {}, '0', '00', '1.0', 'é', '😀', '\uffff', 'A9'),
);

/** A slow, obviously-correct chunker to check the in-place {@link compareChunked} against. */
function referenceChunks(s: string): { text: string; digits: boolean }[] {
  const out: { text: string; digits: boolean; letters: boolean }[] = [];
  for (const ch of s) {
    const digits = ch >= '0' && ch <= '9';
    const letters = /\p{L}/u.test(ch);
    const last = out[out.length - 1];
    if (last && ((digits && last.digits) || (letters && last.letters))) last.text += ch;
    else out.push({ text: ch, digits, letters });
  }
  return out;
}

function referenceCompare(a: string, b: string): number {
  const ca = referenceChunks(a);
  const cb = referenceChunks(b);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const x = ca[i] as { text: string; digits: boolean };
    const y = cb[i] as { text: string; digits: boolean };
    if (x.digits && y.digits && x.text.length !== y.text.length)
      return x.text.length < y.text.length ? -1 : 1;
    const xs = [...x.text].map((c) => c.codePointAt(0) ?? 0);
    const ys = [...y.text].map((c) => c.codePointAt(0) ?? 0);
    for (let k = 0; k < Math.min(xs.length, ys.length); k++) {
      if (xs[k] !== ys[k]) return (xs[k] ?? 0) < (ys[k] ?? 0) ? -1 : 1;
    }
    if (xs.length !== ys.length) return xs.length < ys.length ? -1 : 1;
  }
  return ca.length === cb.length ? 0 : ca.length < cb.length ? -1 : 1;
}

describe('properties', () => {
  test('compareChunked agrees with a reference chunker', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.stringMatching(/^[0-9a-zA-Zé~!_ -]{0,8}$/),
      fc.string({ unit: 'binary', maxLength: 6 }),
    );
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(Math.sign(compareChunked(a, b))).toBe(referenceCompare(a, b));
      }),
      { numRuns: 5000 },
    );
  });

  test('compareForSort is a total order', () => {
    fc.assert(
      fc.property(valueArb, valueArb, valueArb, (a, b, c) => {
        const ab = Math.sign(compareForSort(a, b));
        expect(Math.sign(compareForSort(b, a))).toBe(-ab || 0);
        expect(compareForSort(a, a)).toBe(0);
        if (compareForSort(a, b) <= 0 && compareForSort(b, c) <= 0)
          expect(compareForSort(a, c)).toBeLessThanOrEqual(0);
        if (ab === 0 && compareForSort(b, c) === 0) expect(compareForSort(a, c)).toBe(0);
      }),
      { numRuns: 3000 },
    );
  });

  test('sorting is independent of the input order', () => {
    fc.assert(
      fc.property(fc.array(valueArb, { maxLength: 20 }), (values) => {
        const a = [...values].sort(compareForSort).map(valueToResultString);
        const b = [...values].reverse().sort(compareForSort).map(valueToResultString);
        expect(b).toEqual(a);
      }),
    );
  });

  test('compareOrdered agrees with valuesEqual on comparable values', () => {
    fc.assert(
      fc.property(valueArb, valueArb, (a, b) => {
        if (valuesEqual(a, b)) expect(compareOrdered(a, b)).toBe(0);
      }),
      { numRuns: 3000 },
    );
  });

  test('valuesEqual is symmetric and compareOrdered antisymmetric', () => {
    fc.assert(
      fc.property(valueArb, valueArb, (a, b) => {
        expect(valuesEqual(a, b)).toBe(valuesEqual(b, a));
        const ab = compareOrdered(a, b);
        const ba = compareOrdered(b, a);
        expect(ab === undefined).toBe(ba === undefined);
        if (ab !== undefined && ba !== undefined) expect(Math.sign(ab)).toBe(-Math.sign(ba) || 0);
      }),
      { numRuns: 3000 },
    );
  });

  test('formatNumber round-trips and never uses an exponent', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const s = formatNumber(n);
        expect(s).not.toMatch(/e/i);
        expect(Number(s)).toBe(n === 0 ? 0 : n);
      }),
    );
  });
});
