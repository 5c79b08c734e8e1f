// Properties of `countFrequent`: it equals the stats it is planned as
// (`stats count(*) as _approxcount by … | sort _approxcount desc`), equals a
// plain counting reference (exact counts, most frequent first, ties in order
// of first appearance), and gives the same rows when it spills at a small
// byte budget.
import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { LogEvent } from '../../../src/log-event.js';
import { compileQuery } from '../../../src/query/index.js';
import { createMemorySpillStore } from '../../../src/query/spill.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');

/** Few distinct values, so that counts repeat and ties happen; missing and null too. */
const cell = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'c', 'größe', '👩‍💻', '') },
  { weight: 2, arbitrary: fc.constantFrom(1, 2, '1') },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null) },
);
const row = fc.tuple(cell, cell);

function toEvents(rows: readonly (readonly [unknown, unknown])[]): LogEvent[] {
  return rows.map(([x, y], i) => {
    const record: Record<string, unknown> = { i };
    if (x !== undefined) record.x = x;
    if (y !== undefined) record.y = y;
    return {
      timestamp: T0 + i,
      message: JSON.stringify(record),
      kind: 'json',
      record,
      source: { file: 'mem', line: i + 1 },
    };
  });
}

/** How a value groups: its result text (401 and "401" alike), missing and null alike. */
function keyOf(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

/** The reference: exact counts per tuple, most frequent first, ties in order of first appearance. */
function reference(rows: readonly (readonly [unknown, unknown])[]): Record<string, string>[] {
  const groups = new Map<string, { x: string | undefined; y: string | undefined; n: number }>();
  for (const [x, y] of rows) {
    const kx = keyOf(x);
    const ky = keyOf(y);
    const key = JSON.stringify([kx ?? null, ky ?? null]);
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { x: kx, y: ky, n: 1 });
    else g.n++;
  }
  // (Array.prototype.sort is stable)
  return [...groups.values()]
    .sort((a, b) => b.n - a.n)
    .map((g) => {
      const out: Record<string, string> = {};
      if (g.x !== undefined) out.x = g.x;
      if (g.y !== undefined) out.y = g.y;
      out._approxcount = String(g.n);
      return out;
    });
}

async function rowsOf(
  query: string,
  rows: readonly (readonly [unknown, unknown])[],
  options = {},
): Promise<Record<string, string>[]> {
  const result = await compileQuery(query, options).run(toEvents(rows));
  return result.rows.map((r) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(r)) if (k !== '@ptr' && v !== undefined) out[k] = String(v);
    return out;
  });
}

describe('countFrequent', () => {
  propTest.prop([fc.array(row, { maxLength: 80 })], { seed: 42, numRuns: 200 })(
    'equals stats count(*) by … | sort desc and a counting reference',
    async (rows) => {
      const got = await rowsOf('countFrequent x, y', rows);
      expect(got).toEqual(reference(rows));
      const viaStats = await rowsOf('stats count(*) as _approxcount by x, y | sort _approxcount desc', rows);
      expect(got).toEqual(viaStats);
    },
  );

  propTest.prop([fc.array(row, { maxLength: 80 })], { seed: 7, numRuns: 100 })(
    'gives the same rows when it spills at a small byte budget',
    async (rows) => {
      const spilled = await rowsOf('count_frequent x, y', rows, {
        memoryBudgetBytes: 2048,
        spill: createMemorySpillStore,
      });
      expect(spilled).toEqual(reference(rows));
    },
  );
});
