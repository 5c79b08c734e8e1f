import { describe, expect, test } from 'vitest';
import { pivotFromAwsPrincipal, pivotFromKubernetesUser } from '../../src/detect/pivot.js';
import type { LogEvent } from '../../src/log-event.js';
import { audit, ct } from './events.js';

const ROLE = 'arn:aws:iam::111122223333:role/dev';
const SESSION = 'arn:aws:sts::111122223333:assumed-role/dev/alice';
const OTHER_SESSION = 'arn:aws:sts::111122223333:assumed-role/dev/bob';

const eksUser = (session: string, key: string, name: string) => ({
  username: 'dev-user',
  uid: 'aws-iam-authenticator:111122223333:AROADEV',
  groups: ['system:authenticated'],
  extra: {
    accessKeyId: [key],
    arn: [session],
    canonicalArn: [ROLE],
    principalId: ['AROADEV'],
    sessionName: [name],
  },
});

const events: LogEvent[] = [
  // the AssumeRole that issued alice's key
  ct('2024-05-01T09:59:00Z', {
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' },
    requestParameters: { roleArn: ROLE, roleSessionName: 'alice' },
    responseElements: { credentials: { accessKeyId: 'ASIAALICE' }, assumedRoleUser: { arn: SESSION } },
  }),
  audit('2024-05-01T10:00:00Z', {
    verb: 'get',
    objectRef: { resource: 'secrets', namespace: 'prod', name: 'db' },
    user: eksUser(SESSION, 'ASIAALICE', 'alice'),
  }),
  audit('2024-05-01T10:02:00Z', {
    verb: 'list',
    objectRef: { resource: 'pods' },
    user: eksUser(OTHER_SESSION, 'ASIABOB', 'bob'),
  }),
  ct('2024-05-01T10:05:00Z', {
    eventSource: 's3.amazonaws.com',
    eventName: 'ListBuckets',
    userIdentity: {
      type: 'AssumedRole',
      arn: SESSION,
      accessKeyId: 'ASIAALICE',
      principalId: 'AROADEV:alice',
      sessionContext: { sessionIssuer: { arn: ROLE } },
    },
  }),
  ct('2024-05-01T10:06:00Z', {
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    userIdentity: {
      type: 'AssumedRole',
      arn: OTHER_SESSION,
      accessKeyId: 'ASIABOB',
      principalId: 'AROADEV:bob',
      sessionContext: { sessionIssuer: { arn: ROLE } },
    },
  }),
  // alice's session again later, with a re-issued key (same session ARN)
  ct('2024-05-01T11:00:00Z', {
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateAccessKey',
    userIdentity: {
      type: 'AssumedRole',
      arn: SESSION,
      accessKeyId: 'ASIAALICE2',
      sessionContext: { sessionIssuer: { arn: ROLE } },
    },
  }),
];

const names = (es: readonly LogEvent[]) =>
  es.map((e) => {
    const r = e.record as { eventName?: string; verb?: string };
    return r.eventName ?? r.verb;
  });

describe('pivotFromKubernetesUser', () => {
  test.each([[{ accessKeyId: 'ASIAALICE' }], [{ arn: SESSION }], [{ sessionName: 'alice' }]])(
    'what else did the kubectl session %o do in AWS',
    async (selector) => {
      const r = await pivotFromKubernetesUser(events, selector);
      expect(names(r.kubernetes)).toEqual(['get']);
      expect(names(r.aws)).toEqual(['AssumeRole', 'ListBuckets', 'CreateAccessKey']);
      expect(r.identity.accessKeyIds).toEqual(['ASIAALICE']);
      expect(r.identity.roleArns).toEqual([ROLE]);
      expect(r.identity.principalIds).toEqual(['AROADEV']);
    },
  );

  test('a username shared by two sessions pivots to both', async () => {
    const r = await pivotFromKubernetesUser(events, { username: 'dev-user' });
    expect(names(r.aws)).toEqual(['AssumeRole', 'ListBuckets', 'DescribeInstances', 'CreateAccessKey']);
  });
});

describe('pivotFromAwsPrincipal', () => {
  test('from an access key to the kubectl requests made with it', async () => {
    const r = await pivotFromAwsPrincipal(events, { accessKeyId: 'ASIAALICE' });
    expect(names(r.aws)).toEqual(['AssumeRole', 'ListBuckets']);
    expect(names(r.kubernetes)).toEqual(['get']);
    expect(r.identity.usernames).toEqual(['dev-user']);
  });

  test('from a session ARN', async () => {
    const r = await pivotFromAwsPrincipal(events, { arn: OTHER_SESSION });
    expect(names(r.aws)).toEqual(['DescribeInstances']);
    expect(names(r.kubernetes)).toEqual(['list']);
  });

  test('from a role: every session of it, both sides', async () => {
    const r = await pivotFromAwsPrincipal(events, { roleArn: ROLE });
    expect(names(r.aws)).toEqual(['ListBuckets', 'DescribeInstances', 'CreateAccessKey']);
    expect(names(r.kubernetes)).toEqual(['get', 'list']);
  });

  test('an unknown principal finds nothing', async () => {
    const r = await pivotFromAwsPrincipal(events, { accessKeyId: 'ASIANOBODY' });
    expect([r.aws.length, r.kubernetes.length]).toEqual([0, 0]);
  });
});
