import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../src/log-event.js';
import { matchesFieldPattern } from '../../../src/query/commands/filldown.js';
import { compileQuery } from '../../../src/query/index.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');

/** A field value: often missing or null, else a small value of any JSON leaf type. */
const cell = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.constantFrom(1, 0, 'a', '', 'ü✓', true, 2.5) },
);

const specs = fc.array(fc.record({ a: cell, b: cell }), { maxLength: 60 });

function toEvents(rows: readonly { a: unknown; b: unknown }[]): LogEvent[] {
  return rows.map((r, i) => {
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

/** The reference: a loop over the rows with the last non-null value of each field. */
function reference(rows: readonly { a: unknown; b: unknown }[]): unknown[][] {
  let a: unknown;
  let b: unknown;
  return rows.map((r) => {
    if (r.a !== undefined && r.a !== null) a = r.a;
    if (r.b !== undefined && r.b !== null) b = r.b;
    // (a result row leaves a null cell out, as a missing one)
    return [r.a ?? a ?? undefined, r.b ?? b ?? undefined];
  });
}

async function run(query: string, events: LogEvent[]): Promise<unknown[][]> {
  const { rows } = await compileQuery(query, { order: 'input', limit: 1000 }).run(events);
  return rows.map((row) => [row.a, row.b]);
}

describe('filldown', () => {
  propTest.prop([specs], { numRuns: 200, seed: 42 })(
    'equals a loop that keeps the last non-null value of each field',
    async (rows) => {
      const events = toEvents(rows);
      const expected = reference(rows);
      expect(await run('fields a, b | filldown a b', events)).toEqual(expected);
      // the empty list and the pattern * stand for the same columns
      expect(await run('fields a, b | filldown', events)).toEqual(expected);
      expect(await run('fields a, b | filldown *', events)).toEqual(expected);
    },
  );

  propTest.prop([specs, fc.integer({ min: 1, max: 7 })], { numRuns: 100, seed: 7 })(
    'does not depend on how the input is chunked (an async stream of chunks = one array)',
    async (rows, size) => {
      const events = toEvents(rows);
      async function* chunked(): AsyncGenerator<LogEvent> {
        for (let i = 0; i < events.length; i += size) {
          await Promise.resolve();
          yield* events.slice(i, i + size);
        }
      }
      const q = compileQuery('fields a, b | filldown a b', { order: 'input', limit: 1000 });
      const whole = (await q.run(events)).rows;
      const parts = (await q.run(chunked())).rows;
      expect(parts).toEqual(whole);
    },
  );

  it.each([
    ['cpu*', 'cpu_user', true],
    ['cpu*', 'cpu', true],
    ['cpu*', 'xcpu', false],
    ['*_total', 'bytes_total', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbY', false],
    ['*', '', true],
    ['a**', 'a', true],
  ] as const)('pattern %s matches %s: %s', (pattern, name, result) => {
    expect(matchesFieldPattern(pattern, name)).toBe(result);
  });

  it('matches a long name against many stars in linear-ish time (no backtracking blow-up)', () => {
    expect(matchesFieldPattern('*a'.repeat(200), 'a'.repeat(5000))).toBe(true);
    expect(matchesFieldPattern(`${'*a'.repeat(200)}b`, 'a'.repeat(5000))).toBe(false);
  });
});
