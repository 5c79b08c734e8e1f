import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { LogEvent } from '../../src/log-event.js';
import {
  type CompileOptions,
  compileQuery,
  createMemorySpillStore,
  QueryError,
} from '../../src/query/index.js';
import { decodeRow, decodeValue, encodeRow, encodeValue } from '../../src/query/spill.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');

// Mixed types, nulls, missing, unicode (astral, combining, lone surrogate), numbers that print alike.
const cell = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      1,
      2,
      401,
      '401',
      '401.0',
      'a',
      'B',
      'é',
      'e\u0301',
      '😀',
      '\ud800',
      '',
      true,
      0,
      -0,
      1e21,
    ),
  },
  { weight: 2, arbitrary: fc.integer({ min: -50, max: 50 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(1, 'x', null), { maxLength: 2 }) },
);

const eventArb = fc.record({
  t: fc.integer({ min: 0, max: 5 }),
  k: cell,
  v: cell,
  w: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constant(undefined)),
});

function toEvents(rows: readonly { t: number; k: unknown; v: unknown; w: unknown }[]): LogEvent[] {
  return rows.map((r, i) => {
    const record: Record<string, unknown> = {};
    if (r.k !== undefined) record.k = r.k;
    if (r.v !== undefined) record.v = r.v;
    if (r.w !== undefined) record.w = r.w;
    return {
      timestamp: T0 + r.t * 30_000,
      message: JSON.stringify(record),
      kind: 'json',
      record,
      source: { file: 'mem', line: i + 1 },
    };
  });
}

async function both(query: string, events: LogEvent[], budget: number, options: CompileOptions = {}) {
  const unlimited = await compileQuery(query, {
    ...options,
    memoryBudgetBytes: Number.POSITIVE_INFINITY,
  }).run(events);
  let runs = 0;
  const tiny = await compileQuery(query, {
    ...options,
    memoryBudgetBytes: budget,
    spill: () => {
      const store = createMemorySpillStore();
      const createRun = store.createRun.bind(store);
      return {
        createRun() {
          runs++;
          return createRun();
        },
        dispose: () => store.dispose(),
      };
    },
  }).run(events);
  return { unlimited, tiny, runs };
}

const rowsArb = fc.array(eventArb, { minLength: 0, maxLength: 120 });

describe('spilled = in-memory: a tiny memory budget (forcing spills) gives exactly the rows of an unlimited one', () => {
  const sortQueries = [
    'sort k | fields k, v',
    'sort k desc, v | fields k, v',
    'sort v | limit 7 | fields k, v',
    'fields k, v',
    'filter w > 2 | sort w desc | limit 3 | fields w, k',
  ];
  for (const query of sortQueries) {
    propTest.prop([rowsArb, fc.constantFrom(1, 600, 5000)], { numRuns: 40, seed: 42 })(
      `sort: ${query}`,
      async (rows, budget) => {
        const events = toEvents(rows);
        const { unlimited, tiny, runs } = await both(query, events, budget, { limit: 50 });
        expect(tiny.rows).toEqual(unlimited.rows);
        if (events.length > 10 && budget === 1) expect(runs).toBeGreaterThan(0);
      },
    );
  }

  const dedupQueries: [string, CompileOptions][] = [
    ['dedup k', {}],
    ['sort v | dedup k', {}],
    ['sort k desc | dedup v, w | limit 4', {}],
    ['dedup k', { order: 'input' }],
    ['fields k, w | dedup k, w', { order: 'input' }],
  ];
  for (const [query, options] of dedupQueries) {
    propTest.prop([rowsArb, fc.constantFrom(1, 600, 5000)], { numRuns: 40, seed: 42 })(
      `dedup: ${query} ${JSON.stringify(options)}`,
      async (rows, budget) => {
        const { unlimited, tiny } = await both(query, toEvents(rows), budget, options);
        expect(tiny.rows).toEqual(unlimited.rows);
      },
    );
  }

  // The top-K heap of distinct keys (a limit after sort | dedup) spills into the external path part-way; the rows
  // must be the first K of the same query without a limit, in memory.
  const topDistinctQueries = [
    'sort v | dedup k',
    'sort k desc, v | dedup v, w',
    'sort w | dedup k',
    'dedup k',
    'dedup v, k',
  ];
  for (const query of topDistinctQueries) {
    propTest.prop([rowsArb, fc.integer({ min: 0, max: 9 }), fc.constantFrom(1, 600, 2000, 5000)], {
      numRuns: 40,
      seed: 42,
    })(`top-K dedup: ${query} | limit K`, async (rows, k, budget) => {
      const events = toEvents(rows);
      const whole = await compileQuery(`fields k, v, w | ${query}`, {
        memoryBudgetBytes: Number.POSITIVE_INFINITY,
      }).run(events);
      const { unlimited, tiny } = await both(`fields k, v, w | ${query} | limit ${k}`, events, budget);
      expect(unlimited.rows).toEqual(whole.rows.slice(0, k));
      expect(tiny.rows).toEqual(unlimited.rows);
    });
  }

  const statsQueries = [
    'stats count(*), count(v), sum(v), avg(v), min(v), max(v), stddev(v) by k',
    'stats count_distinct(v), pct(w, 50), pct(w, 90), earliest(v), latest(v), sortsFirst(v), sortsLast(v) by k',
    'stats count(*) as n, count_distinct(k) by w, bin(1m) | sort n desc',
    'stats sum(w) * 2 as s, count(*) as c, s / c as ratio by k, v',
    'stats count(*) as n by k | stats count(*) by n',
    'stats count(*) by k | dedup `count(*)`',
  ];
  for (const query of statsQueries) {
    propTest.prop([rowsArb, fc.constantFrom(8192, 16384)], { numRuns: 40, seed: 42 })(
      `stats: ${query}`,
      async (rows, budget) => {
        const { unlimited, tiny } = await both(query, toEvents(rows), budget);
        expect(tiny.rows).toEqual(unlimited.rows);
      },
    );
  }

  // A spilled row carries every event field: an invalid timestamp stays null, and a message that is not its
  // record's JSON text (pretty-printed, keys reordered) keeps its own record; one that is gets it back by parsing.
  const eventShapes = fc.array(
    fc.record({ row: eventArb, invalidTime: fc.boolean(), pretty: fc.boolean() }),
    { maxLength: 80 },
  );
  const shapedEvents = (
    shapes: { row: Parameters<typeof toEvents>[0][number]; invalidTime: boolean; pretty: boolean }[],
  ) =>
    toEvents(shapes.map((s) => s.row)).map((e, i): LogEvent => {
      const s = shapes[i] as (typeof shapes)[number];
      return {
        ...e,
        ...(s.invalidTime ? { timestamp: 0, timestampInvalid: true as const } : {}),
        ...(s.pretty ? { message: JSON.stringify(e.record, null, 1) } : {}),
      };
    });
  for (const [query, options] of [
    // (no fields command: the rows show @timestamp and @message, read from the spilled event)
    ['sort k', {}],
    ['sort k desc | dedup v', {}],
    ['sort w | dedup k | limit 3', {}],
    ['dedup k', { order: 'input' }],
  ] as [string, CompileOptions][]) {
    propTest.prop([eventShapes, fc.constantFrom(1, 600)], { numRuns: 40, seed: 42 })(
      `event fields survive a spill: ${query} ${JSON.stringify(options)}`,
      async (shapes, budget) => {
        const { unlimited, tiny } = await both(query, shapedEvents(shapes), budget, {
          limit: 100,
          ...options,
        });
        expect(tiny.rows).toEqual(unlimited.rows);
      },
    );
  }

  test('many distinct groups at a tiny budget go through several spill levels and keep first-appearance order', async () => {
    const events = toEvents(
      Array.from({ length: 3000 }, (_, i) => ({ t: i % 6, k: `key-${(i * 7919) % 2000}`, v: i, w: i % 10 })),
    );
    const { unlimited, tiny, runs } = await both(
      'stats count(*), sum(v), count_distinct(w) by k',
      events,
      4096,
    );
    expect(unlimited.rows).toHaveLength(2000);
    expect(tiny.rows).toEqual(unlimited.rows);
    expect(runs).toBeGreaterThan(16);
  });

  test('one group alone over the budget (count_distinct, pct without by) stops with resource_limit before it spills', async () => {
    const events = toEvents(Array.from({ length: 2000 }, (_, i) => ({ t: 0, k: `key-${i}`, v: i, w: 1 })));
    for (const query of ['stats count_distinct(k)', 'stats pct(v, 50)']) {
      let runs = 0;
      const error = await compileQuery(query, {
        memoryBudgetBytes: 4096,
        spill: () => {
          const store = createMemorySpillStore();
          return {
            createRun() {
              runs++;
              return store.createRun();
            },
            dispose: () => store.dispose(),
          };
        },
      })
        .run(events)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error, query).toBeInstanceOf(QueryError);
      expect((error as QueryError).code, query).toBe('resource_limit');
      expect(runs, query).toBe(0);
      // under a budget it fits in, the same query is exact
      const ok = await compileQuery(query, { memoryBudgetBytes: Number.POSITIVE_INFINITY }).run(events);
      expect(ok.rows).toHaveLength(1);
    }
  });

  test('count_distinct and pct charge their distinct sets to the budget: the groups spill, or stop without a store', async () => {
    // 6 groups of 1,500 distinct values: about 200 KB of sets each, 1.2 MB together
    const events = toEvents(
      Array.from({ length: 9000 }, (_, i) => ({ t: 0, k: `id-${i}`, v: i * 1.5, w: i % 6 })),
    );
    for (const query of [
      'stats count_distinct(k) as d by w',
      'stats pct(v, 50) as p, pct(v, 90) as q by w',
    ]) {
      const budget = 512 * 1024;
      const { unlimited, tiny, runs } = await both(query, events, budget);
      expect(unlimited.rows, query).toHaveLength(6);
      expect(tiny.rows, query).toEqual(unlimited.rows);
      expect(runs, query).toBeGreaterThan(0);
      const error = await compileQuery(query, { memoryBudgetBytes: budget })
        .run(events)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect((error as QueryError).code, query).toBe('resource_limit');
    }
  });

  test('a sort that spills more runs than one merge takes (64) merges in passes', async () => {
    const events = toEvents(
      Array.from({ length: 400 }, (_, i) => ({ t: i % 6, k: (i * 37) % 101, v: i, w: 1 })),
    );
    const { unlimited, tiny, runs } = await both('sort k, v desc | fields k, v', events, 1, { limit: 1000 });
    expect(tiny.rows).toEqual(unlimited.rows);
    expect(runs).toBeGreaterThan(64);
  });

  test('without a spill store, a stage at the budget stops with resource_limit naming the stage and the option', async () => {
    const events = toEvents(Array.from({ length: 200 }, (_, i) => ({ t: 0, k: `k${i}`, v: i, w: 1 })));
    for (const [query, stage] of [
      ['stats count(*) by k', 'stats'],
      ['sort k | fields k', 'sort'],
      ['dedup k', 'dedup'],
    ] as const) {
      const error = await compileQuery(query, { memoryBudgetBytes: 2000 })
        .run(events)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(QueryError);
      const q = error as QueryError;
      expect(q.code).toBe('resource_limit');
      expect(q.message.startsWith(`${stage} would hold more than its memory budget of 2000 bytes`)).toBe(
        true,
      );
      expect(q.message).toContain('memoryBudgetBytes');
      expect(q.format()).toContain('^');
    }
  });

  test.each([0, -1, 1.5, Number.NaN])('memoryBudgetBytes %s is rejected at compile time', (budget) => {
    expect(() => compileQuery('fields k', { memoryBudgetBytes: budget })).toThrow(/memoryBudgetBytes/);
  });
});

function typeOf(v: unknown): string {
  return v instanceof Date ? 'date' : Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v;
}

describe('the spill codec reads back exactly what it wrote', () => {
  const valueArb = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constant(undefined),
      fc.constant(null),
      fc.boolean(),
      fc.double(),
      fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
      fc.string({ unit: 'binary' }),
      fc.date({ noInvalidDate: false }),
      fc.array(tie('value'), { maxLength: 3 }),
      // as JSON.parse makes maps: own keys (even __proto__) on an ordinary object
      fc
        .dictionary(fc.constantFrom('a', '__proto__', 'constructor', 'x.y', ''), tie('value'), { maxKeys: 3 })
        .map((d) => Object.fromEntries(Object.entries(d))),
    ),
  })).value;

  propTest.prop([valueArb])('values', (v) => {
    const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(v))));
    // (toStrictEqual reads a "constructor" key as the type, so compare the encodings, which tell every case apart)
    expect(JSON.stringify(encodeValue(back))).toBe(JSON.stringify(encodeValue(v)));
    expect(typeOf(back)).toBe(typeOf(v));
    if (typeof back === 'object' && back !== null && !Array.isArray(back) && !(back instanceof Date)) {
      expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    }
  });

  test('a __proto__ key stays an own field and pollutes nothing', () => {
    const record = JSON.parse('{"__proto__":{"polluted":1},"a":[1,{"__proto__":2}]}');
    const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(record)))) as Record<string, unknown>;
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(back).toStrictEqual(record);
  });

  test('an event whose record is its message JSON is read back by parsing the message; others carry the record', () => {
    const record = JSON.parse('{"__proto__":{"p":1},"a":[1,"x",null],"b":{"c":true}}');
    for (const message of [JSON.stringify(record), JSON.stringify(record, null, 1), '{"b":{"c":true}}']) {
      const event: LogEvent = {
        timestamp: 0,
        timestampInvalid: true,
        message,
        kind: 'json',
        record,
        source: { file: 'f', line: 1 },
      };
      const row = { event, ordinal: 1, defined: undefined, record: undefined, discovered: undefined };
      const encoded = JSON.stringify(encodeRow(row as never));
      // the record is written beside the message only when it is not the message's JSON
      expect(encoded.includes('"r":')).toBe(message !== JSON.stringify(record));
      const back = decodeRow(JSON.parse(encoded));
      expect(back.event).toStrictEqual(event);
      expect(Object.hasOwn(back.event?.record as object, '__proto__')).toBe(true);
    }
  });

  test('rows with events and defined fields', () => {
    const event: LogEvent = {
      timestamp: T0,
      message: '{"a":1e999}',
      kind: 'json',
      record: { a: Number.POSITIVE_INFINITY },
      logStream: 's',
      source: { file: 'f', line: 3 },
      messageBytes: 11,
    };
    const row = {
      event,
      ordinal: 7,
      defined: new Map<string, unknown>([
        ['x', new Date(5)],
        ['y', undefined],
      ]),
      record: undefined,
      discovered: undefined,
    };
    const back = decodeRow(JSON.parse(JSON.stringify(encodeRow(row as never))));
    expect(back.event).toStrictEqual(event);
    expect(back.ordinal).toBe(7);
    expect([...(back.defined ?? [])]).toStrictEqual([...row.defined]);
  });
});
