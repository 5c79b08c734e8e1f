/**
 * Detection over samples/: every step of the documented attack story
 * (samples/README.md, samples/ground-truth.json) is found, and nothing from
 * the background reaches high severity.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { investigateIrsa } from '../../src/detect/irsa.js';
import { pivotFromKubernetesUser } from '../../src/detect/pivot.js';
import { runDetections } from '../../src/detect/run.js';
import { buildTimeline } from '../../src/detect/timeline.js';
import type { Finding } from '../../src/detect/types.js';
import type { LogEvent } from '../../src/log-event.js';
import { readLogs } from '../../src/read/index.js';
import { incidentAllowLists } from './incident-precision-report.js';

const samples = new URL('../../samples/', import.meta.url);
const truth = JSON.parse(readFileSync(new URL('ground-truth.json', samples), 'utf8')) as {
  steps: { step: string; attack: boolean; time: string; ids: string[] }[];
};
const step = (id: string) => truth.steps.find((s) => s.step === id)!;

let events: LogEvent[] = [];
let findings: Finding[] = [];
const rows = (id: string) => findings.find((f) => f.detectionId === id)?.samples ?? [];

beforeAll(async () => {
  events = [];
  for await (const e of readLogs([
    fileURLToPath(new URL('incident/cloudtrail', samples)),
    fileURLToPath(new URL('incident/cloudwatch-export', samples)),
  ])) {
    events.push(e);
  }
  findings = await runDetections(events, { now: Date.parse('2024-05-15T00:00:00Z'), sampleLimit: 10_000 });
}, 120_000);

describe('detections over samples/', () => {
  test('every attack step in the ground truth is covered by this table', () => {
    const attack = truth.steps.filter((s) => s.attack).map((s) => s.step);
    expect(attack.sort()).toEqual([
      '1a',
      '1b',
      '2',
      '2-auth',
      '2-aws',
      '3a',
      '3b',
      '3c',
      '4',
      '5',
      '6a',
      '6b',
      '6c',
      '7',
    ]);
  });

  test('1a: anonymous probing (403)', () => {
    expect(rows('eks-bp.failed-anonymous-requests')).toHaveLength(step('1a').ids.length);
  });

  test('1b: forged-token probing (401) as a burst from one IP, and authenticator denials', () => {
    expect(rows('kube.auth-failure-burst').some((r) => r['sourceIPs.0'] === '198.51.100.23')).toBe(true);
    expect(rows('authenticator.access-denied').length).toBeGreaterThan(0);
  });

  test('2: the stolen identity is refused a cluster-wide Secret list and reads Secrets', () => {
    expect(rows('kube.secret-access-denied').some((r) => r['user.username'] === 'ci-legacy')).toBe(true);
    expect(rows('falco.secret-get-successfully').some((r) => r.user === 'ci-legacy')).toBe(true);
  });

  test('2-aws: pivoting from the kubectl user finds its AWS calls', async () => {
    const pivot = await pivotFromKubernetesUser(events, { username: 'ci-legacy' });
    const ids = pivot.aws.map((e) => (e.record as { eventID: string }).eventID);
    for (const id of step('2-aws').ids) expect(ids).toContain(id);
  });

  test('2-auth: the timeline of the stolen IAM user includes the authenticator mapping', async () => {
    const timeline = await buildTimeline(events, { principal: 'arn:aws:iam::111122223333:user/ci-legacy' });
    expect(timeline.some((e) => e.kind === 'authenticator')).toBe(true);
    expect(timeline.some((e) => e.kind === 'kubernetes-audit')).toBe(true);
    expect(timeline.some((e) => e.kind === 'cloudtrail')).toBe(true);
  });

  test('3a/3b/3c: RBAC escalation and the Secret dump', () => {
    // objectRef.name is absent on create requests; the binding's name is in requestObject.
    expect(rows('falco.attach-to-cluster-admin-role').map((r) => r.user)).toEqual(['ci-legacy']);
    expect(
      rows('guardduty.admin-access-to-default-service-account').map((r) => [
        r['user.username'],
        r['objectRef.namespace'],
        r.role,
      ]),
    ).toEqual([['ci-legacy', 'payments', 'cluster-admin']]);
    expect(
      rows('kube.secrets-listed-cluster-wide').map((r) => [r['user.username'], r['responseStatus.code']]),
    ).toEqual([
      ['ci-legacy', 403],
      ['ci-legacy', 200],
    ]);
  });

  test('4: exec into the payments pod (verb get, code 101) and the token read', () => {
    expect(rows('falco.attach-exec-pod').every((r) => r.pod === 'payments-api-7c9d8f6b5-x2x9k')).toBe(true);
    expect(rows('falco.attach-exec-pod').length).toBeGreaterThan(0);
    expect(rows('kube.sa-token-theft-or-cp').length).toBeGreaterThan(0);
  });

  test('5: the aws-auth patch', () => {
    expect(rows('kube.aws-auth-modified').map((r) => r['user.username'])).toEqual(['ci-legacy']);
    expect(rows('eks-bp.aws-auth-updates')).toHaveLength(1);
  });

  test('6a/6b/6c: the replayed IRSA token, used outside the cluster networks', async () => {
    const report = await investigateIrsa(events, {
      allowedCidrs: ['10.0.0.0/16', '192.0.2.10/32', '192.0.2.11/32'],
      oidcProviders: ['5E1A9C0B7D3F2E4A6B8C0D1E2F3A4B5C'],
    });
    const network = report.findings.filter((f) => f.type === 'session-from-unexpected-network');
    expect(network.map((f) => f.serviceAccount)).toEqual(['system:serviceaccount:payments:payments-api']);
    const uses = network[0]!.uses!;
    expect(new Set(uses.map((u) => u.sourceIp))).toEqual(new Set(['203.0.113.45']));
    expect(uses[0]?.eventName).toBe('AssumeRoleWithWebIdentity');
    expect(uses).toHaveLength(1 + step('6b').ids.length + step('6c').ids.length);
  });

  test('7: the backdoored foreign role acts in the cluster', () => {
    expect(rows('falco.disallowed-k8s-user').some((r) => r.user === 'support-automation')).toBe(true);
  });

  test('with the incident allow-lists (NAT egress, admin VPN, the two known people), nothing from the background is high or critical', async () => {
    const attackStart = Date.parse('2024-05-14T13:40:00Z');
    const attackEnd = Date.parse('2024-05-14T14:30:00Z');
    const allowed = await runDetections(events, {
      now: Date.parse('2024-05-15T00:00:00Z'),
      sampleLimit: 10_000,
      allowLists: incidentAllowLists(),
    });
    const high = allowed.filter((f) => f.count > 0 && (f.severity === 'high' || f.severity === 'critical'));
    expect(high.length).toBeGreaterThan(0);
    for (const f of high) {
      expect([f.detectionId, f.firstSeen! >= attackStart && f.lastSeen! <= attackEnd]).toEqual([
        f.detectionId,
        true,
      ]);
    }
  });
});
