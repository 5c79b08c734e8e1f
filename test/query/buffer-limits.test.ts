import { describe, expect, test } from 'vitest';
import type { LogEvent } from '../../src/log-event.js';
import {
  COMPILE_ERROR_CODES,
  type CompileOptions,
  compileQuery,
  QUERY_ERROR_CODES,
  QueryError,
} from '../../src/query/index.js';
import { asyncSource } from './tracked-source.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');

function events(n: number, record: (i: number) => Record<string, unknown>): LogEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const r = record(i);
    return {
      timestamp: T0 + i * 1000,
      message: JSON.stringify(r),
      kind: 'json',
      record: r,
      source: { file: 'mem', line: i + 1 },
    };
  });
}

async function failure(
  query: string,
  input: readonly LogEvent[],
  options: CompileOptions,
): Promise<QueryError> {
  try {
    await compileQuery(query, options).run(input);
  } catch (error) {
    if (error instanceof QueryError) return error;
    throw error;
  }
  throw new Error(`${query} did not fail`);
}

const distinct = (n: number) => events(n, (i) => ({ i, k: `k${i}` }));

describe('maxBufferedRows: every buffering stage is bounded, and going over it is an error, never a truncation', () => {
  test('resource_limit is a catalogued code that runs can throw', () => {
    expect(Object.hasOwn(QUERY_ERROR_CODES, 'resource_limit')).toBe(true);
    expect(COMPILE_ERROR_CODES).toContain('resource_limit');
  });

  // [query, options, rows that fit, rows that overflow, the stage named in the message]
  test.each<[string, CompileOptions, number, string]>([
    ['sort i | fields i', { maxBufferedRows: 5 }, 5, 'sort'],
    ['sort i | limit 8 | fields i', { maxBufferedRows: 5 }, 5, 'sort'],
    ['fields i', { maxBufferedRows: 5, limit: 100 }, 5, 'the default newest-first order'],
    ['filter i >= 0 | limit 50', { maxBufferedRows: 5 }, 5, 'the default newest-first order'],
    ['dedup k', { maxBufferedRows: 5 }, 5, 'dedup'],
    ['sort i desc | dedup k', { maxBufferedRows: 5 }, 5, 'dedup'],
    ['dedup k', { maxBufferedRows: 5, order: 'input' }, 5, 'dedup'],
    ['stats count(*) by k', { maxBufferedRows: 5 }, 5, 'stats'],
    ['stats count(*) by bin(1s)', { maxBufferedRows: 5 }, 5, 'stats'],
  ])('%s with %j holds %i and fails at one more, naming %s', async (query, options, fits, stage) => {
    const ok = await compileQuery(query, options).run(distinct(fits));
    expect(ok.rows).toHaveLength(fits);
    const error = await failure(query, distinct(fits + 1), options);
    expect(error.code).toBe('resource_limit');
    expect(error.phase).toBe('run');
    expect(error.message.startsWith(`${stage} would hold more than 5 `)).toBe(true);
    expect(error.message).toContain('maxBufferedRows');
    expect(error.format()).toContain('^');
  });

  test('unnest: a list longer than the bound fails; one at the bound passes', async () => {
    const lists = (n: number) => events(n, (i) => ({ i, list: Array.from({ length: i }, (_, j) => j) }));
    const query = 'fields i | unnest jsonParse(@message).list into x | display i, x';
    const options = { maxBufferedRows: 5, order: 'input' } as const;
    const ok = await compileQuery(query, options).run(lists(6));
    expect(ok.rows).toHaveLength(0 + 1 + 2 + 3 + 4 + 5);
    const error = await failure(query, lists(7), options);
    expect(error.code).toBe('resource_limit');
    expect(error.message).toMatch(/^unnest would hold more than 5 rows from one row/);
    expect(error.line).toBe(1);
    expect(error.column).toBe(12);
  });

  test('parse … multi: more matches in one line than the bound fails', async () => {
    const line = (n: number): LogEvent[] => [
      { timestamp: T0, message: 'x'.repeat(n), kind: 'text', source: { file: 'mem', line: 1 } },
    ];
    const query = 'parse @message /(?<c>x)/ multi | display c';
    const options = { maxBufferedRows: 5, order: 'input' } as const;
    expect((await compileQuery(query, options).run(line(5))).rows).toHaveLength(5);
    expect((await failure(query, line(6), options)).message).toMatch(/^parse … multi would hold more than 5/);
  });

  test('a sort with a limit at or below the bound keeps only the top K and never fails', async () => {
    const { rows } = await compileQuery('sort i desc | limit 3 | fields i', { maxBufferedRows: 3 }).run(
      distinct(1000),
    );
    expect(rows.map((r) => r.i)).toEqual([999, 998, 997]);
  });

  test('the default order keeps only the cap (10,000 rows), far below the default bound', async () => {
    const { rows } = await compileQuery('fields i', { maxBufferedRows: 10_000 }).run(distinct(20_000));
    expect(rows).toHaveLength(10_000);
    expect(rows[0]?.i).toBe(19_999);
  });

  test('dedup counts distinct keys, not rows: many duplicates fit a small bound', async () => {
    const input = events(1000, (i) => ({ i, k: `k${i % 4}` }));
    const { rows } = await compileQuery('dedup k', { maxBufferedRows: 4 }).run(input);
    expect(rows.map((r) => r['@message'])).toEqual(
      input
        .slice(-4)
        .reverse()
        .map((e) => e.message),
    );
  });

  test('rows kept because a dedup field is missing count against the bound (under a sort)', async () => {
    const input = events(6, (i) => (i < 3 ? { i, k: 'same' } : { i }));
    expect((await compileQuery('dedup k', { maxBufferedRows: 4 }).run(input)).rows).toHaveLength(4);
    expect((await failure('dedup k', input, { maxBufferedRows: 3 })).code).toBe('resource_limit');
    // Streaming dedup (input order) passes such rows on at once: nothing to hold.
    const streamed = await compileQuery('dedup k', { maxBufferedRows: 1, order: 'input' }).run(input);
    expect(streamed.rows).toHaveLength(4);
  });

  test('Infinity lifts the bound', async () => {
    const { rows } = await compileQuery('sort i | fields i', {
      maxBufferedRows: Number.POSITIVE_INFINITY,
    }).run(distinct(50));
    expect(rows).toHaveLength(50);
  });

  test.each([0, -1, 1.5, Number.NaN])('maxBufferedRows %s is rejected before any input is read', (max) => {
    expect(() => compileQuery('fields i', { maxBufferedRows: max })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });

  test('the source is closed when a stage goes over the bound', async () => {
    const { source, seen } = asyncSource(distinct(10));
    await expect(
      compileQuery('stats count(*) by k', { maxBufferedRows: 3 }).run(source),
    ).rejects.toMatchObject({
      code: 'resource_limit',
    });
    expect(seen.read).toBe(4);
    expect(seen.returned).toBe(true);
  });
});
