/**
 * The time-series functions of the newest revision (the "Time-series
 * functions" page): `count_over_time`, `sum_over_time`, `rate` and
 * `histogram`. They are aggregates, used in `stats`, and their window is the
 * stats group, which is the time bin when the query groups `by bin(…)`.
 *
 * Decisions (the page gives only names, argument types and one-line meanings):
 * - `count_over_time(f)` counts the rows of the group where `f` has a value
 *   (it takes a field, not `*`, as the page's signature says; `count(*)`
 *   counts rows); `sum_over_time(f)` is `sum(f)`
 *   over the group. Both also accept the camelCase spellings `countOverTime`
 *   and `sumOverTime` of the page's zh_cn copy. Without a `bin` group the
 *   window is the whole group (one bin for the query).
 * - `rate(f, interval)` is the change of `f` per interval between the first
 *   and the last sample of the group: `(last − first) / (t_last − t_first) ×
 *   interval`, where the samples are the rows with a numeric `f` and a
 *   `@timestamp`, first and last by `@timestamp` (ties: the smaller value is
 *   first, the larger last). It is a gauge rate: a counter reset counts as a
 *   fall, not a restart. Fewer than two distinct timestamps give no value.
 *   The interval is a fixed-length period (`ms` … `w`), taken as written
 *   (the `bin` caps do not apply: `rate(x, 300s)` is per 300 s).
 * - `histogram(f, buckets)` splits the range [min, max] of the numeric values
 *   of `f` into `buckets` equal-width buckets (1 to 1000) and returns a map
 *   from bucket to count, in ascending order, empty buckets included. Keys
 *   are `[lo,hi)`, the last one `[lo,hi]`, with numbers in result-string
 *   form. When every value is the same there is one bucket `[v,v]`. No
 *   numeric value gives no value.
 * - Like every aggregate here, their states merge exactly, so the result does
 *   not depend on row order, chunking or workers.
 *
 * @module
 */
import { formatNumber } from '../semantics/format.js';
import type { Value } from '../value.js';
import {
  defineAggregate,
  numericArg,
  objectOf,
  present,
  type SumState,
  snapshotNumber,
  sumLike,
} from './aggregate.js';
import { argNumber, argPeriod, argValue } from './args.js';
import { checkFixedPeriod, fixedPeriodMs } from './datetime.js';
import { exactSumValue } from './exact-sum.js';
import type { AggregateFunctionDef, Arg } from './types.js';

/** Most buckets `histogram` accepts. */
export const MAX_HISTOGRAM_BUCKETS = 1000;

interface Sample {
  ts: number;
  value: number;
}

interface RateState {
  /** The interval in ms (undefined only for a constant that validation rejects). */
  readonly interval: number | undefined;
  first: Sample | undefined;
  last: Sample | undefined;
}

function offerSample(s: RateState, ts: number, value: number): void {
  const f = s.first;
  if (f === undefined || ts < f.ts || (ts === f.ts && value < f.value)) s.first = { ts, value };
  const l = s.last;
  if (l === undefined || ts > l.ts || (ts === l.ts && value > l.value)) s.last = { ts, value };
}

function sampleOf(x: unknown): Sample | undefined {
  const o = objectOf(x);
  return typeof o.ts === 'number' &&
    Number.isFinite(o.ts) &&
    typeof o.value === 'number' &&
    Number.isFinite(o.value)
    ? { ts: o.ts, value: o.value }
    : undefined;
}

function intervalOf(constants: readonly Arg[]): number | undefined {
  const p = argPeriod(constants[1]);
  return p === undefined ? undefined : fixedPeriodMs(p);
}

function bucketsOf(constants: readonly Arg[]): number | undefined {
  const n = argNumber(constants[1]);
  return n !== undefined && Number.isInteger(n) && n >= 1 && n <= MAX_HISTOGRAM_BUCKETS ? n : undefined;
}

interface HistogramState {
  readonly buckets: number;
  counts: Map<number, number>;
}

function addValueCount(s: HistogramState, v: number, c: number): void {
  const key = v === 0 ? 0 : v;
  s.counts.set(key, (s.counts.get(key) ?? 0) + c);
}

/**
 * The bucket map of `histogram` for value counts (see the module notes).
 *
 * @example
 * ```ts
 * histogramOf(new Map([[1, 1], [2, 1], [3, 1], [4, 1]]), 2) //=> { '[1,2.5)': 2, '[2.5,4]': 2 }
 * ```
 */
export function histogramOf(counts: ReadonlyMap<number, number>, buckets: number): Value {
  if (counts.size === 0) return undefined;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of counts.keys()) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const out: Record<string, Value> = Object.create(null);
  if (min === max) {
    let n = 0;
    for (const c of counts.values()) n += c;
    out[`[${formatNumber(min)},${formatNumber(max)}]`] = n;
    return { ...out };
  }
  const width = (max - min) / buckets;
  const tally = new Array<number>(buckets).fill(0);
  for (const [v, c] of counts) {
    const i = Math.min(buckets - 1, Math.max(0, Math.floor((v - min) / width)));
    tally[i] = (tally[i] ?? 0) + c;
  }
  const edge = (i: number): number => (i === buckets ? max : min + i * width);
  for (let i = 0; i < buckets; i++) {
    const key = `[${formatNumber(edge(i))},${formatNumber(edge(i + 1))}${i === buckets - 1 ? ']' : ')'}`;
    out[key] = tally[i] ?? 0;
  }
  // a plain object (the value model's maps), built from a prototype-free one so no key is special
  return { ...out };
}

const countOverTime = defineAggregate<{ n: number }>({
  name: 'count_over_time',
  aliases: ['countOverTime'],
  signature: 'count_over_time(field)',
  minArgs: 1,
  maxArgs: 1,
  returns: 'number',
  summary:
    'Count of rows with a value of the field in each time bin (the stats group of by bin(…); the whole group without one). Takes a field, not *. Also spelled countOverTime.',
  example: 'stats count_over_time(verb) by bin(5m) => 12',
  init: () => ({ n: 0 }),
  add: (s, args) => {
    if (present(argValue(args[0]))) s.n++;
  },
  merge: (s, o) => {
    s.n += o.n;
  },
  result: (s) => s.n,
  toSnapshot: (s) => ({ n: s.n }),
  fromSnapshot: (x) => ({ n: snapshotNumber(objectOf(x).n) }),
});

const sumOverTime = defineAggregate<SumState>({
  ...sumLike,
  name: 'sum_over_time',
  aliases: ['sumOverTime'],
  signature: 'sum_over_time(field)',
  returns: 'number',
  summary:
    'Sum of the numeric values in each time bin (exact, as sum); no value for a bin without one. Also spelled sumOverTime.',
  example: 'stats sum_over_time(bytes) by bin(1m) => 7',
  result: (s) => (s.n === 0 ? undefined : exactSumValue(s.sum)),
});

const rate = defineAggregate<RateState>({
  name: 'rate',
  signature: 'rate(field, interval)',
  minArgs: 2,
  maxArgs: 2,
  constantArgs: [1],
  validate: (constants) => checkFixedPeriod(constants[1], 'the interval of rate'),
  returns: 'number',
  summary:
    'Change of a numeric field per interval between the first and last sample of the bin: (last − first) / (t_last − t_first) × interval; no value for fewer than two timestamps.',
  example: 'stats rate(bytesTotal, 1s) by bin(1m) over 100 at 10:00:00 and 160 at 10:00:30 => 2',
  init: (constants) => ({ interval: intervalOf(constants), first: undefined, last: undefined }),
  add: (s, args, row) => {
    if (row.timestamp === undefined || !Number.isFinite(row.timestamp)) return;
    const x = numericArg(args[0]);
    if (x !== undefined) offerSample(s, row.timestamp, x);
  },
  merge: (s, o) => {
    if (o.first !== undefined) offerSample(s, o.first.ts, o.first.value);
    if (o.last !== undefined) offerSample(s, o.last.ts, o.last.value);
  },
  result: (s) => {
    const { interval, first, last } = s;
    if (interval === undefined || first === undefined || last === undefined || last.ts === first.ts)
      return undefined;
    const r = ((last.value - first.value) / (last.ts - first.ts)) * interval;
    return Number.isFinite(r) ? r : undefined;
  },
  toSnapshot: (s) => ({ first: s.first, last: s.last }),
  fromSnapshot: (x, constants) => {
    const o = objectOf(x);
    return { interval: intervalOf(constants), first: sampleOf(o.first), last: sampleOf(o.last) };
  },
});

const histogram = defineAggregate<HistogramState>({
  name: 'histogram',
  signature: 'histogram(field, buckets)',
  minArgs: 2,
  maxArgs: 2,
  constantArgs: [1],
  validate: (constants) =>
    bucketsOf(constants) === undefined
      ? `histogram: the number of buckets must be a whole number from 1 to ${MAX_HISTOGRAM_BUCKETS}`
      : undefined,
  returns: 'map',
  summary:
    'Equal-width buckets over [min, max] of the numeric values: a map from "[lo,hi)" (the last "[lo,hi]") to count, ascending, empty buckets included.',
  example: 'stats histogram(x, 2) over 1, 2, 3, 4 => {"[1,2.5)":2,"[2.5,4]":2}',
  init: (constants) => ({ buckets: bucketsOf(constants) ?? 10, counts: new Map() }),
  add: (s, args) => {
    const x = numericArg(args[0]);
    if (x !== undefined) addValueCount(s, x, 1);
  },
  merge: (s, o) => {
    for (const [v, c] of o.counts) addValueCount(s, v, c);
  },
  result: (s) => histogramOf(s.counts, s.buckets),
  toSnapshot: (s) => ({ counts: [...s.counts] }),
  fromSnapshot: (x, constants) => {
    const s: HistogramState = { buckets: bucketsOf(constants) ?? 10, counts: new Map() };
    const counts = objectOf(x).counts;
    if (Array.isArray(counts)) {
      for (const entry of counts) {
        if (
          Array.isArray(entry) &&
          typeof entry[0] === 'number' &&
          Number.isFinite(entry[0]) &&
          typeof entry[1] === 'number' &&
          entry[1] > 0
        )
          addValueCount(s, entry[0], entry[1]);
      }
    }
    return s;
  },
  size: (s) => 48 * s.counts.size,
});

/**
 * The time-series aggregates.
 *
 * @example
 * ```ts
 * TIME_SERIES_FUNCTIONS.map((f) => f.name) //=> ['count_over_time', 'sum_over_time', 'rate', 'histogram']
 * ```
 */
export const TIME_SERIES_FUNCTIONS: readonly AggregateFunctionDef[] = [
  { ...countOverTime, family: 'time-series' },
  { ...sumOverTime, family: 'time-series' },
  { ...rate, family: 'time-series' },
  { ...histogram, family: 'time-series' },
];
