/**
 * `query(…, { engine: 'duckdb' })` against the streaming engine on real
 * inputs: the EKS Best Practices queries and the bench queries over the
 * bundled samples and the audit test corpus give identical rows and
 * statistics; a truncated gzip gives the same typed error (and, under
 * `onError: 'skip'`, the same counts); DuckDB's own failures become typed errors.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isKubetrailError } from '../../src/errors.js';
import { query } from '../../src/run/index.js';
import { type DuckdbConnection, duckdbError, openDuckdb } from '../../src/sql/duckdb-engine.js';
import { corpusPath } from '../test-data.js';
import { cellsOf } from './support.js';

const samples = fileURLToPath(new URL('../../samples/', import.meta.url));
const corpus = corpusPath();

const eksQueries = (
  JSON.parse(readFileSync(new URL('../cases/aws-docs/eks-best-practices.json', import.meta.url), 'utf8')) as {
    cases: { query: string }[];
  }
).cases.map((c) => c.query);

const benchQueries = [
  'fields @timestamp, @message | sort @timestamp desc | limit 100 | filter objectRef.resource="rolebindings" and verb in ["create", "update", "patch", "delete"]',
  'fields @logStream, @timestamp, responseStatus.code, @message | filter @logStream like /^kube-apiserver-audit/ | filter responseStatus.code >= 500 | limit 50',
  'stats count(*) by user.username',
  'fields auditID, stageTimestamp | sort stageTimestamp desc | limit 100',
  'parse requestURI "/namespaces/*/" as ns | stats count(*) by ns',
  'stats count(*) by eventSource',
];

const queries = [...new Set([...eksQueries, ...benchQueries])];
const now = Date.parse('2026-01-01T00:00:00Z');

// One DuckDB instance for the equivalence cases (the engine drops and recreates its table on a
// shared connection), instead of one instance per query; the bad-input cases open their own.
let shared: Awaited<ReturnType<typeof openDuckdb>> | undefined;
beforeAll(async () => {
  shared = await openDuckdb({ threads: 1 });
});
afterAll(() => {
  shared?.connection.closeSync();
  shared?.instance.closeSync();
});
const connection = (): DuckdbConnection => {
  if (shared === undefined) throw new Error('no shared DuckDB connection');
  return shared.connection;
};

async function same(input: string | string[], q: string): Promise<void> {
  const a = await query(input, q, { now, onError: 'skip' });
  const b = await query(input, q, {
    now,
    onError: 'skip',
    engine: 'duckdb',
    duckdb: { threads: 1, connection: connection() },
  });
  expect(cellsOf(b)).toEqual(cellsOf(a));
  expect(b.statistics).toEqual(a.statistics);
}

describe('engine: duckdb = streaming on the bundled samples', () => {
  test.each(queries)('%s', async (q) => {
    await same(samples, q);
  });
});

describe('engine: duckdb = streaming on the vendored audit corpus', () => {
  const files = [
    ...readdirSync(join(corpus, 'falco-k8s-audit-traces'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(corpus, 'falco-k8s-audit-traces', f)),
    join(corpus, 'audit2rbac-testdata', 'demo.log'),
  ];
  test.each([eksQueries[0] as string, ...benchQueries])('%s', async (q) => {
    await same(files, q);
  });
});

describe('bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubetrail-sql-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const lines = Array.from({ length: 200 }, (_, i) =>
    JSON.stringify({
      kind: 'Event',
      auditID: `a${i}`,
      verb: i % 2 === 0 ? 'get' : 'list',
      stageTimestamp: '2026-01-01T00:00:00Z',
    }),
  ).join('\n');
  const gz = gzipSync(Buffer.from(lines));
  const truncated = join(dir, 'truncated.ndjson.gz');
  writeFileSync(truncated, gz.subarray(0, Math.floor(gz.length / 2)));
  const good = join(dir, 'good.ndjson');
  writeFileSync(good, `${lines}\n`);

  test('a truncated gzip is the same typed error on both engines', async () => {
    const codeOf = async (engine: 'streaming' | 'duckdb'): Promise<string> => {
      try {
        await query([good, truncated], 'stats count(*) by verb', { engine });
        return 'no error';
      } catch (error) {
        return isKubetrailError(error) ? error.code : String(error);
      }
    };
    const streaming = await codeOf('streaming');
    expect(streaming).not.toBe('no error');
    expect(await codeOf('duckdb')).toBe(streaming);
  });

  test('under onError: skip the truncated file is counted the same way', async () => {
    await same([good, truncated], 'stats count(*) by verb');
  });

  test('an unsupported construct is a typed query error naming it', async () => {
    const error = await query(good, 'expand items', { engine: 'duckdb' }).catch((e: unknown) => e);
    expect(isKubetrailError(error) && error.code).toBe('sql_unsupported');
    expect((error as Error).message).toContain('expand');
  });

  test("DuckDB's out-of-memory error is the streaming engine's resource_limit", () => {
    const e = duckdbError(
      new Error('Out of Memory Error: could not allocate block of size 256 KiB'),
      'sort x',
    );
    expect(isKubetrailError(e) && e.code).toBe('resource_limit');
    // As DuckDB words it when a commit cannot pin a block under the limit (seen at a 4 MB limit).
    const commit = duckdbError(
      new Error(
        'Failed to append: Failed to commit: failed to pin block of size 256.0 KiB (3.6 MiB/3.8 MiB used)',
      ),
      'sort x',
    );
    expect(isKubetrailError(commit) && commit.code).toBe('resource_limit');
    const other = duckdbError(new Error('Binder Error: something'), 'x');
    expect(isKubetrailError(other) && other.code).toBe('duckdb_error');
  });

  test('a memory limit that cannot hold the query fails with resource_limit, not a crash', async () => {
    const big = join(dir, 'big.ndjson');
    writeFileSync(
      big,
      `${Array.from({ length: 30_000 }, (_, i) => JSON.stringify({ k: `key-${i}-${'x'.repeat(64)}`, v: i })).join('\n')}\n`,
    );
    const error = await query(big, 'stats count(*) by k', {
      engine: 'duckdb',
      duckdb: { memoryLimit: '2MB', tempDirectory: '', threads: 1 },
    }).catch((e: unknown) => e);
    // DuckDB may also finish within the limit; when it fails, the failure is typed.
    if (error instanceof Error)
      expect(isKubetrailError(error) ? error.code : error.message).toBe('resource_limit');
  });
});
