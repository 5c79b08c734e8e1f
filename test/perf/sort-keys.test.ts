import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { type CompiledSortKey, createTopK, sortStage } from '../../src/query/commands/sort.js';
import type { EvalContext } from '../../src/query/functions/types.js';
import type { RunState, Sink } from '../../src/query/plan.js';
import type { Row } from '../../src/query/row.js';
import { compareCodePoints, isNumericString, toNumberValue } from '../../src/query/semantics/compare.js';
import { valueToResultString } from '../../src/query/semantics/format.js';
import {
  compareChunked,
  compareForSort,
  compareSortKeys,
  sortKeyOf,
} from '../../src/query/semantics/sort-keys.js';
import { createRunMemory } from '../../src/query/spill.js';
import type { Value } from '../../src/query/value.js';

// ---------------------------------------------------------------------------
// Reference: `compareForSort` as it was before sort keys were precomputed
// (classification on every comparison).

const REF_MISSING = 0;
const REF_NULL = 1;
const REF_NON_NUMBER = 2;
const REF_NUMBER = 3;

function refSortClass(v: Value): number {
  if (v === undefined) return REF_MISSING;
  if (v === null) return REF_NULL;
  if (typeof v === 'number' || v instanceof Date) return REF_NUMBER;
  if (typeof v === 'string' && isNumericString(v)) return REF_NUMBER;
  return REF_NON_NUMBER;
}

function refKindRank(v: Value): number {
  if (typeof v === 'number') return 0;
  if (v instanceof Date) return 1;
  if (typeof v === 'string') return 2;
  if (typeof v === 'boolean') return 3;
  if (Array.isArray(v)) return 4;
  return 5;
}

function refSortString(v: Value): string {
  if (typeof v === 'string') return v;
  return valueToResultString(v) ?? '';
}

function referenceCompareForSort(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number' && a !== b && !Number.isNaN(a) && !Number.isNaN(b))
    return a < b ? -1 : 1;
  const ka = refSortClass(a);
  const kb = refSortClass(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  if (ka === REF_MISSING || ka === REF_NULL) return 0;
  if (ka === REF_NUMBER) {
    const x = toNumberValue(a) ?? Number.NaN;
    const y = toNumberValue(b) ?? Number.NaN;
    const nx = Number.isNaN(x);
    const ny = Number.isNaN(y);
    if (nx !== ny) return nx ? 1 : -1;
    if (!nx && x !== y) return x < y ? -1 : 1;
    const c = compareCodePoints(refSortString(a), refSortString(b));
    if (c !== 0) return c;
  } else {
    const sa = refSortString(a);
    const sb = refSortString(b);
    const c = compareChunked(sa, sb);
    if (c !== 0) return c;
    const d = compareCodePoints(sa, sb);
    if (d !== 0) return d;
  }
  const ra = refKindRank(a);
  const rb = refKindRank(b);
  return ra === rb ? 0 : ra < rb ? -1 : 1;
}

// ---------------------------------------------------------------------------
// Generated values

const T0 = Date.parse('2024-05-01T12:00:00.000Z');

const numberValue = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    0.5,
    1000,
    1e21,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ),
  fc.integer({ min: -20, max: 20 }),
  fc.double(),
);

const numericString = fc.oneof(
  fc.constantFrom(
    '01',
    '1',
    '1.0',
    '1.',
    '1e3',
    '1E3',
    '+.5',
    '.5',
    '-0',
    '0',
    '00',
    '-1.5',
    '1e999',
    '-1e999',
    '1000',
  ),
  fc.stringMatching(/^[+-]?(?:\d{1,4}(?:\.\d{0,3})?|\.\d{1,3})(?:[eE][+-]?\d{1,3})?$/),
);

const CHARS = [
  'a',
  'B',
  'z',
  '0',
  '1',
  '9',
  'é',
  'ß',
  '𝒳',
  '😀',
  '\uD800',
  '\uDC00',
  ' ',
  '\n',
  '.',
  '-',
  '+',
  'e',
  '#',
  '_',
  ':',
  'T',
  'Z',
];
const mixedString = fc.oneof(
  fc.constantFrom(
    '',
    'a',
    'A',
    'a1',
    'a10',
    'a9',
    '007',
    'x y',
    'NaN',
    'Infinity',
    ' 1',
    '0xff',
    'true',
    '1e',
    'e1',
  ),
  fc.array(fc.constantFrom(...CHARS), { maxLength: 8 }).map((cs) => cs.join('')),
  fc.string({ unit: 'binary', maxLength: 6 }),
);

const isoString = fc.integer({ min: -5000, max: 5000 }).map((d) => new Date(T0 + d).toISOString());

const dateValue = fc.oneof(
  fc.integer({ min: -5000, max: 5000 }).map((d) => new Date(T0 + d)),
  fc.constantFrom(new Date(Number.NaN), new Date(0), new Date(1)),
);

const scalar: fc.Arbitrary<Value> = fc.oneof(
  fc.constantFrom<Value>(undefined, null, true, false),
  numberValue,
  numericString,
  mixedString,
  isoString,
  dateValue,
);

const valueArb: fc.Arbitrary<Value> = fc.oneof(
  { weight: 8, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(fc.oneof(numberValue, mixedString, fc.constant(null)), { maxLength: 3 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(
      fc.constantFrom('a', 'b', '1', '__proto__'),
      fc.oneof(numberValue, mixedString),
      {
        maxKeys: 2,
      },
    ),
  },
);

describe('precomputed sort keys', () => {
  test.prop([valueArb, valueArb], { numRuns: 3000 })(
    'compareSortKeys(sortKeyOf(a), sortKeyOf(b)) has the sign of the reference compareForSort',
    (a, b) => {
      const expected = Math.sign(referenceCompareForSort(a, b));
      expect(Math.sign(compareSortKeys(sortKeyOf(a), sortKeyOf(b)))).toBe(expected);
      expect(Math.sign(compareForSort(a, b))).toBe(expected);
    },
  );

  test.prop([fc.array(valueArb, { maxLength: 12 })])(
    'keys built once and compared many times (string form cached on first use) keep agreeing',
    (values) => {
      const keys = values.map(sortKeyOf);
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < values.length; i++) {
          for (let j = 0; j < values.length; j++) {
            const expected = Math.sign(referenceCompareForSort(values[i], values[j]));
            expect(Math.sign(compareSortKeys(keys[i] as never, keys[j] as never))).toBe(expected);
          }
        }
      }
    },
  );

  // Pairs of strings with the same chunk shape (class per position), which take the code-unit shortcut.
  const shapeChar = (cls: number) =>
    cls === 0
      ? fc.constantFrom(...'0123456789')
      : cls === 1
        ? fc.constantFrom(...'aAzZmQ')
        : fc.constantFrom(...'-:.TZ_ /@!~{');
  const samePair = fc
    .array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 30 })
    .chain((classes) => fc.tuple(fc.tuple(...classes.map(shapeChar)), fc.tuple(...classes.map(shapeChar))))
    .map(([a, b]) => [a.join(''), b.join('')] as const);
  test.prop([samePair], { numRuns: 3000 })(
    'same-shape strings (timestamps, ids) order exactly as the reference',
    ([a, b]) => {
      const expected = Math.sign(referenceCompareForSort(a, b));
      expect(Math.sign(compareSortKeys(sortKeyOf(a), sortKeyOf(b)))).toBe(expected);
    },
  );

  test('ISO timestamps that differ in a digit order by time', () => {
    const a = sortKeyOf('2024-05-14T13:48:02.123456Z');
    const b = sortKeyOf('2024-05-14T13:48:10.000001Z');
    expect(compareSortKeys(a, b)).toBe(-1);
    expect(compareSortKeys(b, a)).toBe(1);
    expect([a.shapeLength, a.shape0, a.shape1]).toEqual([b.shapeLength, b.shape0, b.shape1]);
  });

  test('the TSDoc examples hold', () => {
    expect(['1', 'A', '#', '01'].sort(compareForSort)).toEqual(['#', 'A', '01', '1']);
    expect(sortKeyOf('01').num).toBe(1);
    expect(compareSortKeys(sortKeyOf('1e3'), sortKeyOf(999))).toBe(1);
    expect(compareSortKeys(sortKeyOf('01'), sortKeyOf('1'))).toBe(-1);
  });
});

// ---------------------------------------------------------------------------
// The top-K heap and the sort stage

describe('createTopK', () => {
  test.prop([fc.array(fc.integer({ min: 0, max: 30 })), fc.integer({ min: 0, max: 12 })])(
    'keeps the K smallest; once full, a newcomer that does not beat the worst costs one comparison',
    (items, k) => {
      type E = { v: number; i: number };
      // Ties broken by arrival, as the sort stage does.
      const raw = (a: E, b: E): number => a.v - b.v || a.i - b.i;
      let calls = 0;
      const top = createTopK(k, (a: E, b: E) => {
        calls++;
        return raw(a, b);
      });
      items.forEach((v, i) => {
        const entry = { v, i };
        const worst = top.worst;
        const rejected = worst !== undefined && raw(entry, worst) >= 0;
        const before = rejected ? [...top.sorted()] : [];
        calls = 0;
        top.add(entry);
        if (rejected) {
          expect(calls).toBe(1);
          expect(top.sorted()).toEqual(before);
        }
      });
      const expected = items
        .map((v, i) => ({ v, i }))
        .sort((a, b) => a.v - b.v || a.i - b.i)
        .slice(0, Math.max(0, k));
      expect(top.sorted()).toEqual(expected);
      expect(top.size).toBe(expected.length);
    },
  );
});

const CTX: EvalContext = { startTime: 0, endTime: 0, now: 0 };

/** Runs the sort stage over rows that carry their key values directly. */
function runSort(
  rows: readonly (readonly Value[])[],
  desc: readonly boolean[],
  topK: number | undefined,
): number[] {
  const keys: CompiledSortKey[] = desc.map((d, k) => ({
    value: (row: Row) => (row as unknown as { vs: readonly Value[] }).vs[k],
    descending: d,
  }));
  const out: number[] = [];
  const tail: Sink = {
    push(row) {
      out.push((row as unknown as { i: number }).i);
      return true;
    },
    end() {},
  };
  const limit = {
    max: 1_000_000,
    exceeded: (): never => {
      throw new Error('limit');
    },
    overBudget: (): never => {
      throw new Error('budget');
    },
  };
  const state: RunState = {
    ctx: CTX,
    matched: 0,
    nextOrdinal: 0,
    memory: createRunMemory(Number.POSITIVE_INFINITY, undefined),
  };
  const sink = sortStage(keys, topK, limit)(tail, state);
  rows.forEach((vs, i) => {
    sink.push({ vs, i } as unknown as Row);
  });
  sink.end();
  return out;
}

// A small domain, so that ties across kinds (401 vs '401' vs '401.0') and equal timestamps are common.
const tieValue: fc.Arbitrary<Value> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom<Value>(
      undefined,
      null,
      401,
      '401',
      '401.0',
      '0401',
      -0,
      0,
      '0',
      Number.NaN,
      true,
      'a',
    ),
  },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 2 }).map((d) => new Date(T0 + d)) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 2 }).map((d) => new Date(T0 + d).toISOString()) },
  { weight: 1, arbitrary: valueArb },
);

describe('sort stage', () => {
  test.prop(
    [
      fc
        .integer({ min: 1, max: 3 })
        .chain((n) =>
          fc.tuple(
            fc.array(fc.boolean(), { minLength: n, maxLength: n }),
            fc.array(fc.array(tieValue, { minLength: n, maxLength: n }), { maxLength: 40 }),
          ),
        ),
      fc.integer({ min: 0, max: 20 }),
    ],
    { numRuns: 300 },
  )(
    'sort + limit K equals the full sort then the first K, and both equal the reference order',
    ([desc, rows], k) => {
      const full = runSort(rows, desc, undefined);
      const expected = rows
        .map((vs, i) => ({ vs, i }))
        .sort((a, b) => {
          for (let j = 0; j < desc.length; j++) {
            const c = referenceCompareForSort(a.vs[j], b.vs[j]);
            if (c !== 0) return desc[j] ? -c : c;
          }
          return a.i - b.i;
        })
        .map((x) => x.i);
      expect(full).toEqual(expected);
      expect(runSort(rows, desc, k)).toEqual(expected.slice(0, k));
    },
  );
});
