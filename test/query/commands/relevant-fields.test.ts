// Properties of `relevantfields`: the categorical score is the total-variation
// distance (missing counted as a value) and the numeric one the
// Kolmogorov–Smirnov statistic, both in [0, 1], against plain references; the
// rows do not depend on the order of the input or on spilling.
import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { LogEvent } from '../../../src/log-event.js';
import { compileQuery } from '../../../src/query/index.js';
import { createMemorySpillStore } from '../../../src/query/spill.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');

const record = fc.record(
  {
    hit: fc.boolean(),
    cat: fc.constantFrom('a', 'b', 'größe', '👩‍💻'),
    num: fc.integer({ min: -5, max: 5 }),
  },
  { requiredKeys: ['hit'] },
);

function toEvents(records: readonly Record<string, unknown>[]): LogEvent[] {
  return records.map((record, i) => ({
    timestamp: T0 + i,
    message: JSON.stringify(record),
    kind: 'json',
    record,
    source: { file: 'mem', line: i + 1 },
  }));
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

function tvReference(records: readonly Record<string, unknown>[]): number {
  const sides = [records.filter((r) => r.hit !== true), records.filter((r) => r.hit === true)];
  const values = new Set(records.map((r) => (r.cat === undefined ? '\u0000missing' : String(r.cat))));
  let tv = 0;
  for (const v of values) {
    const share = (rs: readonly Record<string, unknown>[]) =>
      rs.filter((r) => (r.cat === undefined ? '\u0000missing' : String(r.cat)) === v).length / rs.length;
    tv += Math.abs(share(sides[1] ?? []) - share(sides[0] ?? []));
  }
  return round6(tv / 2);
}

function ksReference(records: readonly Record<string, unknown>[]): number | undefined {
  const xs = (hit: boolean) =>
    records.filter((r) => r.hit === hit && typeof r.num === 'number').map((r) => r.num as number);
  const a = xs(true);
  const b = xs(false);
  if (a.length === 0 || b.length === 0) return undefined;
  let d = 0;
  for (const t of [...a, ...b]) {
    const fa = a.filter((x) => x <= t).length / a.length;
    const fb = b.filter((x) => x <= t).length / b.length;
    d = Math.max(d, Math.abs(fa - fb));
  }
  return round6(d);
}

async function rowsOf(records: readonly Record<string, unknown>[], options = {}) {
  const result = await compileQuery('relevantfields cat, num where hit = true', options).run(
    toEvents(records),
  );
  return result.rows.map((r) => ({ ...r }));
}

describe('relevantfields', () => {
  propTest.prop([fc.array(record, { maxLength: 40 })], { seed: 42, numRuns: 200 })(
    'scores total variation for categories and Kolmogorov–Smirnov for numbers',
    async (records) => {
      const rows = await rowsOf(records);
      const both = records.some((r) => r.hit) && records.some((r) => !r.hit);
      if (!both) {
        expect(rows).toEqual([]);
        return;
      }
      const byName = new Map(rows.map((r) => [r['@fieldName'], r]));
      expect(byName.get('cat')?.['@relevanceScore']).toBe(tvReference(records));
      const ks = ksReference(records);
      if (ks !== undefined) expect(byName.get('num')?.['@relevanceScore']).toBe(ks);
      for (const r of rows) {
        const s = r['@relevanceScore'] as number;
        expect(s >= 0 && s <= 1).toBe(true);
      }
    },
  );

  propTest.prop(
    [
      fc
        .array(record, { maxLength: 40 })
        .chain((rs) => fc.tuple(fc.constant(rs), fc.shuffledSubarray(rs, { minLength: rs.length }))),
    ],
    { seed: 7, numRuns: 150 },
  )('gives the same rows for any row order, in memory or spilled', async ([records, shuffled]) => {
    const rows = await rowsOf(records);
    expect(await rowsOf(shuffled)).toEqual(rows);
    expect(await rowsOf(records, { memoryBudgetBytes: 1, spill: createMemorySpillStore })).toEqual(rows);
  });
});
