import { describe, expect, test } from 'vitest';
import { DetectError } from '../../src/detect/errors.js';
import { buildTimeline } from '../../src/detect/timeline.js';
import type { LogEvent } from '../../src/log-event.js';
import { parseAuthenticatorLine } from '../../src/schema/eks-lines.js';
import { audit, ct, irsaAssume } from './events.js';

const SESSION = 'arn:aws:sts::111122223333:assumed-role/dev/alice';
const authLine =
  'time="2024-05-01T10:00:00Z" level=info msg="access granted" arn="arn:aws:iam::111122223333:role/dev" client="127.0.0.1:5000" groups="[system:masters]" method=POST path=/authenticate uid="aws-iam-authenticator:111122223333:AROADEV" username=dev-user';
const authEvent: LogEvent = {
  timestamp: Date.parse('2024-05-01T10:00:00Z'),
  message: authLine,
  kind: 'authenticator',
  record: parseAuthenticatorLine(authLine),
  source: {},
};

const events: LogEvent[] = [
  ct('2024-05-01T10:05:00Z', {
    eventSource: 's3.amazonaws.com',
    eventName: 'ListBuckets',
    sourceIPAddress: '203.0.113.9',
    userIdentity: { arn: SESSION, accessKeyId: 'ASIAALICE' },
  }),
  audit('2024-05-01T10:01:00Z', {
    verb: 'get',
    objectRef: { resource: 'pods', subresource: 'exec', namespace: 'prod', name: 'web-1' },
    responseStatus: { code: 101 },
    sourceIPs: ['203.0.113.9'],
    user: { username: 'dev-user', extra: { arn: [SESSION], accessKeyId: ['ASIAALICE'] } },
  }),
  authEvent,
  audit('2024-05-01T10:02:00Z', {
    verb: 'list',
    objectRef: { resource: 'secrets', namespace: 'kube-system' },
    responseStatus: { code: 403 },
    sourceIPs: ['10.0.0.9'],
    user: { username: 'system:serviceaccount:prod:web' },
  }),
  irsaAssume(
    '2024-05-01T10:03:00Z',
    'system:serviceaccount:prod:web',
    'arn:aws:iam::111122223333:role/web',
    'ASIAWEB',
  ),
];

const actions = (entries: readonly { action: string }[]) => entries.map((e) => e.action);

describe('buildTimeline', () => {
  test('a principal across authenticator, audit and CloudTrail, oldest first', async () => {
    const byUser = await buildTimeline(events, { principal: 'dev-user' });
    expect(actions(byUser)).toEqual(['authenticator access granted', 'get pods/exec']);
    const bySession = await buildTimeline(events, { principal: SESSION });
    expect(actions(bySession)).toEqual(['get pods/exec', 's3.amazonaws.com:ListBuckets']);
    expect(bySession[0]).toMatchObject({
      kind: 'kubernetes-audit',
      target: 'prod/web-1',
      outcome: '101',
      sourceIp: '203.0.113.9',
    });
    expect(bySession[1]).toMatchObject({ kind: 'cloudtrail', outcome: 'ok', actor: SESSION });
  });

  test('an IP', async () => {
    expect(actions(await buildTimeline(events, { ip: '203.0.113.9' }))).toEqual([
      'get pods/exec',
      's3.amazonaws.com:ListBuckets',
    ]);
  });

  test('a namespace, including the IRSA calls of its service accounts', async () => {
    expect(actions(await buildTimeline(events, { namespace: 'prod' }))).toEqual([
      'get pods/exec',
      'list secrets',
      'sts.amazonaws.com:AssumeRoleWithWebIdentity',
    ]);
  });

  test('criteria combine, and the time window applies', async () => {
    expect(actions(await buildTimeline(events, { namespace: 'prod', ip: '10.0.0.9' }))).toEqual([
      'list secrets',
    ]);
    const windowed = await buildTimeline(
      events,
      { namespace: 'prod' },
      { startTime: Date.parse('2024-05-01T10:02:00Z'), endTime: Date.parse('2024-05-01T10:02:59Z') },
    );
    expect(actions(windowed)).toEqual(['list secrets']);
  });

  test('needs a selector', async () => {
    await expect(buildTimeline(events, {})).rejects.toBeInstanceOf(DetectError);
  });
});

describe('the timeline is bounded by bytes as well as entries, with a typed resource_limit', () => {
  const auditAt = (i: number): LogEvent => {
    const record = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      auditID: `id-${i}`,
      verb: 'get',
      user: { username: 'u' },
      sourceIPs: ['10.0.0.9'],
      objectRef: { resource: 'pods', namespace: 'ns', name: `p${i}` },
    };
    return {
      timestamp: i,
      message: JSON.stringify(record),
      kind: 'kubernetes-audit',
      record,
      source: { line: i + 1 },
    };
  };
  test('over memoryBudgetBytes it stops, naming the option; under it every entry is kept', async () => {
    const events = Array.from({ length: 50 }, (_, i) => auditAt(i));
    await expect(
      buildTimeline(events, { ip: '10.0.0.9' }, { memoryBudgetBytes: 20_000 }),
    ).rejects.toMatchObject({
      code: 'resource_limit',
      message: expect.stringContaining('memoryBudgetBytes'),
    });
    expect(await buildTimeline(events, { ip: '10.0.0.9' })).toHaveLength(50);
  });
  test('over maxEntries it stops with resource_limit too', async () => {
    const events = Array.from({ length: 5 }, (_, i) => auditAt(i));
    await expect(buildTimeline(events, { ip: '10.0.0.9' }, { maxEntries: 4 })).rejects.toMatchObject({
      code: 'resource_limit',
    });
  });
});
