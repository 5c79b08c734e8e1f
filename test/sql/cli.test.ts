/**
 * The SQL parts of the CLI, in process: `query --engine duckdb` prints the
 * streaming engine's rows; an untranslated construct exits 3 with a code frame.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { cli } from './cli-io.js';

const samples = fileURLToPath(new URL('../../samples/', import.meta.url));

describe('kubetrail query --engine duckdb', () => {
  test('prints the same rows as the streaming engine', async () => {
    const q = 'filter verb = "delete" | stats count(*) by objectRef.resource | sort objectRef.resource';
    const a = await cli(['query', q, samples, '--format', 'json', '--quiet']);
    const b = await cli(['query', q, samples, '--format', 'json', '--quiet', '--engine', 'duckdb']);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });

  test('an untranslated construct exits 3 with the code frame', async () => {
    const r = await cli(['query', 'expand items', samples, '--engine', 'duckdb', '--quiet']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('sql_unsupported');
    expect(r.stderr).toContain('expand');
  });
});

describe('kubetrail query --engine duckdb on raw files (DuckDB reads them itself)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubetrail-read-raw-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'audit.ndjson');
  const lines = Array.from({ length: 50 }, (_, i) =>
    JSON.stringify({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      auditID: `id-${i}`,
      verb: ['get', 'list', 'delete'][i % 3],
      user: { username: `user-${i % 4}` },
      requestReceivedTimestamp: `2026-01-01T00:00:${String(i).padStart(2, '0')}.000000Z`,
      stageTimestamp: `2026-01-01T00:00:${String(i).padStart(2, '0')}.100000Z`,
    }),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
  // a carriage return: the readers keep it in the message, so they must read this file
  const crFile = join(dir, 'crlf.ndjson');
  writeFileSync(crFile, `${lines.join('\r\n')}\r\n`);
  const json = ['--format', 'json'];
  const duckdb = ['--engine', 'duckdb'];

  test.each([
    'stats count(*) by user.username | sort user.username',
    'fields auditID, verb | sort auditID | limit 5',
  ])('%s: the rows and summary of the streaming engine, by default and with on or off', async (q) => {
    const a = await cli(['query', q, file, ...json]);
    expect(a.code).toBe(0);
    expect(a.stderr).toContain('50 records scanned');
    for (const raw of [[], ['--duckdb-read-raw', 'on'], ['--duckdb-read-raw', 'off']]) {
      const b = await cli(['query', q, file, ...json, ...duckdb, ...raw]);
      expect(b.code).toBe(0);
      expect(b.stdout).toBe(a.stdout);
      expect(b.stderr).toBe(a.stderr);
    }
  });

  test('the default takes the fast path, with a progress line from its byte scan', async () => {
    const q = 'stats count(*) by verb';
    // one chunk of the scan reports all 50 records at once; the readers' first event would show 1
    const raw = await cli(['query', q, file, ...duckdb, '--format', 'ndjson'], { tty: true });
    expect(raw.code).toBe(0);
    expect(raw.stderr).toContain('reading: 50 records');
    const readers = await cli(
      ['query', q, file, ...duckdb, '--format', 'ndjson', '--duckdb-read-raw', 'off'],
      {
        tty: true,
      },
    );
    expect(readers.code).toBe(0);
    expect(readers.stderr).toContain('reading: 1 records');
    expect(readers.stdout).toBe(raw.stdout);
  });

  test('on: a file the readers must read stops the run and says why; auto reads it with them', async () => {
    const q = 'stats count(*) by verb | sort verb';
    const on = await cli(['query', q, crFile, ...duckdb, '--duckdb-read-raw', 'on', '--quiet']);
    expect(on.code).toBe(2);
    expect(on.stdout).toBe('');
    expect(on.stderr).toContain('--duckdb-read-raw on, but');
    expect(on.stderr).toContain('carriage return');
    const auto = await cli(['query', q, crFile, ...json, ...duckdb]);
    const streaming = await cli(['query', q, crFile, ...json]);
    expect(auto.code).toBe(0);
    expect(auto.stdout).toBe(streaming.stdout);
    expect(auto.stderr).toBe(streaming.stderr);
  });

  test('without --engine duckdb, or with another value, it is a usage error', async () => {
    const r = await cli(['query', 'fields verb', file, '--duckdb-read-raw', 'on']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--duckdb-read-raw needs --engine duckdb');
    const bad = await cli(['query', 'fields verb', file, ...duckdb, '--duckdb-read-raw', 'yes']);
    expect(bad.code).toBe(2);
  });
});

describe('kubetrail sql, ddl and import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubetrail-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const q =
    'filter verb in ["create", "delete"] | stats count(*) as n by verb, objectRef.resource | sort n desc, verb, objectRef.resource';
  // The rows of the raw files, computed once for both copies (the same run each time).
  let raw: ReturnType<typeof cli> | undefined;
  const rawRows = (): ReturnType<typeof cli> => {
    raw ??= cli(['query', q, samples, '--format', 'json', '--quiet']);
    return raw;
  };

  test('sql prints Trino SQL for a CloudTrail query', async () => {
    const r = await cli([
      'sql',
      'filter eventName = "ConsoleLogin" | stats count(*) by sourceIPAddress',
      '--table',
      'cloudtrail-athena',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('FROM cloudtrail_logs');
    expect(r.stdout).toContain("eventname = 'ConsoleLogin'");
  });

  test('ddl prints the Parquet table of an import copy', async () => {
    const r = await cli(['ddl', '--table', 'kubetrail', '--location', 's3://bucket/kubetrail/']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('STORED AS PARQUET');
    expect(r.stdout).toContain("LOCATION 's3://bucket/kubetrail/'");
  });

  test.each(['events.parquet', 'events.duckdb'])(
    'a query over an import copy (%s) gives the rows of the raw files',
    async (name) => {
      const to = join(dir, name);
      const imported = await cli(['import', samples, '--to', to, '--quiet']);
      expect(imported.code).toBe(0);
      const rows = await rawRows();
      expect(rows.code).toBe(0);
      const copy = await cli(['query', q, to, '--format', 'json', '--quiet', '--engine', 'duckdb']);
      expect(copy.code).toBe(0);
      expect(copy.stdout).toBe(rows.stdout);
    },
  );
});
