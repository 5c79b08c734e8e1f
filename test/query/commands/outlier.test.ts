// Properties of `outlier`: it equals a plain two-pass reference (quartiles by
// linear interpolation, clamp or remove), and it is deterministic: the same
// rows whatever the chunking of the input, in memory or spilled at a small
// byte budget, and the same bounds for any order of the rows.
import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { LogEvent } from '../../../src/log-event.js';
import { compileQuery } from '../../../src/query/index.js';
import { createMemorySpillStore } from '../../../src/query/spill.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');

/** A cell: mostly small numbers (so quartiles tie), some far out, numeric strings, and non-numbers. */
const cell = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -20, max: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom(1000, -1000, 0.5, 1e15) },
  { weight: 1, arbitrary: fc.integer({ min: -20, max: 20 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, true, 'abc', '') },
);

function toEvents(cells: readonly unknown[]): LogEvent[] {
  return cells.map((x, i) => {
    const record: Record<string, unknown> = { i };
    if (x !== undefined) record.x = x;
    return {
      timestamp: T0 + i,
      message: JSON.stringify(record),
      kind: 'json',
      record,
      source: { file: 'mem', line: i + 1 },
    };
  });
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}

function quantile(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return h === lo ? a : a + (b - a) * (h - lo);
}

/** The reference: the output cells of x and the marker, in input order. */
function reference(
  cells: readonly unknown[],
  remove: boolean,
  param: number,
  uselower: boolean,
): unknown[][] {
  const sorted = cells
    .map(numberOf)
    .filter((n): n is number => n !== undefined)
    .sort((a, b) => a - b);
  const q1 = sorted.length === 0 ? 0 : quantile(sorted, 0.25);
  const q3 = sorted.length === 0 ? 0 : quantile(sorted, 0.75);
  const upper = q3 + param * (q3 - q1);
  const lower = uselower ? q1 - param * (q3 - q1) : Number.NEGATIVE_INFINITY;
  const out: unknown[][] = [];
  cells.forEach((c) => {
    const n = numberOf(c);
    const shown = c === null ? undefined : c;
    if (n === undefined || sorted.length === 0) {
      out.push([shown, false]);
      return;
    }
    if (n > upper || n < lower) {
      if (!remove) out.push([n > upper ? upper : lower, true]);
      return;
    }
    out.push([shown, false]);
  });
  return out;
}

function queryOf(remove: boolean, param: number, uselower: boolean): string {
  return `sort i asc | outlier action=${remove ? 'remove' : 'transform'} param=${param} uselower=${uselower} mark=true x | display x, _outlier`;
}

async function cellsOf(query: string, events: Iterable<LogEvent> | AsyncIterable<LogEvent>, options = {}) {
  const result = await compileQuery(query, options).run(events);
  return result.rows.map((r) => [r.x, r._outlier]);
}

/** The events as a batched source, cut at the given sizes. */
function chunked(
  events: readonly LogEvent[],
  sizes: readonly number[],
): AsyncIterable<LogEvent> & {
  batches(): AsyncIterable<readonly LogEvent[]>;
} {
  return {
    async *batches() {
      let at = 0;
      for (const n of sizes) {
        if (at >= events.length) break;
        yield events.slice(at, at + n);
        at += n;
      }
      if (at < events.length) yield events.slice(at);
    },
    async *[Symbol.asyncIterator]() {
      yield* events;
    },
  };
}

const settings = fc.record({
  remove: fc.boolean(),
  param: fc.constantFrom(0, 1, 1.5, 2.5, 3),
  uselower: fc.boolean(),
});

describe('outlier', () => {
  propTest.prop([fc.array(cell, { maxLength: 60 }), settings], { seed: 42, numRuns: 300 })(
    'equals a two-pass reference',
    async (cells, s) => {
      const got = await cellsOf(queryOf(s.remove, s.param, s.uselower), toEvents(cells));
      expect(got).toEqual(reference(cells, s.remove, s.param, s.uselower));
    },
  );

  propTest.prop(
    [
      fc.array(cell, { maxLength: 60 }),
      settings,
      fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 20 }),
    ],
    { seed: 7, numRuns: 150 },
  )('is deterministic under chunking and spilling', async (cells, s, sizes) => {
    const query = queryOf(s.remove, s.param, s.uselower);
    const events = toEvents(cells);
    const whole = await cellsOf(query, events);
    expect(await cellsOf(query, chunked(events, sizes))).toEqual(whole);
    const spilled = await cellsOf(query, chunked(events, sizes), {
      memoryBudgetBytes: 1,
      spill: createMemorySpillStore,
    });
    expect(spilled).toEqual(whole);
  });

  propTest.prop(
    [
      fc
        .array(cell, { maxLength: 60 })
        .chain((c) => fc.tuple(fc.constant(c), fc.shuffledSubarray(c, { minLength: c.length }))),
    ],
    {
      seed: 11,
      numRuns: 150,
    },
  )('takes the same bounds for any order of the rows', async ([cells, shuffled]) => {
    const query =
      'outlier param=1 uselower=true mark=true x | stats count(*) as n by x, _outlier | sort x, _outlier';
    const a = await compileQuery(query).run(toEvents(cells));
    const b = await compileQuery(query).run(toEvents(shuffled));
    // (a group shows its first value: -10 or "-10" by the order, so compare the text)
    expect(b.rows.map((r) => [String(r.x), r._outlier, r.n])).toEqual(
      a.rows.map((r) => [String(r.x), r._outlier, r.n]),
    );
  });
});
