import { inspect } from 'node:util';
import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { isKubetrailError } from '../../src/errors.js';
import type { LogEvent } from '../../src/log-event.js';
import {
  COMPILE_ERROR_CODES,
  compileQuery,
  QUERY_ERROR_CODES,
  QueryError,
  toInsightsResults,
} from '../../src/query/index.js';
import { compareForSort } from '../../src/query/semantics/sort-keys.js';
import { asyncSource } from './tracked-source.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');

function event(i: number, record: Record<string, unknown>, extra: Partial<LogEvent> = {}): LogEvent {
  return {
    timestamp: T0 + i * 1000,
    message: JSON.stringify(record),
    kind: 'json',
    record,
    source: { file: 'mem', line: i + 1 },
    ...extra,
  };
}

const values = fc.oneof(
  fc.integer({ min: -50, max: 50 }),
  fc.constantFrom('a', 'B', 'a1', 'a10', 'a9', '', '#', '007', 'x y'),
  fc.constant(undefined),
);

const eventsArb = fc
  .array(fc.record({ v: values, g: fc.constantFrom('x', 'y', 'z', undefined) }), { maxLength: 60 })
  .map((rows) =>
    rows.map((r, i) => {
      const record: Record<string, unknown> = {};
      if (r.v !== undefined) record.v = r.v;
      if (r.g !== undefined) record.g = r.g;
      record.i = i;
      return event(i, record);
    }),
  );

describe('properties', () => {
  propTest.prop([eventsArb, fc.integer({ min: 1, max: 70 }), fc.boolean(), fc.boolean()])(
    'sort + limit K equals a full sort followed by taking K',
    async (events, k, desc, limitLast) => {
      const dir = desc ? 'desc' : 'asc';
      const query = limitLast
        ? `sort v ${dir} | fields i | limit ${k}`
        : `sort v ${dir} | limit ${k} | fields i`;
      const top = await compileQuery(query).run(events);
      const all = await compileQuery(`sort v ${dir} | fields i`).run(events);
      expect(top.rows).toEqual(all.rows.slice(0, k));
      // And the full sort agrees with compareForSort (stable on input order).
      const expected = events
        .map((e, i) => ({ v: (e.record as { v?: unknown }).v, i }))
        .sort((a, b) => {
          const c = compareForSort(a.v as never, b.v as never);
          return (desc ? -c : c) || a.i - b.i;
        })
        .map((x) => x.i);
      expect(all.rows.map((r) => r.i)).toEqual(expected);
    },
  );

  propTest.prop([
    eventsArb,
    fc.constantFrom('filter v > 0', 'filter g = "x"', 'filter ispresent(v)', 'fields v'),
  ])('stats group counts sum to the matched events', async (events, head) => {
    const result = await compileQuery(`${head} | stats count(*) as n by g`).run(events);
    const total = result.rows.reduce((sum, r) => sum + (r.n as number), 0);
    expect(total).toBe(result.statistics.recordsMatched);
    const plain = await compileQuery(`${head} | fields i`, { limit: 1000 }).run(events);
    expect(total).toBe(plain.rows.length);
  });

  propTest.prop([
    eventsArb,
    fc.integer({ min: 1, max: 80 }),
    fc.constantFrom('', 'filter v > 0 | ', 'sort v | '),
  ])('limit n yields at most n rows', async (events, n, head) => {
    const result = await compileQuery(`${head}limit ${n}`).run(events);
    expect(result.rows.length).toBeLessThanOrEqual(n);
    expect(result.rows.length).toBe(
      Math.min(n, head === 'filter v > 0 | ' ? result.statistics.recordsMatched : events.length),
    );
  });
});

describe('streaming', () => {
  const many = Array.from({ length: 1000 }, (_, i) => event(i, { i, ok: i % 2 === 0 }));

  test('limit any stops reading input and closes the source', async () => {
    const { source: iterable, seen } = asyncSource(many);
    const result = await compileQuery('filter ok | limit any 5 | fields i').run(iterable);
    // The first 5 matches found, then shown newest first.
    expect(result.rows.map((r) => r.i)).toEqual([8, 6, 4, 2, 0]);
    expect(seen.read).toBe(9);
    expect(seen.returned).toBe(true);
    expect(result.statistics.recordsScanned).toBe(9);
  });

  test('with order "input" a plain limit stops reading too', async () => {
    const { source: iterable, seen } = asyncSource(many);
    await compileQuery('limit 3', { order: 'input' }).run(iterable);
    expect(seen.read).toBe(3);
    expect(seen.returned).toBe(true);
  });

  test('a consumer that stops early closes the source', async () => {
    const { source: iterable, seen } = asyncSource(many);
    const stream = compileQuery('fields i', { order: 'input' }).stream(iterable);
    for await (const row of stream) {
      if (row.i === 10) break;
    }
    expect(seen.returned).toBe(true);
    expect(seen.read).toBe(11);
    expect(stream.statistics.recordsScanned).toBe(11);
  });

  test('an aborted signal cancels with query_cancelled', async () => {
    const controller = new AbortController();
    const stream = compileQuery('fields i', { order: 'input' }).stream(many, { signal: controller.signal });
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const row of stream) {
          seen.push(row.i);
          if (row.i === 3) controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ code: 'query_cancelled' });
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  test('sync iterables are accepted', async () => {
    const result = await compileQuery('stats count(*) as n').run(many);
    expect(result.rows).toEqual([{ n: 1000 }]);
  });

  test('a compiled query can run twice', async () => {
    const q = compileQuery('filter ok | stats count(*) as n');
    expect((await q.run(many)).rows).toEqual((await q.run(many)).rows);
  });
});

describe('safety', () => {
  test('a catastrophic-backtracking regex against a hostile 100k line returns', async () => {
    const hostile = `${'a'.repeat(100_000)}!`;
    const events = [{ timestamp: T0, message: hostile, kind: 'text' as const, source: {} }];
    const result = await compileQuery('filter @message like /(a+)+$/ | fields @message').run(events);
    expect(result.rows).toHaveLength(0);
    const parsed = await compileQuery('parse @message /(?<x>(a|aa)+)b/ | display x').run(events);
    expect(parsed.rows).toEqual([{ '@ptr': '#0' }]);
  });

  test('__proto__ and constructor keys are ordinary fields and pollute nothing', async () => {
    const record = JSON.parse('{"__proto__":{"isAdmin":true},"constructor":{"prototype":"x"},"k":1}');
    const events = [event(0, record)];
    const result = await compileQuery(
      'fields __proto__.isAdmin as a, constructor.prototype as b, k | stats count(*) as n by a, b',
    ).run(events);
    expect(result.rows).toEqual([{ a: true, b: 'x', n: 1 }]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    const grouped = await compileQuery('stats count(*) as n by __proto__').run([
      event(0, { __proto__: 'v' }),
    ]);
    expect(Object.getPrototypeOf(grouped.rows[0])).toBe(Object.prototype);
  });

  test('result rows are plain objects', async () => {
    const result = await compileQuery('fields k').run([event(0, { k: 1 })]);
    expect(Object.getPrototypeOf(result.rows[0])).toBe(Object.prototype);
    expect(inspect(result.rows[0])).toBe("{ k: 1, '@ptr': 'mem:1' }");
  });

  test('__proto__, constructor and prototype columns are own cells of a plain row and pollute nothing', async () => {
    const record = JSON.parse('{"__proto__":"x","constructor":"c","prototype":"p","toString":"t"}');
    const names = ['__proto__', 'constructor', 'prototype', 'toString'];
    for (const query of [`fields ${names.join(', ')}`, `stats count(*) as n by ${names.join(', ')}`]) {
      const result = await compileQuery(query).run([event(0, record), event(1, { k: 1 })]);
      const full = result.rows.find((r) => Object.hasOwn(r, 'prototype'));
      const bare = result.rows.find((r) => !Object.hasOwn(r, 'prototype'));
      if (full === undefined || bare === undefined) throw new Error(`two kinds of rows expected: ${query}`);
      for (const row of result.rows) expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
      expect(Object.keys(full).filter((k) => k !== '@ptr' && k !== 'n')).toEqual(names);
      expect(Object.getOwnPropertyDescriptor(full, '__proto__')?.value).toBe('x');
      expect([full.constructor, full.prototype, full.toString]).toEqual(['c', 'p', 't']);
      expect(Object.hasOwn(bare, '__proto__') || Object.hasOwn(bare, 'constructor')).toBe(false);
      expect(result.fields.slice(0, 4)).toEqual(names);
      expect(Object.hasOwn(JSON.parse(JSON.stringify(full)), '__proto__')).toBe(true);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('x');
  });
});

describe('errors before input', () => {
  test('every compile error code is catalogued', () => {
    for (const code of COMPILE_ERROR_CODES) expect(Object.hasOwn(QUERY_ERROR_CODES, code)).toBe(true);
  });

  test.each([
    ['fields strln(@message)', 'unknown_function', ['did you mean strlen?']],
    ['stats coutn(*)', 'unknown_function', ['did you mean count?']],
    ['fields abs(1, 2)', 'wrong_arity', undefined],
    ['filter x like /(/', 'invalid_regex', undefined],
    ['stats pct(x, y)', 'constant_required', undefined],
    [
      'pattern @message | sort @sampleCount | diff',
      'misplaced_command',
      ['write … | pattern @message | diff'],
    ],
    ['dedup a | fields a', 'command_after_dedup', undefined],
    ['stats count(*) as n | stats count(*) as m | stats count(*)', 'too_many_stats', undefined],
  ])('%s fails with %s', (query, code, hints) => {
    let thrown: unknown;
    try {
      compileQuery(query);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(QueryError);
    expect(isKubetrailError(thrown) && thrown.code).toBe(code);
    if (hints !== undefined) expect((thrown as QueryError).hints).toEqual(hints);
    expect((thrown as QueryError).format()).toContain('^');
  });
});

describe('plan facts for the performance work', () => {
  test('referencedFields lists the event fields the query reads', () => {
    const q = compileQuery(
      'fields user.username as u | filter verb = "get" and u like "sys" | stats count(*) by u',
    );
    expect([...q.referencedFields].sort()).toEqual(['user.username', 'verb']);
  });

  test('the default projection reads @timestamp and @message', () => {
    const q = compileQuery('filter verb = "get"');
    expect([...q.referencedFields].sort()).toEqual(['@message', '@timestamp', 'verb']);
  });

  test('prefilter clauses of the seed query', () => {
    const q = compileQuery(
      'fields @timestamp, @message | sort @timestamp desc | limit 100 | filter objectRef.resource="rolebindings" and verb in ["create", "update", "patch", "delete"]',
    );
    expect(q.prefilter.clauses.map((c) => c.map((t) => t.text))).toEqual([
      ['rolebindings'],
      ['create', 'update', 'patch', 'delete'],
    ]);
  });

  test.each([
    ['filter code = "401"', 0],
    ['filter not verb = "get"', 0],
    ['filter verb = "get" or x > 1', 0],
    ['filter verb = "get" or verb = "list"', 1],
    ['limit 5 | filter verb = "get"', 1],
    ['fields x as verb | filter verb = "get"', 0],
    ['filter @message like "kube"', 1],
    ['filter @logStream like "kube"', 0],
    ['stats count(*) as n by verb | filter n = "x"', 0],
  ])('prefilter of %s has %i clause(s)', (query, n) => {
    expect(compileQuery(query).prefilter.clauses).toHaveLength(n);
  });

  test('SOURCE START/END become the window', () => {
    const q = compileQuery('SOURCE "g" START=1000 END=1999 | fields @message', { startTime: 1500 });
    expect(q.window).toEqual({ startTime: 1500, endTime: 1999 });
  });
});

describe('toInsightsResults', () => {
  test('strings only, ragged rows, @ptr kept', async () => {
    const result = await compileQuery('fields a, b', { order: 'input' }).run([
      event(0, { a: 1 }),
      event(1, { b: true }),
    ]);
    expect(toInsightsResults(result)).toEqual({
      status: 'Complete',
      results: [
        [
          { field: 'a', value: '1' },
          { field: '@ptr', value: 'mem:1' },
        ],
        [
          { field: 'b', value: 'true' },
          { field: '@ptr', value: 'mem:2' },
        ],
      ],
      statistics: { recordsMatched: 2, recordsScanned: 2, bytesScanned: 17 },
    });
  });
});
