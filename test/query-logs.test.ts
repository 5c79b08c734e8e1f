import { describe, expect, test } from 'vitest';
import { compileQuery, parseQuery } from '../src/query/index.js';
import { readLogs } from '../src/read/index.js';
import { query, queryStream, toRawPrefilter } from '../src/run/index.js';
import { CORPUS } from './test-data.js';

const falco = new URL('falco-k8s-audit-traces/', CORPUS);
const NOW = Date.UTC(2024, 0, 1);

function auditLine(i: number, verb: string, resource: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `id-${i}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/${resource}`,
    verb,
    user: { username: `user-${i % 3}` },
    objectRef: { resource },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: new Date(NOW + i * 1000).toISOString(),
    stageTimestamp: new Date(NOW + i * 1000 + 5).toISOString(),
    ...extra,
  });
}

const lines = [
  auditLine(0, 'get', 'pods'),
  auditLine(1, 'delete', 'secrets'),
  auditLine(2, 'create', 'rolebindings'),
  auditLine(3, 'get', 'secrets'),
  // the same verb spelled with a JSON escape: the raw prefilter must not drop it
  auditLine(4, 'x', 'secrets').replace('"verb":"x"', '"verb":"d\\u0065lete"'),
];
const text = `${lines.join('\n')}\n`;

describe('query', () => {
  test('returns rows, columns and statistics', async () => {
    const result = await query(
      Buffer.from(text),
      'filter verb = "delete" | fields auditID, objectRef.resource | sort auditID asc',
      {
        now: NOW,
      },
    );
    expect(result.rows.map((r) => r.auditID)).toEqual(['id-1', 'id-4']);
    expect(result.fields).toEqual(['auditID', 'objectRef.resource', '@ptr']);
    expect(result.statistics.recordsMatched).toBe(2);
    // three records were rejected by the raw prefilter, yet count as scanned
    expect(result.statistics.recordsScanned).toBe(5);
    expect(result.statistics.recordsSkipped).toBe(0);
  });

  test('counts and reports bad records under onError: skip', async () => {
    const bad = `${lines[0]}\n{"kind":"Event", broken\n${lines[1]}\n`;
    const result = await query(Buffer.from(bad), 'fields auditID', { onError: 'skip', now: NOW });
    expect(result.rows).toHaveLength(2);
    expect(result.statistics.recordsSkipped).toBe(1);
    expect(result.statistics.skippedByReason).toEqual({ bad_json_line: 1 });
  });

  test('throws the input error under the default policy', async () => {
    const bad = `${lines[0]}\n{"kind":"Event", broken\n`;
    await expect(query(Buffer.from(bad), 'fields auditID', { now: NOW })).rejects.toMatchObject({
      code: 'bad_json_line',
    });
  });

  test('compiles before reading: a bad query throws a QueryError', () => {
    expect(() => queryStream('does-not-exist', 'stats cuont(*)')).toThrow(
      expect.objectContaining({ name: 'QueryError' }),
    );
  });

  test('applies the time window', async () => {
    const result = await query(Buffer.from(text), 'fields auditID', {
      startTime: NOW + 1000,
      endTime: NOW + 2000,
      now: NOW,
    });
    expect(result.rows.map((r) => r.auditID).sort()).toEqual(['id-1', 'id-2']);
  });
});

describe('queryStream', () => {
  test('yields rows and has final statistics after iteration', async () => {
    const stream = queryStream(
      [Buffer.from(text)],
      'filter objectRef.resource = "secrets" | fields auditID',
      { now: NOW },
    );
    const ids: unknown[] = [];
    for await (const row of stream) ids.push(row.auditID);
    expect(ids.sort()).toEqual(['id-1', 'id-3', 'id-4']);
    expect(stream.statistics.recordsScanned).toBe(5);
    expect(stream.statistics.recordsMatched).toBe(3);
  });
});

describe('the raw prefilter never changes results', () => {
  test.each([
    'filter verb = "create" | fields auditID, verb',
    'filter objectRef.resource in ["secrets", "configmaps"] | fields auditID',
    'filter user.username like "minikube" | fields auditID',
    'filter verb = "delete" or verb = "create" | fields auditID',
    'filter @message like "secrets" | fields auditID',
    'filter objectRef.resource = "rolebindings" and verb in ["create", "update", "patch", "delete"] | fields auditID',
  ])('%s', async (q) => {
    const fast = await query(falco, q, { onError: 'skip', now: NOW });
    const plain = await compileQuery(q, { now: NOW }).run(readLogs(falco, { onError: 'skip' }));
    expect(fast.rows).toEqual(plain.rows);
    expect(fast.statistics.recordsMatched).toBe(plain.statistics.recordsMatched);
    expect(fast.statistics.recordsScanned).toBe(plain.statistics.recordsScanned);
  });
});

describe('toRawPrefilter', () => {
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  const raw = toRawPrefilter(compileQuery('filter verb = "delete"', { now: 0 }).prefilter);
  test.each([
    ['{"verb":"get"}', false],
    ['{"verb":"delete"}', true],
    ['{"verb":"d\\u0065lete"}', true],
    ['2024-01-01T00:00:00.000Z {"verb":"get"}', false],
    ['time="x" level=info msg="get"', true],
  ])('%s -> %s', (line, keep) => {
    const bytes = enc(line);
    expect(raw?.test(bytes, 0, bytes.length)).toBe(keep);
  });

  test('says nothing when the query has no literal filter', () => {
    expect(toRawPrefilter(compileQuery('fields @message', { now: 0 }).prefilter)).toBeUndefined();
    expect(parseQuery('fields @message').commands).toHaveLength(1);
  });
});
