import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { LogEvent } from '../../../src/log-event.js';
import { compileQuery } from '../../../src/query/index.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');

const values = fc.array(
  fc.oneof(fc.constant(undefined), fc.integer({ min: -5, max: 5 }), fc.constantFrom('a', 'ü')),
  {
    maxLength: 50,
  },
);

function toEvents(vs: readonly unknown[]): LogEvent[] {
  return vs.map((v, i) => {
    const record: Record<string, unknown> = v === undefined ? { i } : { i, v };
    return {
      timestamp: T0 + i,
      message: JSON.stringify(record),
      kind: 'json',
      record,
      source: { line: i + 1 },
    };
  });
}

describe('autoregress', () => {
  propTest.prop([values, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 4 })], {
    numRuns: 150,
    seed: 42,
  })('v_pK is the value K rows before, for every K of the range', async (vs, start, more) => {
    const end = start + more;
    const names = Array.from({ length: more + 1 }, (_, j) => `v_p${start + j}`);
    const { rows } = await compileQuery(`autoregress v p=${start}-${end} | display i, ${names.join(', ')}`, {
      order: 'input',
      limit: 1000,
    }).run(toEvents(vs));
    rows.forEach((row, i) => {
      names.forEach((name, j) => {
        expect(row[name]).toEqual(vs[i - (start + j)]);
      });
    });
  });
});
