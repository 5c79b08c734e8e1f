import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { DetectError } from '../../src/detect/errors.js';
import { investigateIrsa, toServiceAccountAssumption } from '../../src/detect/irsa.js';
import type { LogEvent } from '../../src/log-event.js';
import { CORPUS } from '../test-data.js';
import { ct, irsaAssume, sessionCall } from './events.js';

const ROLE_S3 = 'arn:aws:iam::111122223333:role/payments-s3';
const ROLE_ADMIN = 'arn:aws:iam::111122223333:role/admin';

const events: LogEvent[] = [
  irsaAssume('2024-05-01T10:00:00Z', 'system:serviceaccount:payments:api', ROLE_S3, 'ASIAPAY1'),
  sessionCall('2024-05-01T10:01:00Z', 'ASIAPAY1', ROLE_S3, '10.0.5.5'),
  irsaAssume('2024-05-01T11:00:00Z', 'system:serviceaccount:payments:api', ROLE_S3, 'ASIAPAY2'),
  // the second session is used from the internet
  sessionCall('2024-05-01T11:05:00Z', 'ASIAPAY2', ROLE_S3, '198.51.100.7', 'ListBuckets'),
  sessionCall('2024-05-01T11:06:00Z', 'ASIAPAY2', ROLE_S3, '198.51.100.7', 'GetObject'),
  // a service account outside the allow-list, after the learning window, on a new role
  irsaAssume('2024-05-03T09:00:00Z', 'system:serviceaccount:default:debug', ROLE_ADMIN, 'ASIADBG1'),
  // a failed assumption
  irsaAssume(
    '2024-05-03T09:05:00Z',
    'system:serviceaccount:default:debug',
    ROLE_S3,
    undefined,
    'AccessDenied',
  ),
  // unrelated: an ordinary AssumeRole by a human
  ct('2024-05-01T10:30:00Z', {
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    userIdentity: { type: 'IAMUser' },
  }),
];

describe('investigateIrsa', () => {
  test('maps assumptions to service accounts and flags each kind of misuse', async () => {
    const report = await investigateIrsa(events, {
      allowedServiceAccounts: ['payments:*'],
      allowedCidrs: ['10.0.0.0/16'],
      learningWindowMs: 86_400_000,
    });
    expect(
      report.assumptions.map((a) => [a.mechanism, a.namespace, a.name, a.roleArn, a.accessKeyId ?? null]),
    ).toEqual([
      ['irsa', 'payments', 'api', ROLE_S3, 'ASIAPAY1'],
      ['irsa', 'payments', 'api', ROLE_S3, 'ASIAPAY2'],
      ['irsa', 'default', 'debug', ROLE_ADMIN, 'ASIADBG1'],
      ['irsa', 'default', 'debug', ROLE_S3, null],
    ]);
    expect(report.findings.map((f) => [f.type, f.serviceAccount, f.roleArn])).toEqual([
      ['session-from-unexpected-network', 'system:serviceaccount:payments:api', ROLE_S3],
      ['service-account-not-allowed', 'system:serviceaccount:default:debug', ROLE_ADMIN],
      ['new-role-for-service-account', 'system:serviceaccount:default:debug', ROLE_ADMIN],
      ['failed-assumption', 'system:serviceaccount:default:debug', ROLE_S3],
    ]);
    const network = report.findings[0]!;
    expect(network.uses?.map((u) => [u.eventName, u.sourceIp])).toEqual([
      ['ListBuckets', '198.51.100.7'],
      ['GetObject', '198.51.100.7'],
    ]);
    expect(network.timestamp).toBe(Date.parse('2024-05-01T11:05:00Z'));
  });

  test('without options only failures are flagged; a long learning window suppresses first-seen', async () => {
    const report = await investigateIrsa(events, { learningWindowMs: 7 * 86_400_000 });
    expect(report.findings.map((f) => f.type)).toEqual(['failed-assumption']);
  });

  test('oidcProviders keeps only the given cluster', async () => {
    const report = await investigateIrsa(events, { oidcProviders: ['id/OTHERCLUSTER'] });
    expect(report.assumptions).toEqual([]);
  });

  test('rejects a bad CIDR', async () => {
    await expect(investigateIrsa(events, { allowedCidrs: ['10.0.0.0/33'] })).rejects.toBeInstanceOf(
      DetectError,
    );
  });

  test('reads EKS Pod Identity records from the immersion-day corpus', () => {
    const record = JSON.parse(
      readFileSync(
        new URL(
          'aws-samples-eks-security-immersion-day/cloudtrail-record_sts-AssumeRole_by_pods.eks.amazonaws.com.json',
          CORPUS,
        ),
        'utf8',
      ),
    ) as Record<string, unknown>;
    const a = toServiceAccountAssumption({
      timestamp: 0,
      message: '',
      kind: 'cloudtrail',
      record,
      source: {},
    });
    expect(a).toMatchObject({
      mechanism: 'pod-identity',
      serviceAccount: 'system:serviceaccount:ns-a:sa1',
      roleArn: 'arn:aws:iam::823571991546:role/eks-pod-s3-read-access-role',
      accessKeyId: 'ASIA37QFXJP5MQOWRZ6Q',
      provider: 'arn:aws:eks:us-west-2:823571991546:cluster/eksworkshop-eksctl',
    });
    // eks-auth AssumeRoleForPodIdentity without a response subject names no service account
    const eksAuth = JSON.parse(
      readFileSync(
        new URL(
          'aws-samples-eks-security-immersion-day/cloudtrail-record_AssumeRoleForPodIdentity_eksauth.json',
          CORPUS,
        ),
        'utf8',
      ),
    ) as Record<string, unknown>;
    expect(
      toServiceAccountAssumption({
        timestamp: 0,
        message: '',
        kind: 'cloudtrail',
        record: eksAuth,
        source: {},
      }),
    ).toBeUndefined();
  });
});
