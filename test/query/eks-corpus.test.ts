/**
 * The EKS Best Practices audit queries, verbatim, over the vendored audit
 * corpus. Expected events come from a plain JSON.parse + predicate pass over
 * the same files, independent of the engine.
 *
 * The queries are quoted from the EKS Best Practices Guide
 * (aws/aws-eks-best-practices, CC-BY-SA-4.0); attribution and licence text are
 * in test/fixtures/example-queries/ (SOURCE.md, LICENSE-CC-BY-SA-4.0), where the
 * same queries are vendored in queries-cc-by-sa-4.0.txt.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { compileQuery } from '../../src/query/index.js';
import { readLogs } from '../../src/read/index.js';
import { CORPUS } from '../test-data.js';

const files = [
  ...readdirSync(new URL('falco-k8s-audit-traces/', CORPUS))
    .filter((f) => f.endsWith('.json'))
    .map((f) => fileURLToPath(new URL(`falco-k8s-audit-traces/${f}`, CORPUS))),
  fileURLToPath(new URL('audit2rbac-testdata/demo.log', CORPUS)),
];

interface Audit {
  auditID?: string;
  verb?: string;
  objectRef?: { resource?: string };
  user?: { username?: string };
  responseStatus?: { code?: number };
}

function independentRecords(): Audit[] {
  const out: Audit[] = [];
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const value = JSON.parse(line) as unknown;
        if (typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Event') {
          out.push(value as Audit);
        }
      } catch {
        // not a JSON line: the reader skips it too (onError: 'skip')
      }
    }
  }
  return out;
}

const changeVerbs = ['create', 'update', 'patch', 'delete'];
const byResource = (resource: string) => (r: Audit) =>
  r.objectRef?.resource === resource && changeVerbs.includes(r.verb ?? '');

const queries: readonly [string, string, (r: Audit) => boolean][] = [
  [
    'Q3 roles',
    'fields @timestamp, @message\n| sort @timestamp desc\n| limit 100\n| filter objectRef.resource="roles" and verb in ["create", "update", "patch", "delete"]',
    byResource('roles'),
  ],
  [
    'Q4 rolebindings',
    'fields @timestamp, @message\n| sort @timestamp desc\n| limit 100\n| filter objectRef.resource="rolebindings" and verb in ["create", "update", "patch", "delete"]',
    byResource('rolebindings'),
  ],
  [
    'Q5 clusterroles',
    'fields @timestamp, @message\n| sort @timestamp desc\n| limit 100\n| filter objectRef.resource="clusterroles" and verb in ["create", "update", "patch", "delete"]',
    byResource('clusterroles'),
  ],
  [
    'Q6 clusterrolebindings',
    'fields @timestamp, @message\n| sort @timestamp desc\n| limit 100\n| filter objectRef.resource="clusterrolebindings" and verb in ["create", "update", "patch", "delete"]',
    byResource('clusterrolebindings'),
  ],
  [
    'Q8 failed anonymous requests',
    'fields @timestamp, @message, sourceIPs.0\n| sort @timestamp desc\n| limit 100\n| filter user.username="system:anonymous" and responseStatus.code in ["401", "403"]',
    (r) => r.user?.username === 'system:anonymous' && [401, 403].includes(r.responseStatus?.code ?? 0),
  ],
];

describe('EKS Best Practices queries on the corpus', () => {
  const records = independentRecords();

  test('the corpus has audit events', () => {
    expect(records.length).toBeGreaterThan(40);
  });

  test.each(queries)('%s', async (_name, query, predicate) => {
    const expected = records.filter(predicate).map((r) => r.auditID);
    const result = await compileQuery(query).run(readLogs(files, { onError: 'skip' }));
    const got = result.rows.map((row) => (JSON.parse(String(row['@message'])) as Audit).auditID);
    expect(got.sort()).toEqual(expected.sort());
    const times = result.rows.map((row) => (row['@timestamp'] as Date).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  test('Q7 counts unauthorized secret reads per minute (none in this corpus)', async () => {
    const query =
      'fields @timestamp, @message\n| sort @timestamp desc\n| limit 100\n| filter objectRef.resource="secrets" and verb in ["get", "watch", "list"] and responseStatus.code="401"\n| stats count() by bin(1m)';
    const expected = records.filter(
      (r) =>
        r.objectRef?.resource === 'secrets' &&
        ['get', 'watch', 'list'].includes(r.verb ?? '') &&
        r.responseStatus?.code === 401,
    );
    const result = await compileQuery(query).run(readLogs(files, { onError: 'skip' }));
    const total = result.rows.reduce((n, row) => n + Number(row['count()']), 0);
    expect(total).toBe(expected.length);
  });
});
