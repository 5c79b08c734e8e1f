/**
 * Maps and lists in SQL (`src/sql/json-values.ts`): `jsonParse`, paths into
 * what it makes and `unnest` give the streaming engine's rows on DuckDB, as a
 * property over random JSON texts (valid, with trailing commas, `NaN`,
 * scalars, unicode, surrounding whitespace); where DuckDB cannot give them
 * (a repeated key, a lone surrogate escape, the text of a map) the query
 * stops with `sql_unsupported` instead; Trino keeps every one of them
 * untranslated.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isKubetrailError } from '../../src/errors.js';
import type { LogEvent } from '../../src/log-event.js';
import { compileQuery } from '../../src/query/index.js';
import { compileToSql, runOnDuckdb } from '../../src/sql/index.js';
import { cellsOf, useDuckdb } from './support.js';

const db = useDuckdb();

function eventsOf(records: readonly Record<string, unknown>[]): LogEvent[] {
  return records.map((record, i) => ({
    kind: 'json',
    timestamp: Date.parse('2024-01-01T00:00:00Z') + i * 1000,
    message: JSON.stringify(record),
    record: record as LogEvent['record'],
    source: { file: 'events', line: i + 1 },
  })) as LogEvent[];
}

async function both(q: string, events: LogEvent[]) {
  const stream = await compileQuery(q, {}).run(events);
  const duck = await runOnDuckdb(q, events, { connection: db.connection });
  return { stream: cellsOf(stream), duck: cellsOf(duck) };
}

async function duckError(q: string, events: LogEvent[]): Promise<unknown> {
  return runOnDuckdb(q, events, { connection: db.connection }).catch((e: unknown) => e);
}

const key = fc.constantFrom('a', 'b', 'a.b', '0', 'ü', '__proto__');
const scalar = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1.5, 401, 1e21, '', '401', 'ü😀', 'a,]', '"q"'),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);
const json = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 3 }),
  ),
})).value;
/** JSON text, sometimes bent into what JSON.parse rejects and DuckDB's parser reads. */
const jsonText = fc.oneof(
  { weight: 4, arbitrary: json.map((v) => JSON.stringify(v)) },
  fc
    .tuple(json, fc.constantFrom(' ', '\u00a0', '\n', '\u3000'))
    .map(([v, ws]) => `${ws}${JSON.stringify(v)}${ws}`),
  json.map((v) => JSON.stringify(v).replace(/([\]}])$/, ',$1')),
  fc.constantFrom('[NaN]', '{"a":Infinity}', '[1,]', '{"a":1,}', '[01]', 'not json', '"x"', '12', '{'),
);

describe('jsonParse, paths and unnest = the streaming engine', () => {
  test('over random JSON texts', async () => {
    const q =
      'sort @timestamp asc | fields jsonParse(s) as j | unnest j into x | display n, j.a, j.a.b, j.0, x.a, x.0, x';
    await fc.assert(
      fc.asyncProperty(fc.array(jsonText, { minLength: 1, maxLength: 6 }), async (texts) => {
        const events = eventsOf(texts.map((s, n) => ({ n, s })));
        const r = await both(q, events);
        expect(r.duck).toEqual(r.stream);
      }),
      { seed: 42, numRuns: 100 },
    );
  });
});

describe('what DuckDB cannot give stops the query', () => {
  test('a path into a map whose read key is repeated (JSON.parse keeps the last value, DuckDB the first)', async () => {
    const events = eventsOf([{ s: '{"a":1,"a":2}' }]);
    const e = await duckError('fields jsonParse(s).a as a', events);
    expect(isKubetrailError(e) && e.code).toBe('sql_unsupported');
    // Another key of the same map reads as in the engine.
    const r = await both(
      'fields jsonParse(s).b as b, jsonParse(s) as whole | display b, whole',
      eventsOf([{ s: '{"a":1,"a":2,"b":3}' }]),
    );
    expect(r.duck).toEqual(r.stream);
  });

  test('a lone surrogate escape, which JSON.parse reads and DuckDB does not', async () => {
    const e = await duckError('fields jsonParse(s) as j', eventsOf([{ s: '["\\ud800"]' }]));
    expect(isKubetrailError(e) && e.code).toBe('sql_unsupported');
  });

  test('the text of a map as a stats group', async () => {
    const e = await duckError('fields jsonParse(s) as j | stats count(*) by j', eventsOf([{ s: '{"a":1}' }]));
    expect(isKubetrailError(e) && e.code).toBe('sql_unsupported');
    // A leaf from the same value groups as in the engine.
    const r = await both(
      'fields jsonParse(s) as j | stats count(*) by j.a',
      eventsOf([{ s: '{"a":1}' }, { s: '{"a":"1"}' }]),
    );
    expect(r.duck).toEqual(r.stream);
  });

  test('a bracket index into an event field (the table keys fields by their dotted names)', () => {
    expect(() => compileToSql('fields items[0]')).toThrow(/bracket index into an event field/);
  });
});

describe('Trino keeps them untranslated', () => {
  test.each([
    'fields jsonParse(@message) as j',
    'unnest split(s, ",") into x',
    'fields jsonArraySize(s) as n',
    'fields jsonArrayContains(s, "a") as n',
  ])('%s', (q) => {
    try {
      compileToSql(q, { dialect: 'trino' });
      expect.unreachable();
    } catch (error) {
      expect(isKubetrailError(error) && error.code).toBe('sql_unsupported');
    }
  });
});
