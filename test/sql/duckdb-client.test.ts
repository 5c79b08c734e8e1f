/**
 * The engine's small DuckDB client (`src/sql/duckdb-client.ts`) reads the
 * same rows as `@duckdb/node-api`: every column type it decodes itself
 * (NULLs, inline and pointer strings, unicode, 128-bit integers, several
 * chunks), and results it hands to `@duckdb/node-api` (lists, timestamps).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type DuckdbConnection, type DuckdbInstance, loadDuckdbClient } from '../../src/sql/duckdb-client.js';

let ours: { instance: DuckdbInstance; connection: DuckdbConnection };
let theirs: Awaited<ReturnType<Awaited<ReturnType<typeof DuckDBInstance.create>>['connect']>>;
let theirInstance: Awaited<ReturnType<typeof DuckDBInstance.create>>;

beforeAll(async () => {
  const instance = await loadDuckdbClient().DuckDBInstance.create(':memory:', { threads: '1' });
  ours = { instance, connection: await instance.connect() };
  theirInstance = await DuckDBInstance.create(':memory:', { threads: '1' });
  theirs = await theirInstance.connect();
});
afterAll(() => {
  ours.connection.closeSync();
  ours.instance.closeSync();
  theirs.closeSync();
  theirInstance.closeSync();
});

const QUERIES = [
  "SELECT TRUE AS b, FALSE AS f, CAST(NULL AS BOOLEAN) AS n, CAST(-5 AS TINYINT) AS t, CAST(-300 AS SMALLINT) AS s, -70000 AS i, CAST(-9007199254740993 AS BIGINT) AS g, CAST(200 AS UTINYINT) AS ut, CAST(60000 AS USMALLINT) AS us, CAST(4000000000 AS UINTEGER) AS ui, CAST(18446744073709551615 AS UBIGINT) AS ug, CAST(1.5 AS FLOAT) AS fl, CAST(-0.1 AS DOUBLE) AS d, CAST('Infinity' AS DOUBLE) AS inf",
  'SELECT CAST(-170141183460469231731687303715884105728 AS HUGEINT) AS lo, CAST(170141183460469231731687303715884105727 AS HUGEINT) AS hi, CAST(-1 AS HUGEINT) AS m, sum(CAST(x AS BIGINT)) AS s FROM range(10) t(x)',
  "SELECT 'short' AS a, 'exactly12byt' AS b, 'thirteen bytes' AS c, 'ünïcödé 日本 😀 over twelve bytes' AS d, '' AS e, CAST(NULL AS VARCHAR) AS f, to_json({'k': 'v'}) AS j",
  "SELECT x, CASE WHEN x % 3 = 0 THEN NULL ELSE repeat('ab', x % 20) END AS s, CASE WHEN x % 5 = 0 THEN NULL ELSE x * 1.5 END AS d FROM range(5000) t(x) ORDER BY x",
  "SELECT [1, 2] AS l, TIMESTAMP '2024-05-14 10:00:00' AS ts, 'x' AS s",
  'SELECT 1 AS a WHERE FALSE',
  "SELECT column_name, column_type FROM (DESCRIBE SELECT 1 AS a, 'b' AS b)",
];

test.each(QUERIES)('%s', async (sql) => {
  const a = (await ours.connection.runAndReadAll(sql)).getRows();
  const b = (await theirs.runAndReadAll(sql)).getRows();
  expect(a).toEqual(b);
});

test('the appender and errors', async () => {
  await ours.connection.run('CREATE TABLE t (a BIGINT, b VARCHAR)');
  const appender = await ours.connection.createAppender('t');
  appender.appendBigInt(7n);
  appender.appendVarchar('long string over twelve bytes');
  appender.endRow();
  appender.appendNull();
  appender.appendVarchar('s');
  appender.endRow();
  appender.flushSync();
  appender.closeSync();
  expect((await ours.connection.runAndReadAll('SELECT * FROM t ORDER BY a NULLS LAST')).getRows()).toEqual([
    [7n, 'long string over twelve bytes'],
    [null, 's'],
  ]);
  await expect(ours.connection.run('SELECT * FROM missing_table')).rejects.toThrow(/missing_table/);
});
