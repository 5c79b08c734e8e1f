import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { LogEvent } from '../../src/log-event.js';
import { type CompileOptions, compileQuery } from '../../src/query/index.js';
import { asyncSource, type Seen, syncSource } from './tracked-source.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');

function makeEvents(flags: readonly boolean[]): LogEvent[] {
  return flags.map((ok, i) => {
    const record = { i, ok, k: `k${i % 3}`, items: [i, i] };
    return {
      timestamp: T0 + i * 1000,
      message: JSON.stringify(record),
      kind: 'json',
      record,
      source: { file: 'mem', line: i + 1 },
    };
  });
}

/** A source with `batches()`, as `readLogs` has; `read` counts events handed over. */
function batchedSource(
  events: readonly LogEvent[],
  size: number,
): { source: AsyncIterable<LogEvent>; seen: Seen } {
  const seen: Seen = { read: 0, returned: false };
  const batches = (): AsyncIterable<readonly LogEvent[]> => ({
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        async next() {
          if (i >= events.length) return { done: true, value: undefined };
          const batch = events.slice(i, i + size);
          i += size;
          seen.read += batch.length;
          return { done: false, value: batch };
        },
        async return() {
          seen.returned = true;
          return { done: true, value: undefined };
        },
      };
    },
  });
  const source = {
    batches,
    [Symbol.asyncIterator](): AsyncIterator<LogEvent> {
      throw new Error('the engine should read batches()');
    },
  };
  return { source, seen };
}

const everyOther = makeEvents(Array.from({ length: 1000 }, (_, i) => i % 2 === 0));

describe('queries that stop reading early', () => {
  // [query, options, events the run must read (matches at 0, 2, 4, …)]
  const stopping: [string, CompileOptions, number][] = [
    ['limit any 5', {}, 5],
    ['filter ok | limit any 5', {}, 9],
    ['filter ok | fields i | parse @message /"k":"(?<key>[^"]*)"/ | limit any 5', {}, 9],
    ['filter ok | unnest jsonParse(@message).items into x | limit any 5', {}, 5],
    ['limit 5', { order: 'input' }, 5],
    ['filter ok | limit 5', { order: 'input' }, 9],
    ['filter ok | display i | limit 5', { order: 'input' }, 9],
    ['dedup k | limit 2', { order: 'input' }, 2],
    ['head 5', { order: 'input' }, 5],
    ['fields i', { order: 'input', limit: 5 }, 5],
  ];

  test.each(stopping)('%s %j reads %i events, then closes an async source', async (query, options, reads) => {
    const { source, seen } = asyncSource(everyOther);
    const result = await compileQuery(query, options).run(source);
    expect(seen.read).toBe(reads);
    expect(seen.returned).toBe(true);
    expect(result.statistics.recordsScanned).toBe(reads);
  });

  test.each(stopping)('%s %j reads %i events, then closes a sync source', async (query, options, reads) => {
    const { source, seen } = syncSource(everyOther);
    await compileQuery(query, options).run(source);
    expect(seen.read).toBe(reads);
    expect(seen.returned).toBe(true);
  });

  test.each(stopping)('%s %j stops in the first batch of a batched source', async (query, options, reads) => {
    const { source, seen } = batchedSource(everyOther, 10);
    const result = await compileQuery(query, options).run(source);
    expect(seen.read).toBe(10);
    expect(seen.returned).toBe(true);
    expect(result.statistics.recordsScanned).toBe(reads);
  });

  test('limit any keeps the first N matches and shows them newest first', async () => {
    const { rows } = await compileQuery('filter ok | limit any 3 | fields i').run(
      asyncSource(everyOther).source,
    );
    expect(rows.map((r) => r.i)).toEqual([4, 2, 0]);
  });
});

describe('queries that must read everything', () => {
  test.each<[string, CompileOptions]>([
    ['limit 5', {}],
    ['filter ok | limit 5', {}],
    ['sort i | limit 5', {}],
    ['sort i | limit any 5', {}],
    ['sort @timestamp desc | limit 100 | filter ok | limit any 5', {}],
    ['stats count(*) by k | limit 1', {}],
    ['dedup k | limit 2', {}],
    ['sort i | limit 5', { order: 'input' }],
    ['stats count(*) by k | limit 1', { order: 'input' }],
  ])('%s %j reads the whole input', async (query, options) => {
    const { source, seen } = asyncSource(everyOther);
    const result = await compileQuery(query, options).run(source);
    expect(seen.read).toBe(everyOther.length);
    expect(result.statistics.recordsScanned).toBe(everyOther.length);
  });

  test('a plain limit under the default order returns the newest matches, found at the end of the input', async () => {
    const { rows } = await compileQuery('filter ok | limit 2 | fields i').run(everyOther);
    expect(rows.map((r) => r.i)).toEqual([998, 996]);
  });
});

describe('limit any reads exactly up to its Nth match (property)', () => {
  propTest.prop([fc.array(fc.boolean(), { maxLength: 60 }), fc.integer({ min: 1, max: 20 })])(
    'reads up to the Nth match, closes the source, and returns the first N matches',
    async (flags, n) => {
      const events = makeEvents(flags);
      const { source, seen } = asyncSource(events);
      const result = await compileQuery(`filter ok | limit any ${n} | fields i`).run(source);
      const matches = flags.flatMap((ok, i) => (ok ? [i] : []));
      const expectedRead = matches.length >= n ? (matches[n - 1] as number) + 1 : flags.length;
      expect(seen.read).toBe(expectedRead);
      if (matches.length >= n) expect(seen.returned).toBe(true);
      expect(result.rows.map((r) => r.i)).toEqual(matches.slice(0, n).reverse());
    },
  );
});
