// Properties of `accum`: the running total is exact (dyadic values summed as
// integers give the same totals, so no rounding order shows), values that are
// not numbers carry the total over, and the final total does not depend on
// the row order.
import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { LogEvent } from '../../../src/log-event.js';
import { compileQuery } from '../../../src/query/index.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');

/**
 * A cell: a dyadic number (k/8, exact in binary; sometimes huge, so plain
 * left-to-right addition would round), its numeric-string spelling, or a
 * value that is not a number (missing, null, boolean, text, a list).
 */
const cell = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -8000, max: 8000 }).map((k) => ({ eighths: BigInt(k) })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(2 ** 60, -(2 ** 60), 2 ** 70, -(2 ** 70))
      .map((n) => ({ eighths: BigInt(n) * 8n })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: -800, max: 800 }).map((k) => ({ eighths: BigInt(k), string: true })),
  },
  { weight: 2, arbitrary: fc.constantFrom(undefined, null, true, false, 'abc', '', ' 1', [1]) },
);

type Cell = { eighths: bigint; string?: boolean } | unknown;

function isNumberCell(c: Cell): c is { eighths: bigint; string?: boolean } {
  return typeof c === 'object' && c !== null && !Array.isArray(c) && 'eighths' in c;
}

function toEvents(cells: readonly Cell[]): LogEvent[] {
  return cells.map((c, i) => {
    const record: Record<string, unknown> = { i };
    if (isNumberCell(c)) {
      const n = Number(c.eighths) / 8;
      record.x = c.string === true ? String(n) : n;
    } else if (c !== undefined) record.x = c;
    return {
      timestamp: T0 + i,
      message: JSON.stringify(record),
      kind: 'json',
      record,
      source: { file: 'mem', line: i + 1 },
    };
  });
}

/** The reference: exact integer sums of eighths, rounded once. */
function referenceTotals(cells: readonly Cell[]): (number | undefined)[] {
  let total = 0n;
  let seen = false;
  return cells.map((c) => {
    if (isNumberCell(c)) {
      total += c.eighths;
      seen = true;
    }
    return seen ? Number(total) / 8 : undefined;
  });
}

async function accumTotals(cells: readonly Cell[], query: string): Promise<unknown[]> {
  const result = await compileQuery(query).run(toEvents(cells));
  return result.rows.map((r) => r.total);
}

describe('accum', () => {
  propTest.prop([fc.array(cell, { maxLength: 60 })], { seed: 42, numRuns: 300 })(
    'gives the exact running total in row order; other values carry it over',
    async (cells) => {
      const totals = await accumTotals(cells, 'sort i asc | accum x as total | fields i, total');
      expect(totals).toEqual(referenceTotals(cells));
    },
  );

  propTest.prop(
    [fc.array(cell, { minLength: 1, maxLength: 60 }), fc.array(fc.integer(), { maxLength: 60 })],
    {
      seed: 7,
      numRuns: 200,
    },
  )('the final total does not depend on the row order', async (cells, keys) => {
    const shuffled = cells
      .map((c, i) => ({ c, k: keys[i] ?? i }))
      .sort((a, b) => a.k - b.k)
      .map((e) => e.c);
    const inOrder = await accumTotals(cells, 'sort i asc | accum x as total');
    const reordered = await accumTotals(shuffled, 'sort i asc | accum x as total');
    expect(reordered.at(-1)).toEqual(inOrder.at(-1));
  });
});
