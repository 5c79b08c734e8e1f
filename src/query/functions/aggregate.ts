/**
 * Aggregate functions for `stats`.
 *
 * Every accumulator merges exactly: `merge(a, b)` gives the same result as
 * adding all of `a`'s and `b`'s rows to one accumulator, in any order.
 * Decisions:
 * - Numeric aggregates (`avg`, `sum`, `stddev`, `pct`) use the values that
 *   are numeric (numbers, numeric strings, booleans as 1/0, timestamps as
 *   epoch ms) and skip the rest; with no numeric value they give no value.
 *   Sums are exact (rounded once at the end), so the result does not depend
 *   on the order of rows.
 * - `stddev` is the SAMPLE standard deviation (divides by n − 1); one value
 *   gives no value.
 * - `pct(x, p)` is the nearest-rank percentile, without interpolation: the
 *   smallest value v such that at least p% of the values are ≤ v
 *   (`pct(x, 0)` is the minimum, `pct(x, 100)` the maximum). It keeps one
 *   counter per distinct value.
 * - `count_distinct` is exact (the service approximates at high
 *   cardinality); values are distinct by their result string (`401` and
 *   `"401"` count once). It keeps every distinct value.
 * - `max`/`min` compare numerically when the group has numeric values and
 *   ignore non-numeric ones; over only non-numeric values they use the sort
 *   order. Maps and lists are ignored.
 * - Non-finite values, one rule for all: a value whose number is not finite
 *   (`±Infinity` from JSON such as `1e999`, a numeric string such as
 *   `"-1e999"`) is skipped by every aggregate that reads numbers — `sum`,
 *   `avg`, `stddev`, `pct`, `min`, `max` — as if it were missing. `count`,
 *   `count_distinct`, `earliest`, `latest`, `sortsFirst` and `sortsLast`
 *   read values, not numbers, and take it as it is.
 * - `earliest`/`latest` take the value from the row with the smallest /
 *   largest `@timestamp` among rows where the field has a value; ties on the
 *   timestamp go to the value that sorts first (`earliest`) / last (`latest`).
 * - `sortsFirst`/`sortsLast` use the sort order of `sort` (non-numbers before
 *   numbers, natural chunk order) over the values present.
 *
 * @module
 */
import { isValueList, isValueMap, toNumberValue } from '../semantics/compare.js';
import { valueToResultString } from '../semantics/format.js';
import { compareForSort } from '../semantics/sort-keys.js';
import { detachString, detachValue, hashTableBytes } from '../spill.js';
import type { Value } from '../value.js';
import { argNumber, argValue, isStarArg } from './args.js';
import {
  addExact,
  addScaledExact,
  decomposeDouble,
  type ExactSum,
  exactSumFromSnapshot,
  exactSumParts,
  exactSumSnapshot,
  exactSumValue,
  mergeExact,
  newExactSum,
  scaledQuotient,
} from './exact-sum.js';
import type { Accumulator, AggregateFunctionDef, AggregateRow, Arg } from './types.js';

/** @internal */
export interface AggregateSpec<S> {
  readonly name: string;
  readonly signature: string;
  readonly aliases?: readonly string[];
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly constantArgs?: readonly number[];
  readonly returns: string;
  readonly summary: string;
  readonly example: string;
  readonly validate?: (constants: readonly Arg[]) => string | undefined;
  readonly init: (constants: readonly Arg[]) => S;
  readonly add: (state: S, args: readonly Arg[], row: AggregateRow) => void;
  readonly merge: (state: S, other: S) => void;
  readonly result: (state: S) => Value;
  readonly toSnapshot: (state: S) => unknown;
  readonly fromSnapshot: (snapshot: unknown, constants: readonly Arg[]) => S;
  /** Estimated bytes of state that grows with the rows (O(1)); absent when the state has a constant size. */
  readonly size?: (state: S) => number;
}

/** @internal */
export function defineAggregate<S>(spec: AggregateSpec<S>): AggregateFunctionDef {
  const size = spec.size;
  const wrap = (state: S, constants: readonly Arg[]): Accumulator => {
    const acc: Accumulator = {
      add: (args, row) => spec.add(state, args, row),
      merge: (other) => spec.merge(state, spec.fromSnapshot(other.snapshot(), constants)),
      result: () => spec.result(state),
      snapshot: () => spec.toSnapshot(state),
    };
    if (size !== undefined) acc.size = () => size(state);
    return acc;
  };
  return {
    kind: 'aggregate',
    name: spec.name,
    signature: spec.signature,
    ...(spec.aliases === undefined ? {} : { aliases: spec.aliases }),
    family: 'aggregate',
    returns: spec.returns,
    minArgs: spec.minArgs,
    maxArgs: spec.maxArgs,
    ...(spec.constantArgs === undefined ? {} : { constantArgs: spec.constantArgs }),
    ...(spec.validate === undefined ? {} : { validate: spec.validate }),
    summary: spec.summary,
    example: spec.example,
    create: (constants) => wrap(spec.init(constants), constants),
    restore: (snapshot, constants) => wrap(spec.fromSnapshot(snapshot, constants), constants),
  };
}

/** @internal */
export function present(v: Value): boolean {
  return v !== undefined && v !== null;
}

/** @internal */
export function numericArg(a: Arg | undefined): number | undefined {
  const v = argValue(a);
  if (isValueMap(v) || isValueList(v)) return undefined;
  const n = toNumberValue(v);
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

/** @internal */
export function snapshotNumber(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : 0;
}

/** @internal */
export function objectOf(x: unknown): Record<string, unknown> {
  return typeof x === 'object' && x !== null ? (x as Record<string, unknown>) : {};
}

// ---------------------------------------------------------------------------
// count, sum, avg, stddev

/** @internal */
export interface SumState {
  n: number;
  sum: ExactSum;
}

/** @internal */
export const sumLike = {
  minArgs: 1,
  maxArgs: 1,
  init: (): SumState => ({ n: 0, sum: newExactSum() }),
  add: (s: SumState, args: readonly Arg[]) => {
    const x = numericArg(args[0]);
    if (x === undefined) return;
    s.n++;
    addExact(s.sum, x);
  },
  merge: (s: SumState, o: SumState) => {
    s.n += o.n;
    mergeExact(s.sum, o.sum);
  },
  toSnapshot: (s: SumState) => ({ n: s.n, sum: exactSumSnapshot(s.sum) }),
  fromSnapshot: (x: unknown): SumState => {
    const o = objectOf(x);
    return { n: snapshotNumber(o.n), sum: exactSumFromSnapshot(o.sum) };
  },
} as const;

interface MomentState {
  n: number;
  s1: ExactSum;
  s2: ExactSum;
}

/** Adds x² exactly: the square of `m·2^e` is `m²·2^(2e)`. */
function addSquare(s: ExactSum, x: number): void {
  if (Number.isSafeInteger(x) && Math.abs(x) < 94_906_265) {
    addExact(s, x * x);
    return;
  }
  const [m, e] = decomposeDouble(x);
  addScaledExact(s, m * m, 2 * e);
}

function stddevOf(s: MomentState): number | undefined {
  if (s.n < 2) return undefined;
  const [a, e1] = exactSumParts(s.s1);
  const [b, e2] = exactSumParts(s.s2);
  const n = BigInt(s.n);
  // variance = (n·S2 − S1²) / (n(n−1)), computed exactly over a common exponent.
  const c = Math.min(2 * e1, e2);
  const numerator = ((n * b) << BigInt(e2 - c)) - ((a * a) << BigInt(2 * e1 - c));
  if (numerator <= 0n) return 0;
  const variance = scaledQuotient(numerator, c, n * (n - 1n));
  return Math.sqrt(variance);
}

// ---------------------------------------------------------------------------
// value-picking aggregates

function better(a: Value, b: Value, wantMax: boolean): boolean {
  let c = compareForSort(a, b);
  // -0 and +0 are the sort order's only tie between different values; -0 counts as the smaller (as in Math.max and
  // Math.min), so that the pick does not depend on the order rows arrive or partitions merge
  if (c === 0 && a === 0 && b === 0)
    c = Object.is(a, -0) ? (Object.is(b, -0) ? 0 : -1) : Object.is(b, -0) ? 1 : 0;
  return wantMax ? c > 0 : c < 0;
}

interface ExtremeState {
  numeric: Value;
  other: Value;
}

function extremeDef(name: 'max' | 'min'): AggregateFunctionDef {
  const wantMax = name === 'max';
  const offer = (s: ExtremeState, v: Value): void => {
    if (!present(v) || isValueMap(v) || isValueList(v)) return;
    const n = toNumberValue(v);
    if (n !== undefined && typeof v !== 'boolean') {
      // the one rule for non-finite values: no aggregate takes them as numbers (nor as text)
      if (!Number.isFinite(n)) return;
      if (s.numeric === undefined || better(v, s.numeric, wantMax)) s.numeric = detachValue(v);
    } else if (s.other === undefined || better(v, s.other, wantMax)) s.other = detachValue(v);
  };
  return defineAggregate<ExtremeState>({
    name,
    signature: `${name}(field)`,
    minArgs: 1,
    maxArgs: 1,
    returns: 'value',
    summary: `The ${wantMax ? 'largest' : 'smallest'} value: numeric comparison when the group has numeric values, else the sort order.`,
    example: `stats ${name}(responseStatus.code) => ${wantMax ? '503' : '200'}`,
    init: () => ({ numeric: undefined, other: undefined }),
    add: (s, args) => offer(s, argValue(args[0])),
    merge: (s, o) => {
      offer(s, o.numeric);
      offer(s, o.other);
    },
    result: (s) => (s.numeric !== undefined ? s.numeric : s.other),
    toSnapshot: (s) => ({ numeric: s.numeric, other: s.other }),
    fromSnapshot: (x) => {
      const o = objectOf(x);
      return { numeric: o.numeric as Value, other: o.other as Value };
    },
  });
}

interface PickState {
  has: boolean;
  ts: number;
  value: Value;
}

function timeDef(name: 'earliest' | 'latest'): AggregateFunctionDef {
  const late = name === 'latest';
  const offer = (s: PickState, ts: number, v: Value): void => {
    if (!present(v)) return;
    if (!s.has || (late ? ts > s.ts : ts < s.ts) || (ts === s.ts && better(v, s.value, late))) {
      s.has = true;
      s.ts = ts;
      s.value = detachValue(v);
    }
  };
  return defineAggregate<PickState>({
    name,
    signature: `${name}(field)`,
    minArgs: 1,
    maxArgs: 1,
    returns: 'value',
    summary: `The value from the row with the ${late ? 'latest' : 'earliest'} @timestamp (among rows where the field has a value).`,
    example: `stats ${name}(verb) by user.username => "${late ? 'delete' : 'get'}"`,
    init: () => ({ has: false, ts: 0, value: undefined }),
    add: (s, args, row) => {
      if (row.timestamp === undefined || !Number.isFinite(row.timestamp)) return;
      offer(s, row.timestamp, argValue(args[0]));
    },
    merge: (s, o) => {
      if (o.has) offer(s, o.ts, o.value);
    },
    result: (s) => (s.has ? s.value : undefined),
    toSnapshot: (s) => ({ has: s.has, ts: s.ts, value: s.value }),
    fromSnapshot: (x) => {
      const o = objectOf(x);
      const ok = o.has === true && typeof o.ts === 'number';
      return { has: ok, ts: ok ? (o.ts as number) : 0, value: ok ? (o.value as Value) : undefined };
    },
  });
}

interface SortPickState {
  value: Value;
}

function sortsDef(name: 'sortsFirst' | 'sortsLast'): AggregateFunctionDef {
  const last = name === 'sortsLast';
  const offer = (s: SortPickState, v: Value): void => {
    if (!present(v)) return;
    if (s.value === undefined || better(v, s.value, last)) s.value = detachValue(v);
  };
  return defineAggregate<SortPickState>({
    name,
    signature: `${name}(field)`,
    minArgs: 1,
    maxArgs: 1,
    returns: 'value',
    summary: `The value that sorts ${last ? 'last' : 'first'} in the sort command's ascending order (non-numbers before numbers).`,
    example: `stats ${name}(x) over "b", "a", "10" => ${last ? '"10"' : '"a"'}`,
    init: () => ({ value: undefined }),
    add: (s, args) => offer(s, argValue(args[0])),
    merge: (s, o) => offer(s, o.value),
    result: (s) => s.value,
    toSnapshot: (s) => ({ value: s.value }),
    fromSnapshot: (x) => ({ value: objectOf(x).value as Value }),
  });
}

function percentOf(constants: readonly Arg[]): number | undefined {
  const p = argNumber(constants[1]);
  return p !== undefined && p >= 0 && p <= 100 ? p : undefined;
}

interface PctState {
  readonly percent: number;
  n: number;
  counts: Map<number, number>;
}

interface DistinctState {
  readonly keys: Set<string>;
  /** UTF-16 units of all keys (for the size estimate). */
  chars: number;
}

function addDistinct(s: DistinctState, key: string): void {
  if (s.keys.has(key)) return;
  s.keys.add(detachString(key));
  s.chars += key.length;
}

function addCount(s: PctState, v: number, c: number): void {
  const key = v === 0 ? 0 : v;
  s.counts.set(key, (s.counts.get(key) ?? 0) + c);
  s.n += c;
}

export { FUNCTION_ERROR_CODES } from '../../error-codes.js';

/**
 * The aggregate functions.
 *
 * @example
 * ```ts
 * AGGREGATE_FUNCTIONS.map((f) => f.name).includes('count_distinct') //=> true
 * ```
 */
export const AGGREGATE_FUNCTIONS: readonly AggregateFunctionDef[] = [
  defineAggregate<SumState>({
    ...sumLike,
    name: 'avg',
    signature: 'avg(field)',
    returns: 'number',
    summary: 'Mean of the numeric values (exact sum, rounded once).',
    example: 'stats avg(x) over 1, 2, 4 => 2.3333333333333335',
    result: (s) => {
      if (s.n === 0) return undefined;
      const [m, e] = exactSumParts(s.sum);
      return scaledQuotient(m, e, BigInt(s.n));
    },
  }),
  defineAggregate<{ n: number }>({
    name: 'count',
    signature: 'count() / count(*) / count(field)',
    minArgs: 0,
    maxArgs: 1,
    returns: 'number',
    summary: 'count() and count(*) count rows; count(field) counts rows where the field has a value.',
    example: 'stats count(*) => 42',
    init: () => ({ n: 0 }),
    add: (s, args) => {
      if (args.length === 0 || isStarArg(args[0]) || present(argValue(args[0]))) s.n++;
    },
    merge: (s, o) => {
      s.n += o.n;
    },
    result: (s) => s.n,
    toSnapshot: (s) => ({ n: s.n }),
    fromSnapshot: (x) => ({ n: snapshotNumber(objectOf(x).n) }),
  }),
  defineAggregate<DistinctState>({
    name: 'count_distinct',
    signature: 'count_distinct(field)',
    minArgs: 1,
    maxArgs: 1,
    returns: 'number',
    summary:
      'Number of distinct values (exact; values compare by their result string, so 401 and "401" are one).',
    example: 'stats count_distinct(sourceIPs.0) => 3',
    init: () => ({ keys: new Set<string>(), chars: 0 }),
    add: (s, args) => {
      const key = valueToResultString(argValue(args[0]));
      if (key !== undefined) addDistinct(s, key);
    },
    merge: (s, o) => {
      for (const k of o.keys) addDistinct(s, k);
    },
    result: (s) => s.keys.size,
    toSnapshot: (s) => ({ keys: [...s.keys] }),
    fromSnapshot: (x) => {
      const keys = objectOf(x).keys;
      const s: DistinctState = { keys: new Set(), chars: 0 };
      if (Array.isArray(keys)) for (const k of keys) if (typeof k === 'string') addDistinct(s, k);
      return s;
    },
    // the set's table, and per key a string (header, and a sliced view of a flat copy: see detachString)
    size: (s) => hashTableBytes(s.keys.size, 1) + 48 * s.keys.size + 2 * s.chars,
  }),
  extremeDef('max'),
  extremeDef('min'),
  defineAggregate<PctState>({
    name: 'pct',
    signature: 'pct(field, percent)',
    minArgs: 2,
    maxArgs: 2,
    constantArgs: [1],
    returns: 'number',
    validate: (constants) =>
      percentOf(constants) === undefined ? 'pct: the percent must be a number from 0 to 100' : undefined,
    summary:
      'pct(field, p): nearest-rank percentile of the numeric values, no interpolation (the smallest value with at least p% of values at or below it).',
    example: 'stats pct(x, 50) over 1, 2, 3, 4 => 2',
    init: (constants) => ({ percent: percentOf(constants) ?? 50, n: 0, counts: new Map() }),
    add: (s, args) => {
      const x = numericArg(args[0]);
      if (x !== undefined) addCount(s, x, 1);
    },
    merge: (s, o) => {
      for (const [v, c] of o.counts) addCount(s, v, c);
    },
    result: (s) => {
      if (s.n === 0) return undefined;
      const rank = Math.max(1, Math.ceil((s.percent / 100) * s.n));
      const values = [...s.counts.keys()].sort((a, b) => a - b);
      let seen = 0;
      for (const v of values) {
        seen += s.counts.get(v) ?? 0;
        if (seen >= rank) return v;
      }
      return values[values.length - 1];
    },
    toSnapshot: (s) => ({ percent: s.percent, n: s.n, counts: [...s.counts] }),
    fromSnapshot: (x, constants) => {
      const s: PctState = { percent: percentOf(constants) ?? 50, n: 0, counts: new Map() };
      const counts = objectOf(x).counts;
      if (Array.isArray(counts)) {
        for (const entry of counts) {
          if (
            Array.isArray(entry) &&
            typeof entry[0] === 'number' &&
            typeof entry[1] === 'number' &&
            entry[1] > 0
          ) {
            addCount(s, entry[0], entry[1]);
          }
        }
      }
      return s;
    },
    // the map's table, and per value a heap number (a small integer would need none)
    size: (s) => hashTableBytes(s.counts.size, 2) + 16 * s.counts.size,
  }),
  defineAggregate<MomentState>({
    name: 'stddev',
    signature: 'stddev(field)',
    minArgs: 1,
    maxArgs: 1,
    returns: 'number',
    summary:
      'Sample standard deviation (n − 1) of the numeric values, computed exactly; no value for fewer than 2.',
    example: 'stats stddev(x) over 2, 4, 4, 4, 5, 5, 7, 9 => 2.138089935299395',
    init: () => ({ n: 0, s1: newExactSum(), s2: newExactSum() }),
    add: (s, args) => {
      const x = numericArg(args[0]);
      if (x === undefined) return;
      s.n++;
      addExact(s.s1, x);
      addSquare(s.s2, x);
    },
    merge: (s, o) => {
      s.n += o.n;
      mergeExact(s.s1, o.s1);
      mergeExact(s.s2, o.s2);
    },
    result: (s) => stddevOf(s),
    toSnapshot: (s) => ({ n: s.n, s1: exactSumSnapshot(s.s1), s2: exactSumSnapshot(s.s2) }),
    fromSnapshot: (x) => {
      const o = objectOf(x);
      return { n: snapshotNumber(o.n), s1: exactSumFromSnapshot(o.s1), s2: exactSumFromSnapshot(o.s2) };
    },
  }),
  defineAggregate<SumState>({
    ...sumLike,
    name: 'sum',
    signature: 'sum(field)',
    returns: 'number',
    summary: 'Sum of the numeric values (exact, rounded once); no value when there are none.',
    example: 'stats sum(bytes) over 1, 2, 4 => 7',
    result: (s) => (s.n === 0 ? undefined : exactSumValue(s.sum)),
  }),
  timeDef('earliest'),
  timeDef('latest'),
  sortsDef('sortsFirst'),
  sortsDef('sortsLast'),
];
