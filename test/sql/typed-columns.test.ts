/**
 * The typed columns of an imported copy (`KUBETRAIL_TYPED_COLUMNS`): a field
 * gets a VARCHAR, DOUBLE or BOOLEAN column only when every value it has in
 * the data is of that one JSON type; a field whose values mix types, or that
 * is JSON null anywhere, stays in the JSON column `fields` only. Either way a
 * query over the copy gives exactly the streaming engine's rows: missing
 * stays missing, null stays null, numeric strings stay strings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { LogEvent } from '../../src/log-event.js';
import { compileQuery } from '../../src/query/index.js';
import { importEvents, runOnDuckdb } from '../../src/sql/duckdb-engine.js';
import { cellsOf, useDuckdb } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'kubetrail-typed-columns-'));
// One DuckDB instance for the file's queries over the copies (about 180; one each cost about 30% of the file's CPU).
const db = useDuckdb();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const now = Date.parse('2024-06-01T00:00:00Z');

function eventsOf(records: readonly Record<string, unknown>[]): LogEvent[] {
  return records.map((record, i) => ({
    timestamp: Date.parse('2024-01-01T00:00:00Z') + (i % 3) * 60_000,
    message: JSON.stringify(record),
    kind: 'json',
    record,
    logStream: 'kube-apiserver-audit-1',
    source: { file: 'events', line: i + 1 },
  }));
}

let copies = 0;

/** Imports the events and returns the copy's path and its typed columns (name → DuckDB type). */
async function importCopy(
  events: readonly LogEvent[],
  ext: 'duckdb' | 'parquet',
): Promise<{ path: string; typed: Map<string, string> }> {
  const path = join(dir, `copy-${copies++}.${ext}`);
  await importEvents(events, path, { threads: 1 });
  try {
    const from = ext === 'duckdb' ? `'${path}'` : `read_parquet('${path}')`;
    if (ext === 'duckdb') await db.connection.run(`ATTACH ${from} AS c (READ_ONLY)`);
    const rows = (
      await db.connection.runAndReadAll(
        `DESCRIBE SELECT * FROM ${ext === 'duckdb' ? 'c.kubetrail_events' : from}`,
      )
    ).getRows();
    const typed = new Map(
      rows.filter((r) => String(r[0]).startsWith('kc_')).map((r) => [String(r[0]), String(r[1])]),
    );
    return { path, typed };
  } finally {
    if (ext === 'duckdb') await db.connection.run('DETACH DATABASE IF EXISTS c');
  }
}

/** Queries that tell a missing field, a JSON null, a number, a numeric string and a boolean apart. */
const QUERIES = [
  'fields verb, responseStatus.code, readOnly, user.username',
  'filter ispresent(verb) | fields verb',
  'filter isempty(verb) | fields verb',
  'filter isblank(user.username) | fields user.username',
  'filter verb = "get" | fields verb',
  'filter not verb = "get" | fields verb',
  'filter verb != "get" | fields verb',
  'filter responseStatus.code = 401 | fields responseStatus.code',
  'filter responseStatus.code = "401" | fields responseStatus.code',
  'filter responseStatus.code >= 400 | fields responseStatus.code',
  'filter readOnly = "true" | fields readOnly',
  'filter readOnly | fields readOnly',
  'filter not readOnly | fields readOnly',
  'fields coalesce(verb, "none") as v, coalesce(responseStatus.code, -1) as c',
  'fields strlen(verb) as n, toupper(user.username) as u',
  'fields responseStatus.code + 1 as c1, responseStatus.code / 3 as c3',
  'stats count(*) as n, count(verb) as v, count(responseStatus.code) as c by user.username',
  'stats sum(responseStatus.code) as s, avg(responseStatus.code) as a, min(verb) as lo, max(verb) as hi',
  'stats count_distinct(responseStatus.code) as d, pct(responseStatus.code, 50) as p',
  'stats count(*) by verb, readOnly',
  'stats count(*) by responseStatus.code',
  'sort verb asc | fields verb, @ptr',
  'sort responseStatus.code desc | fields responseStatus.code',
  'sort user.username asc, readOnly desc | fields user.username, readOnly',
  'fields verb | dedup verb',
  'fields responseStatus.code | dedup responseStatus.code',
  'parse user.username "system:*" as who | fields who',
  'filter verb like /e/ | fields verb',
  'filter verb in ["get", 401, "true"] | fields verb',
];

async function expectStreamingRows(events: readonly LogEvent[], path: string): Promise<void> {
  const source = path.endsWith('.duckdb') ? { database: path } : { parquet: [path] };
  for (const q of QUERIES) {
    const a = await compileQuery(q, { now }).run(events);
    const b = await runOnDuckdb(q, [], { now, connection: db.connection, source });
    expect(cellsOf(b), q).toEqual(cellsOf(a));
    expect(b.statistics, q).toEqual(a.statistics);
  }
}

describe('a field gets a typed column only when all its values share one JSON type', () => {
  const uniform = eventsOf([
    { verb: 'get', responseStatus: { code: 200 }, readOnly: true, user: { username: 'system:node' } },
    { verb: 'list', responseStatus: { code: 401.5 }, readOnly: false, user: { username: 'alice' } },
    // Missing fields (no JSON null) keep the column: missing is SQL NULL.
    { responseStatus: {}, user: {} },
    { verb: '401', responseStatus: { code: 1e21 }, user: { username: ' ' } },
    { verb: 'true', responseStatus: { code: -0 }, readOnly: true, user: { username: 'Ünï 😀' } },
  ]);

  test.each(['duckdb', 'parquet'] as const)(
    'one type per field (%s): VARCHAR, DOUBLE, BOOLEAN',
    async (ext) => {
      const { path, typed } = await importCopy(uniform, ext);
      expect(typed.get('kc_verb')).toBe('VARCHAR');
      expect(typed.get('kc_user_username')).toBe('VARCHAR');
      expect(typed.get('kc_responsestatus_code')).toBe('DOUBLE');
      expect(typed.get('kc_readonly')).toBe('BOOLEAN');
      // A field absent from every record gets no column.
      expect(typed.has('kc_eventname')).toBe(false);
      await expectStreamingRows(uniform, path);
    },
  );

  const mixed = eventsOf([
    // verb: a string, a number and a numeric string; code: a number and a numeric string;
    // readOnly: a boolean and a string; user.username: a string and an object's leaf elsewhere.
    { verb: 'get', responseStatus: { code: 401 }, readOnly: true, user: { username: 'alice' } },
    { verb: 401, responseStatus: { code: '401' }, readOnly: 'true', user: { username: 'bob' } },
    { verb: '401', responseStatus: { code: 500 }, readOnly: false, user: { username: 7 } },
    { verb: true, user: {} },
  ]);

  test.each(['duckdb', 'parquet'] as const)('mixed types stay untyped (%s)', async (ext) => {
    const { path, typed } = await importCopy(mixed, ext);
    expect([...typed.keys()]).toEqual([]);
    await expectStreamingRows(mixed, path);
  });

  const nulls = eventsOf([
    // verb: null in one record, missing in another; code: null only; readOnly: missing or boolean.
    { verb: 'get', responseStatus: { code: null }, readOnly: true, user: { username: 'alice' } },
    { verb: null, responseStatus: { code: null }, user: { username: null } },
    { responseStatus: {}, readOnly: false, user: {} },
    { verb: 'delete', user: { username: '' } },
  ]);

  test.each(['duckdb', 'parquet'] as const)(
    'a JSON null keeps the field untyped; missing alone does not (%s)',
    async (ext) => {
      const { path, typed } = await importCopy(nulls, ext);
      expect(typed.has('kc_verb')).toBe(false);
      expect(typed.has('kc_user_username')).toBe(false);
      expect(typed.has('kc_responsestatus_code')).toBe(false);
      expect(typed.get('kc_readonly')).toBe('BOOLEAN');
      await expectStreamingRows(nulls, path);
    },
  );
});
