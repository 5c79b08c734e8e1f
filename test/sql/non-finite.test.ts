/**
 * Numbers too large for a double: `JSON.parse` reads `1e400` as Infinity and
 * `-1e400` as -Infinity, and the streaming engine keeps them as numbers.
 * The DuckDB engine must give the same rows on the readers' path, on an
 * imported copy (where `responseStatus.code` becomes a typed DOUBLE column)
 * and with the literal `1e400` in the query: the appended JSON holds the
 * number (not `null`), and the text DuckDB gives back parses to it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readLogs } from '../../src/read/index.js';
import { query } from '../../src/run/index.js';
import { importEvents } from '../../src/sql/duckdb-engine.js';
import { duckdbJsonText, parseDuckdbJson } from '../../src/sql/json-text.js';
import { cellsOf, useDuckdb } from './support.js';

const db = useDuckdb();
const dir = mkdtempSync(join(tmpdir(), 'kubetrail-non-finite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = [
  '{"kind":"Event","verb":"get","x":1e400,"responseStatus":{"code":1e400},"stageTimestamp":"2026-01-01T00:00:00Z"}',
  '{"kind":"Event","verb":"list","x":-1e400,"responseStatus":{"code":-1e400},"stageTimestamp":"2026-01-01T00:00:01Z"}',
  '{"kind":"Event","verb":"list","x":5,"responseStatus":{"code":500},"stageTimestamp":"2026-01-01T00:00:02Z"}',
  '{"kind":"Event","verb":"get","x":[2,1e400],"responseStatus":{"code":200},"stageTimestamp":"2026-01-01T00:00:03Z"}',
  '{"kind":"Event","verb":"get","x":"1e400","stageTimestamp":"2026-01-01T00:00:04Z"}',
];
const file = join(dir, 'audit.ndjson');
writeFileSync(file, `${lines.join('\n')}\n`);

const queries = [
  'fields x, responseStatus.code',
  'filter x > 1 | fields x',
  'filter x < 0 | fields x, x * 2 as y',
  'filter x = 1e400 or x = -1e400 | fields x',
  'filter x in [1e400, "-Infinity"] | fields x',
  'filter x like /Inf/ | fields x',
  'filter responseStatus.code >= 500 | fields responseStatus.code',
  'stats sum(x), max(x), min(x), avg(x), count(x), count_distinct(x) by verb',
  'stats count(*) by x',
  'stats count(*) by responseStatus.code',
  'stats pct(x, 50), earliest(x), latest(x)',
  'sort x desc | fields x',
  'sort x asc | fields x',
  'sort responseStatus.code desc | fields responseStatus.code',
  'fields concat(x, "s") as s, toupper(x) as t, strlen(x) as l, abs(x) as a, 1e400 as c',
  'fields x.1 as second | filter ispresent(second)',
  'dedup x',
];

const now = Date.parse('2026-06-01T00:00:00Z');

describe('±1e400 on the readers path: DuckDB = streaming', () => {
  test.each(queries)('%s', async (q) => {
    const a = await query(file, q, { now });
    const b = await query(file, q, {
      now,
      engine: 'duckdb',
      duckdb: { threads: 1, connection: db.connection },
    });
    expect(cellsOf(b)).toEqual(cellsOf(a));
    expect(b.statistics).toEqual(a.statistics);
  });
});

describe('±1e400 in an imported copy: DuckDB = streaming', () => {
  const copy = join(dir, 'audit.parquet');
  test.each(queries)('%s', async (q) => {
    await importEvents(readLogs(file), copy, { threads: 1 });
    const a = await query(file, q, { now });
    const b = await query(copy, q, { now, engine: 'duckdb', duckdb: { threads: 1 } });
    expect(cellsOf(b)).toEqual(cellsOf(a));
  });
});

describe('the JSON text of non-finite numbers', () => {
  test('is written as ±1e400 anywhere in a value, and reads back as the number', () => {
    const value = { x: Number.POSITIVE_INFINITY, y: [1, Number.NEGATIVE_INFINITY, null], z: 'null' };
    const text = duckdbJsonText(value);
    expect(text).toBe('{"x":1e400,"y":[1,-1e400,null],"z":"null"}');
    expect(parseDuckdbJson(text)).toEqual(value);
  });

  test("a value without one is JSON.stringify's text", () => {
    const value = { a: null, b: 'Infinity', c: [1.5, { d: true }] };
    expect(duckdbJsonText(value)).toBe(JSON.stringify(value));
  });

  test("DuckDB's bare Infinity tokens read as numbers; inside strings they stay text", () => {
    expect(parseDuckdbJson('[Infinity,-Infinity,"-Infinity",NaN]')).toEqual([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      '-Infinity',
      null,
    ]);
    expect(() => parseDuckdbJson('{"a":')).toThrow(SyntaxError);
  });
});
