import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { LogEvent } from '../../../src/log-event.js';
import { compileQuery } from '../../../src/query/index.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');

/** Integers (so the reference sums exactly with bigint), numeric strings, and values that do not count. */
const cell = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer({ min: -1000, max: 1000 }).map((n) => n * 2 ** 40),
  fc.integer({ min: -9, max: 9 }).map(String),
  fc.constantFrom('x', true, ''),
);
const rows = fc.array(fc.record({ a: cell, b: cell }), { maxLength: 40 });

function toEvents(rs: readonly { a: unknown; b: unknown }[]): LogEvent[] {
  return rs.map((r, i) => {
    const record: Record<string, unknown> = { i };
    if (r.a !== undefined) record.a = r.a;
    if (r.b !== undefined) record.b = r.b;
    return {
      timestamp: T0 + i,
      message: JSON.stringify(record),
      kind: 'json',
      record,
      source: { line: i + 1 },
    };
  });
}

function counted(v: unknown): bigint | undefined {
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  return undefined;
}

function sum(vs: readonly unknown[]): number | undefined {
  const ns = vs.map(counted).filter((n): n is bigint => n !== undefined);
  return ns.length === 0 ? undefined : Number(ns.reduce((x, y) => x + y, 0n));
}

describe('addtotals', () => {
  propTest.prop([rows], { numRuns: 150, seed: 42 })(
    'row totals and the summary row equal bigint sums of the numeric values',
    async (rs) => {
      const { rows: out } = await compileQuery('fields a, b | addtotals col=true | display i, Total, a, b', {
        order: 'input',
        limit: 1000,
      }).run(toEvents(rs));
      expect(out).toHaveLength(rs.length === 0 ? 0 : rs.length + 1);
      rs.forEach((r, i) => {
        expect(out[i]?.Total).toBe(sum([r.a, r.b]));
      });
      if (rs.length > 0) {
        const summary = out[rs.length];
        expect(summary?.a).toBe(sum(rs.map((r) => r.a)));
        expect(summary?.b).toBe(sum(rs.map((r) => r.b)));
        expect(summary?.Total).toBe(sum(rs.map((r) => sum([r.a, r.b]))));
        expect(summary?.i).toBeUndefined();
      }
    },
  );
});
