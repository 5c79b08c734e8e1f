import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { LogEvent } from '../../../src/log-event.js';
import { compileQuery } from '../../../src/query/index.js';
import { valueToResultString } from '../../../src/query/semantics/format.js';
import { compareForSort } from '../../../src/query/semantics/sort-keys.js';
import type { Value } from '../../../src/query/value.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');

/** A field value: often missing or null, numbers and numeric strings that print alike, plain strings. */
const cell = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.constantFrom(1, 2, 401, '401', '1', 'a', 'b', 'A', true, 'true', 0, '') },
);

interface Spec {
  readonly t: number;
  readonly a: unknown;
  readonly b: unknown;
  readonly v: unknown;
}

const specs = fc.array(fc.record({ t: fc.integer({ min: 0, max: 6 }), a: cell, b: cell, v: cell }), {
  maxLength: 80,
});

function toEvents(rows: readonly Spec[]): LogEvent[] {
  return rows.map((r, i) => {
    const record: Record<string, unknown> = { i };
    // Missing stays missing (no key); null is a JSON null.
    if (r.a !== undefined) record.a = r.a;
    if (r.b !== undefined) record.b = r.b;
    if (r.v !== undefined) record.v = r.v;
    return {
      timestamp: T0 + r.t * 1000, // few distinct times: many ties
      message: JSON.stringify(record),
      kind: 'json',
      record,
      source: { file: 'mem', line: i + 1 },
    };
  });
}

/**
 * The reference: a full stable sort, then the first row of each key; a row
 * with a missing or null field is always kept. Keys compare by result string.
 */
function reference(
  events: readonly LogEvent[],
  sortKey: (e: LogEvent) => Value,
  descending: boolean,
  fields: readonly ('a' | 'b')[],
): number[] {
  const sorted = events
    .map((e, i) => ({ e, i }))
    .sort((x, y) => {
      const c = compareForSort(sortKey(x.e), sortKey(y.e));
      return (descending ? -c : c) || x.i - y.i;
    });
  const seen = new Set<string>();
  const out: number[] = [];
  for (const { e, i } of sorted) {
    const record = e.record as Record<string, Value>;
    const parts = fields.map((f) => valueToResultString(record[f]));
    if (parts.some((p) => p === undefined)) {
      out.push(i);
      continue;
    }
    const key = JSON.stringify(parts);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(i);
  }
  return out;
}

const FIELDS = fc.constantFrom<('a' | 'b')[]>(['a'], ['b'], ['a', 'b'], ['b', 'a']);

describe('dedup keeps one row per key (plus rows with a missing field), as a full sort then first-per-key', () => {
  propTest.prop([specs, FIELDS, fc.integer({ min: 0, max: 100 })])(
    'under the default newest-first order',
    async (rows, fields, limit) => {
      const events = toEvents(rows);
      const result = await compileQuery(`display i | dedup ${fields.join(', ')} | limit ${limit}`).run(
        events,
      );
      const expected = reference(events, (e) => new Date(e.timestamp), true, fields).slice(0, limit);
      expect(result.rows.map((r) => r.i)).toEqual(expected);
    },
  );

  propTest.prop([specs, FIELDS, fc.boolean()])('after an explicit sort', async (rows, fields, descending) => {
    const events = toEvents(rows);
    const dir = descending ? 'desc' : 'asc';
    const result = await compileQuery(`display i | sort v ${dir} | dedup ${fields.join(', ')}`).run(events);
    const expected = reference(events, (e) => (e.record as Record<string, Value>).v, descending, fields);
    expect(result.rows.map((r) => r.i)).toEqual(expected);
  });

  propTest.prop([specs, FIELDS, fc.boolean(), fc.integer({ min: 0, max: 12 })])(
    'after an explicit sort with a limit (the top-K heap of distinct keys)',
    async (rows, fields, descending, limit) => {
      const events = toEvents(rows);
      const dir = descending ? 'desc' : 'asc';
      const q = `display i | sort v ${dir} | dedup ${fields.join(', ')} | limit ${limit}`;
      const result = await compileQuery(q).run(events);
      const expected = reference(events, (e) => (e.record as Record<string, Value>).v, descending, fields);
      expect(result.rows.map((r) => r.i)).toEqual(expected.slice(0, limit));
    },
  );

  propTest.prop([specs, FIELDS])("in input order (order: 'input'), streaming", async (rows, fields) => {
    const events = toEvents(rows);
    const result = await compileQuery(`display i | dedup ${fields.join(', ')}`, { order: 'input' }).run(
      events,
    );
    // Sorting by a constant keeps input order.
    expect(result.rows.map((r) => r.i)).toEqual(reference(events, () => 0, false, fields));
  });

  propTest.prop([specs, FIELDS])(
    'holds no more rows than distinct keys plus rows with a missing field',
    async (rows, fields) => {
      const events = toEvents(rows);
      const kept = reference(events, (e) => new Date(e.timestamp), true, fields).length;
      const q = `display i | dedup ${fields.join(', ')}`;
      // Exactly the kept rows fit; one fewer is a resource_limit error, never a shorter result.
      expect((await compileQuery(q, { maxBufferedRows: Math.max(kept, 1) }).run(events)).rows).toHaveLength(
        kept,
      );
      if (kept > 1) {
        await expect(compileQuery(q, { maxBufferedRows: kept - 1 }).run(events)).rejects.toMatchObject({
          code: 'resource_limit',
        });
      }
    },
  );
});

test('sort | dedup | limit K holds K rows, not one per distinct key: 20,000 keys fit a 64 KiB budget without spilling', async () => {
  // keys repeat with a stride, so a key's best row arrives after rows of many other keys
  const events = toEvents(
    Array.from({ length: 20_000 }, (_, i) => ({
      t: i,
      a: `key-${(i * 7919) % 5000}`,
      b: undefined,
      v: (i * 104_729) % 20_011,
    })),
  );
  for (const [q, sortKey, descending] of [
    ['display i | sort v | dedup a | limit 5', (e: LogEvent) => (e.record as Record<string, Value>).v, false],
    ['display i | dedup a | limit 5', (e: LogEvent) => new Date(e.timestamp), true],
  ] as const) {
    // no spill store: holding one row per key (5,000 rows) would stop with resource_limit
    const { rows } = await compileQuery(q, { memoryBudgetBytes: 64 * 1024 }).run(events);
    expect(rows.map((r) => r.i)).toEqual(reference(events, sortKey, descending, ['a']).slice(0, 5));
  }
});

test('dedup under the default order returns the newest row of each key', async () => {
  const events = toEvents([
    { t: 1, a: 'x', b: undefined, v: undefined },
    { t: 3, a: 'x', b: undefined, v: undefined },
    { t: 2, a: 'y', b: undefined, v: undefined },
    { t: 3, a: 'x', b: undefined, v: undefined },
    { t: 0, a: null, b: undefined, v: undefined },
  ]);
  const { rows } = await compileQuery('display i, a | dedup a').run(events);
  expect(rows.map((r) => ({ ...r }))).toEqual([
    { i: 1, a: 'x', '@ptr': 'mem:2' },
    { i: 2, a: 'y', '@ptr': 'mem:3' },
    { i: 4, '@ptr': 'mem:5' },
  ]);
});
