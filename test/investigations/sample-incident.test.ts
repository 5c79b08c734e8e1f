// An investigation of the sample incident, written as a test.
//
// This is the file that docs/investigations.md shows: it imports kubetrail the
// way a user's project does, queries the exported logs in samples/incident/, and
// asserts what it finds with typed records. Because it runs in the test
// suite, the walkthrough in the docs cannot go stale.
import {
  type AuditEvent,
  investigateIrsa,
  parseAuditEvent,
  parseCloudTrailRecord,
  pivotFromKubernetesUser,
  query,
  readLogs,
} from 'kubetrail';
import { describe, expect, test } from 'vitest';

const cluster = 'samples/incident/cloudwatch-export';
const trail = 'samples/incident/cloudtrail';

/** The audit events behind a query's rows, validated into typed records. */
function auditEvents(rows: readonly Record<string, unknown>[]): AuditEvent[] {
  return rows.map((row) => parseAuditEvent(JSON.parse(String(row['@message']))));
}

describe('investigation: payments-prod, 2024-05-14', () => {
  test('1. who changed RBAC bindings? (EKS best practices query, verbatim)', async () => {
    const result = await query(
      cluster,
      `fields @timestamp, @message
       | sort @timestamp desc
       | limit 100
       | filter objectRef.resource="rolebindings" and verb in ["create", "update", "patch", "delete"]`,
    );
    const [binding] = auditEvents(result.rows);
    expect(result.rows).toHaveLength(1);
    expect(binding?.user.username).toBe('ci-legacy');
    expect(binding?.objectRef?.namespace).toBe('payments');
    expect(binding?.sourceIPs).toEqual(['203.0.113.45']);
  });

  test('2. what else did that user do in the cluster?', async () => {
    const result = await query(
      cluster,
      `filter user.username = "ci-legacy"
       | stats count(*) as requests, min(@timestamp) as first, max(@timestamp) as last
         by verb, objectRef.resource, objectRef.subresource
       | sort first asc`,
    );
    const verbs = result.rows.map((row) => `${row.verb} ${row['objectRef.resource']}`);
    expect(verbs).toContain('list secrets');
    expect(verbs).toContain('create clusterrolebindings');
    expect(verbs).toContain('patch configmaps');
    // kubectl exec is logged as verb "get" on the pods/exec subresource, with HTTP 101.
    const exec = result.rows.find((row) => row['objectRef.subresource'] === 'exec');
    expect(exec?.verb).toBe('get');
  });

  test('3. the aws-auth ConfigMap was edited to map a foreign role to system:masters', async () => {
    const result = await query(
      cluster,
      `filter objectRef.resource = "configmaps" and objectRef.name = "aws-auth"
         and verb in ["update", "patch"]
       | fields @timestamp, @message`,
    );
    const [edit] = auditEvents(result.rows);
    expect(edit?.user.username).toBe('ci-legacy');
    expect(JSON.stringify(edit?.requestObject)).toContain(
      'arn:aws:iam::444455556666:role/support-automation',
    );
  });

  test('4. pivot: the same IAM key in CloudTrail', async () => {
    const pivot = await pivotFromKubernetesUser(readLogs([cluster, trail]), { username: 'ci-legacy' });
    expect(pivot.identity.accessKeyIds).toContain('AKIA3EXAMPLELEGACY77');
    const calls = pivot.aws.map((event) => parseCloudTrailRecord(event.record, { mode: 'lenient' }));
    const names = calls.map((record) => record.eventName);
    expect(names).toContain('GetCallerIdentity');
    expect(names).toContain('DescribeCluster');
    expect(new Set(calls.map((record) => record.sourceIPAddress))).toEqual(new Set(['203.0.113.45']));
  });

  test('5. IRSA: a service-account token replayed from outside the cluster', async () => {
    const report = await investigateIrsa(readLogs(trail), {
      allowedCidrs: ['10.0.0.0/16', '192.0.2.10/32', '192.0.2.11/32'],
    });
    const offNetwork = report.findings.filter((f) => f.type === 'session-from-unexpected-network');
    expect(offNetwork.map((f) => f.assumption.serviceAccount)).toContain(
      'system:serviceaccount:payments:payments-api',
    );
    const calls = offNetwork.flatMap((f) => f.uses ?? []).map((use) => use.eventName);
    expect(calls).toEqual(expect.arrayContaining(['GetObject', 'GetSecretValue']));
  });

  test('6. API server 5xx errors, per minute', async () => {
    const result = await query(
      cluster,
      `filter @logStream like /^kube-apiserver-audit/ and responseStatus.code >= 500
       | stats count(*) as errors by bin(1m) as minute
       | sort minute asc`,
    );
    const total = result.rows.reduce((sum, row) => sum + Number(row.errors), 0);
    expect(total).toBe(7);
    expect(result.rows.map((row) => row.minute)).toEqual([
      new Date('2024-05-14T06:31:00Z'),
      new Date('2024-05-14T06:32:00Z'),
      new Date('2024-05-14T06:33:00Z'),
    ]);
  });
});
