/**
 * The plain-order fast path of an imported copy: a typed string column whose
 * values all have one chunk shape (`src/sql/column-shapes.ts`) is sorted by
 * a plain ORDER BY instead of the chunk key. Checked as properties: the shape
 * rule against `compareChunked` itself, and sorts, min/max and top-N over
 * copies of one shape, of mixed shapes and of numeric-looking shapes (which
 * must not take the fast path) against the streaming engine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import type { LogEvent } from '../../src/log-event.js';
import { compileQuery } from '../../src/query/index.js';
import { compareCodePoints } from '../../src/query/semantics/compare.js';
import { compareChunked } from '../../src/query/semantics/sort-keys.js';
import { chunkShape, mayBeNumericShape, ShapeTracker, sameChunkShape } from '../../src/sql/column-shapes.js';
import { copySchemaOf, importEvents, runOnDuckdb } from '../../src/sql/duckdb-engine.js';
import { cellsOf, useDuckdb } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'kubetrail-plain-order-'));
// One DuckDB instance for the file's queries and schema reads over the copies (two per property run):
// opening them per run cost about a fifth of the file's CPU.
const db = useDuckdb();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const now = Date.parse('2024-06-01T00:00:00Z');

/** Shape templates: `0` a digit, `a` an ASCII letter, anything else itself. Some may be numeric strings. */
const TEMPLATES = [
  '0000-00-00a00:00:00.000000a',
  'a0',
  '0a',
  'aa-00',
  'a.a',
  'a-a',
  'é0a',
  '日a0',
  'x😀0',
  '00',
  '0.0',
  '0a0',
  '-0a+00',
  '',
  'aaa',
] as const;

const DIGITS = '0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A string of the template's shape. */
function ofShape(template: string): fc.Arbitrary<string> {
  const parts = [...template].map((ch) =>
    ch === '0'
      ? fc.constantFrom(...DIGITS)
      : ch === 'a'
        ? fc.oneof(fc.constantFrom('e', 'E', 'a', 'z', 'Z'), fc.constantFrom(...LETTERS))
        : fc.constant(ch),
  );
  return fc.tuple(...parts).map((cs) => cs.join(''));
}

/** A string of one of the templates (so mostly of mixed shapes). */
const anyShape = fc.constantFrom(...TEMPLATES).chain(ofShape);

describe('chunk shapes', () => {
  test('two strings of one shape: the chunk order is the code-point order', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TEMPLATES).chain((t) => fc.tuple(ofShape(t), ofShape(t))),
        ([a, b]) => {
          expect(sameChunkShape(a, b)).toBe(true);
          expect(chunkShape(a)).toBe(chunkShape(b));
          expect(Math.sign(compareChunked(a, b))).toBe(Math.sign(compareCodePoints(a, b)));
        },
      ),
      { numRuns: 2000, seed: 11 },
    );
  });

  test('sameChunkShape is equality of chunkShape', () => {
    const str = fc.oneof(anyShape, fc.string({ unit: 'grapheme', maxLength: 5 }));
    fc.assert(
      fc.property(str, str, (a, b) => {
        expect(sameChunkShape(a, b)).toBe(chunkShape(a) === chunkShape(b));
      }),
      { numRuns: 2000, seed: 12 },
    );
  });

  test('a shape that may be a numeric string is recognised', () => {
    // every numeric string of a template has a shape flagged as possibly numeric
    const numeric = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
    fc.assert(
      fc.property(anyShape, (s) => {
        if (numeric.test(s)) expect(mayBeNumericShape(chunkShape(s))).toBe(true);
      }),
      { numRuns: 2000, seed: 13 },
    );
    expect(mayBeNumericShape('0000-00-00a00:00:00.000000a')).toBe(false);
    expect(mayBeNumericShape('0a0')).toBe(true);
  });

  test('the tracker keeps a field only while its strings have one shape', () => {
    const t = new ShapeTracker(['a', 'b', 'c']);
    t.observe({ a: 'x1', b: 'x1', c: 5 });
    t.observe({ a: 'y2', b: 'x-', c: 'q' });
    t.observe({ b: 'x1' });
    expect(t.shapes()).toEqual(
      new Map([
        ['a', 'a0'],
        ['c', 'a'],
      ]),
    );
  });
});

/** Events whose sorted fields take their strings from the given templates (one or several shapes). */
function eventsArb(templates: readonly string[]): fc.Arbitrary<LogEvent[]> {
  const value = fc.constantFrom(...templates).chain(ofShape);
  const record = fc.record(
    {
      kind: fc.constant('Event'),
      verb: fc.constantFrom('get', 'list'),
      stageTimestamp: value,
      user: fc.record({ username: value }, { requiredKeys: [] }),
    },
    { requiredKeys: ['kind', 'verb'] },
  );
  return fc.array(record, { minLength: 1, maxLength: 14 }).map((records) =>
    records.map(
      (r, i): LogEvent => ({
        timestamp: Date.parse('2024-01-01T00:00:00Z') + (i % 4) * 60_000,
        message: JSON.stringify(r),
        kind: 'json',
        record: r,
        logStream: 'kube-apiserver-audit-1',
        source: { file: 'events', line: i + 1 },
      }),
    ),
  );
}

const QUERIES = [
  'fields stageTimestamp, verb | sort stageTimestamp desc | limit 5',
  'fields stageTimestamp | sort stageTimestamp asc',
  'sort user.username desc | limit 3 | fields user.username, stageTimestamp',
  'stats min(stageTimestamp), max(stageTimestamp), max(user.username) by verb | sort verb',
  'stats sortsFirst(user.username), sortsLast(stageTimestamp)',
  'filter verb = "get" | sort stageTimestamp, user.username desc | limit 4',
];

let copies = 0;

/** Runs one query over a copy of the events and over the events; returns whether the copy took the fast path. */
async function compare(query: string, events: LogEvent[], ext: 'duckdb' | 'parquet'): Promise<boolean> {
  const path = join(dir, `copy-${copies++}.${ext}`);
  await importEvents(events, path, { threads: 1 });
  const source = ext === 'duckdb' ? { database: path } : { parquet: [path] };
  const expected = await compileQuery(query, { now }).run(events);
  const actual = await runOnDuckdb(query, [], { now, connection: db.connection, source });
  expect(cellsOf(actual)).toEqual(cellsOf(expected));
  expect(actual.statistics).toEqual(expected.statistics);
  try {
    if (ext === 'duckdb') await db.connection.run(`ATTACH '${path}' AS imported (READ_ONLY)`);
    const { typed } = await copySchemaOf(db.connection, source);
    return typed.get('stageTimestamp')?.plainOrder === true;
  } finally {
    if (ext === 'duckdb') await db.connection.run('DETACH DATABASE IF EXISTS imported');
  }
}

describe.each(['parquet', 'duckdb'] as const)('sorts over a copy equal the streaming engine (%s)', (ext) => {
  test('one shape that is not numeric: the fast path', { timeout: 120_000 }, async () => {
    let fast = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TEMPLATES.filter((t) => !mayBeNumericShape(t))),
        fc.constantFrom(...QUERIES),
        fc.context(),
        async (template, query, ctx) => {
          const events = fc.sample(eventsArb([template]), { numRuns: 1, seed: copies })[0] as LogEvent[];
          ctx.log(JSON.stringify(events.map((e) => e.record)));
          const plain = await compare(query, events, ext);
          const present = events.some(
            (e) => (e.record as { stageTimestamp?: unknown }).stageTimestamp !== undefined,
          );
          if (present) {
            expect(plain).toBe(true);
            fast++;
          }
        },
      ),
      { numRuns: 25, seed: 21 },
    );
    expect(fast).toBeGreaterThan(0);
  });

  test('mixed or numeric-looking shapes: the full key', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uniqueArray(fc.constantFrom(...TEMPLATES), { minLength: 2, maxLength: 3 }),
          fc.constantFrom(...TEMPLATES.filter(mayBeNumericShape)).map((t) => [t]),
        ),
        fc.constantFrom(...QUERIES),
        async (templates, query) => {
          const events = fc.sample(eventsArb(templates), { numRuns: 1, seed: copies })[0] as LogEvent[];
          const shapes = new Set(
            events.flatMap((e) => {
              const v = (e.record as { stageTimestamp?: string }).stageTimestamp;
              return v === undefined ? [] : [chunkShape(v)];
            }),
          );
          const plain = await compare(query, events, ext);
          // the fast path only when the sample happened to have one shape, not a numeric one
          if (shapes.size !== 1 || mayBeNumericShape([...shapes][0] as string)) expect(plain).toBe(false);
        },
      ),
      { numRuns: 25, seed: 22 },
    );
  });
});

test('Parquet files of different single shapes are not sorted plainly together', async () => {
  const a = join(dir, 'shape-a.parquet');
  const b = join(dir, 'shape-b.parquet');
  const mk = (values: string[]): LogEvent[] =>
    values.map((v, i) => ({
      timestamp: Date.parse('2024-01-01T00:00:00Z') + i,
      message: JSON.stringify({ kind: 'Event', stageTimestamp: v }),
      kind: 'json',
      record: { kind: 'Event', stageTimestamp: v },
      logStream: 'kube-apiserver-audit-1',
      source: { file: 'events', line: i + 1 },
    }));
  // chunked: 'x9' < 'x10' (digit runs by length); plain: 'x10' < 'x9'
  const first = mk(['x9', 'x8']);
  const second = mk(['x10', 'x11']);
  await importEvents(first, a, { threads: 1 });
  await importEvents(second, b, { threads: 1 });
  const query = 'fields stageTimestamp | sort stageTimestamp desc';
  const expected = await compileQuery(query, { now }).run([...first, ...second]);
  const actual = await runOnDuckdb(query, [], {
    now,
    connection: db.connection,
    source: { parquet: [a, b] },
  });
  expect(cellsOf(actual)).toEqual(cellsOf(expected));
  expect(actual.rows.map((r) => r.stageTimestamp)).toEqual(['x11', 'x10', 'x9', 'x8']);
  // one file of two shapes: the chunk key
  const both = join(dir, 'shape-ab.parquet');
  await importEvents([...first, ...second], both, { threads: 1 });
  const mixed = await runOnDuckdb(query, [], { now, connection: db.connection, source: { parquet: [both] } });
  expect(mixed.rows.map((r) => r.stageTimestamp)).toEqual(['x11', 'x10', 'x9', 'x8']);
  expect(
    (await copySchemaOf(db.connection, { parquet: [both] })).typed.get('stageTimestamp')?.plainOrder,
  ).toBe(undefined);
  expect((await copySchemaOf(db.connection, { parquet: [a] })).typed.get('stageTimestamp')?.plainOrder).toBe(
    true,
  );
  expect(
    (await copySchemaOf(db.connection, { parquet: [a, b] })).typed.get('stageTimestamp')?.plainOrder,
  ).toBe(undefined);
});
