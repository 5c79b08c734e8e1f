/**
 * Lone surrogates (a JSON `\ud800` escape without its pair) on the DuckDB
 * engine: `JSON.parse` keeps them, DuckDB cannot store them. The engine
 * gives way to the streaming engine (rows and statistics are the streaming
 * engine's, `engineFallback` says why) when the input can be read again, and
 * fails with `lone_surrogate` when it cannot. Valid pairs and an escaped
 * backslash before `ud800` stay on DuckDB.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { query } from '../../src/index.js';
import type { RawReadReport, ReadProgress } from '../../src/sql/duckdb-raw-read.js';
import { escapesLoneSurrogate, holdsLoneSurrogate } from '../../src/sql/lone-surrogate.js';
import { cli } from './cli-io.js';
import { cellsOf, useDuckdb } from './support.js';

const db = useDuckdb();
const dir = mkdtempSync(join(tmpdir(), 'kubetrail-surrogate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An audit line whose user name is the JSON text `name` (escapes as written). */
function line(i: number, name: string): string {
  const t = `2026-01-01T00:00:0${i % 10}.000000Z`;
  return `{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a${i}","stageTimestamp":"${t}","requestReceivedTimestamp":"${t}","verb":"get","user":{"username":"${name}"}}`;
}

function writeLines(name: string, names: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${names.map((n, i) => line(i, n)).join('\n')}\n`);
  return path;
}

const lone = writeLines('lone.ndjson', ['alice', '\\ud800x', 'bob', 'x\\udc00', 'alice']);
const pair = writeLines('pair.ndjson', ['alice', '\\ud83d\\ude00', 'bob']);
const escaped = writeLines('escaped.ndjson', ['alice', '\\\\ud800', 'bob']);

const QUERIES = [
  'stats count(*) by user.username | sort user.username',
  'fields auditID, user.username | sort auditID',
  'filter user.username like /x/ | stats count(*)',
  'fields @message | sort @timestamp | limit 3',
  'filter user.username != "alice" | fields user.username, @ptr',
];

async function both(
  input: Parameters<typeof query>[0],
  text: string,
  duckdb: Record<string, unknown> = {},
): Promise<{ fallback: string | undefined; report: RawReadReport | undefined }> {
  let report: RawReadReport | undefined;
  const a = await query(input, text, {});
  const b = await query(input, text, {
    engine: 'duckdb',
    duckdb: { connection: db.connection, ...duckdb, onRawRead: (r: RawReadReport) => (report = r) },
  });
  expect(cellsOf(b)).toEqual(cellsOf(a));
  expect(b.fields).toEqual(a.fields);
  const { engineFallback, ...rest } = b.statistics;
  expect(rest).toEqual(a.statistics);
  return { fallback: engineFallback, report };
}

describe('a lone surrogate on the DuckDB engine', () => {
  test.each(QUERIES)(
    '%s: the streaming engine’s rows and statistics, by default and with readRaw off',
    async (q) => {
      for (const duckdb of [{}, { readRaw: false }]) {
        const { fallback } = await both(lone, q, duckdb);
        // only @message (the line's own text, escapes as written) needs no fallback
        if (q.startsWith('fields @message')) expect(fallback).toBeUndefined();
        else expect(fallback).toContain('lone surrogate');
      }
    },
  );

  test('onProgress counts the streaming run from the start', async () => {
    let last: ReadProgress | undefined;
    const r = await query(lone, QUERIES[0] as string, {
      engine: 'duckdb',
      duckdb: { connection: db.connection, onProgress: (p: ReadProgress) => (last = p) },
    });
    expect(r.statistics.engineFallback).toContain('lone surrogate');
    expect(last).toMatchObject({ records: 5, file: lone });
  });

  test('lines given as an array are read again by the streaming engine', async () => {
    const lines = [[line(0, 'alice'), line(1, '\\udbff'), line(2, 'alice')]];
    const { fallback } = await both(lines, QUERIES[0] as string);
    expect(fallback).toContain('lone surrogate');
  });

  test('a stream cannot be read again: lone_surrogate', async () => {
    async function* lines() {
      yield `${line(0, 'alice')}\n${line(1, '\\ud800')}\n`;
    }
    await expect(
      query(lines(), QUERIES[0] as string, { engine: 'duckdb', duckdb: { connection: db.connection } }),
    ).rejects.toMatchObject({ code: 'lone_surrogate' });
  });

  test('a valid pair and an escaped backslash stay on DuckDB, on the raw path', async () => {
    for (const path of [pair, escaped]) {
      const { fallback, report } = await both(path, QUERIES[0] as string);
      expect(fallback).toBeUndefined();
      expect(report).toMatchObject({ path: 'duckdb' });
    }
  });

  test('the CLI prints the streaming rows and summary, and a note', async () => {
    const q = 'stats count(*) by user.username | sort user.username';
    const a = await cli(['query', q, lone, '--format', 'json']);
    const b = await cli(['query', q, lone, '--format', 'json', '--engine', 'duckdb']);
    expect(b.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(b.stderr).toBe(
      `kubetrail: note: the streaming engine ran the query: an event holds a lone surrogate (a field the query reads), which DuckDB cannot store\n${a.stderr}`,
    );
  });
});

describe('lone surrogate detection', () => {
  test.each([
    [{ u: '\ud800x' }, true],
    [{ u: 'a\udfff' }, true],
    [{ u: '\\ud800' }, false],
    [{ u: '\\\ud800' }, true],
    [{ u: '😀' }, false],
    [{ u: '\u00e9\u0001' }, false],
  ])('%j: %s', (value, expected) => {
    expect(escapesLoneSurrogate(JSON.stringify(value))).toBe(expected);
    expect(holdsLoneSurrogate(value.u)).toBe(expected);
  });
});
