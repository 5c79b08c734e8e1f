import { describe, expect, test } from 'vitest';
import { isKubetrailError, KubetrailError } from '../../src/errors.js';
import { formatPath } from '../../src/schema/lenient.js';
import {
  parseAuditEvent,
  parseAuditEventList,
  parseCloudTrailFile,
  parseCloudTrailRecord,
  validateAuditEvent,
  validateAuditEventList,
  validateCloudTrailRecord,
} from '../../src/schema/validate.js';
import { isValidationError, SCHEMA_ERROR_CODES, ValidationError } from '../../src/schema/validation-error.js';

const auditEvent = () => ({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Metadata',
  auditID: '9f3c2a1e-1111-2222-3333-444455556666',
  stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces/default/pods/web-0/exec?command=sh&stdin=true',
  verb: 'create',
  user: {
    username: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
    uid: 'aws-iam-authenticator:111122223333:AROAEXAMPLE',
    groups: ['system:authenticated'],
    extra: { arn: ['arn:aws:sts::111122223333:assumed-role/Admin/alice'], sessionName: ['alice'] },
  },
  sourceIPs: ['192.0.2.10'],
  objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'web-0', apiVersion: 'v1' },
  responseStatus: { metadata: {}, code: 101 },
  requestReceivedTimestamp: '2024-05-01T10:00:00.000001Z',
  stageTimestamp: '2024-05-01T10:00:00.100000Z',
  annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
});

const cloudTrailRecord = () => ({
  eventVersion: '1.09',
  userIdentity: {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLE:i-0123456789abcdef0',
    arn: 'arn:aws:sts::111122223333:assumed-role/node/i-0123456789abcdef0',
    accountId: '111122223333',
    accessKeyId: 'ASIAEXAMPLE',
    sessionContext: {
      sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/node', accountId: '111122223333' },
      attributes: { creationDate: '2023-12-13T01:04:37Z', mfaAuthenticated: 'false' },
      ec2RoleDelivery: '2.0',
    },
  },
  eventTime: '2023-12-13T01:14:20Z',
  eventSource: 'eks-auth.amazonaws.com',
  eventName: 'AssumeRoleForPodIdentity',
  awsRegion: 'us-west-2',
  sourceIPAddress: '192.0.2.20',
  userAgent: 'aws-sdk-go-v2/1.24.0',
  requestParameters: { clusterName: 'prod', token: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
  responseElements: null,
  eventID: '1f4c0b8e-0000-4000-8000-000000000001',
  readOnly: false,
  eventType: 'AwsApiCall',
  managementEvent: false,
  recipientAccountId: '111122223333',
  eventCategory: 'Data',
  tlsDetails: {
    tlsVersion: 'TLSv1.3',
    cipherSuite: 'TLS_AES_128_GCM_SHA256',
    clientProvidedHostHeader: 'eks-auth.us-west-2.api.aws',
  },
});

describe('strict mode', () => {
  test('accepts complete records and returns the input itself', () => {
    const event = auditEvent();
    const result = validateAuditEvent(event);
    expect(result).toEqual({ ok: true, value: event, warnings: [] });
    if (result.ok) expect(result.value).toBe(event);
    expect(validateCloudTrailRecord(cloudTrailRecord()).ok).toBe(true);
  });

  test('keeps unknown fields at every level', () => {
    const event = { ...auditEvent(), futureField: { a: 1 }, user: { ...auditEvent().user, newThing: true } };
    const result = validateAuditEvent(event);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value.futureField).toEqual({ a: 1 });
      expect(result.value.user.newThing).toBe(true);
    }
  });

  test.each<[string, string, (r: Record<string, unknown>) => unknown]>([
    ['missing auditID', 'auditID', ({ auditID: _, ...r }) => r],
    ['unknown level', 'level', (r) => ({ ...r, level: 'Verbose' })],
    ['unknown stage', 'stage', (r) => ({ ...r, stage: 'Done' })],
    ['numeric code as string', 'responseStatus.code', (r) => ({ ...r, responseStatus: { code: '200' } })],
    ['extra as a string', 'user.extra.arn', (r) => ({ ...r, user: { extra: { arn: 'x' } } })],
    ['bad timestamp', 'stageTimestamp', (r) => ({ ...r, stageTimestamp: '2024-05-01 10:00:00' })],
    [
      'missing MicroTimes without legacy timestamp',
      'requestReceivedTimestamp',
      ({ requestReceivedTimestamp: _, ...r }) => r,
    ],
    ['wrong apiVersion', 'apiVersion', (r) => ({ ...r, apiVersion: 'v1' })],
    ['annotation value not a string', 'annotations.a', (r) => ({ ...r, annotations: { a: 1 } })],
  ])('audit: %s → fails at %s', (_name, path, mutate) => {
    const result = validateAuditEvent(mutate(auditEvent()));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(formatPath(result.path)).toBe(path);
  });

  test('audit: the pre-v1 timestamp replaces the MicroTimes', () => {
    const { requestReceivedTimestamp: _a, stageTimestamp: _b, ...event } = auditEvent();
    expect(validateAuditEvent({ ...event, timestamp: '2017-09-11T19:55:05Z' }).ok).toBe(true);
  });

  test('audit: v1beta1 and a missing apiVersion are accepted', () => {
    const { apiVersion: _, ...event } = auditEvent();
    expect(validateAuditEvent(event).ok).toBe(true);
    expect(validateAuditEvent({ ...event, apiVersion: 'audit.k8s.io/v1beta1' }).ok).toBe(true);
  });

  test.each<[string, string, (r: Record<string, unknown>) => unknown]>([
    ['readOnly as a string', 'readOnly', (r) => ({ ...r, readOnly: 'false' })],
    [
      'mfaAuthenticated as a boolean',
      'userIdentity.sessionContext.attributes.mfaAuthenticated',
      (r) => ({
        ...r,
        userIdentity: { type: 'IAMUser', sessionContext: { attributes: { mfaAuthenticated: true } } },
      }),
    ],
    ['unknown identity type', 'userIdentity.type', (r) => ({ ...r, userIdentity: { type: 'Robot' } })],
    ['unknown eventType', 'eventType', (r) => ({ ...r, eventType: 'logout' })],
    ['missing eventCategory on 1.07+', 'eventCategory', ({ eventCategory: _, ...r }) => r],
    ['missing eventID on 1.01+', 'eventID', ({ eventID: _, ...r }) => r],
    ['missing userIdentity on a non-Insights event', 'userIdentity', ({ userIdentity: _, ...r }) => r],
    ['eventTime with a space', 'eventTime', (r) => ({ ...r, eventTime: '2023-12-13 01:14:20' })],
    ['bad eventVersion', 'eventVersion', (r) => ({ ...r, eventVersion: 'v1.08' })],
    ['resources not an array', 'resources', (r) => ({ ...r, resources: null })],
  ])('CloudTrail: %s → fails at %s', (_name, path, mutate) => {
    const result = validateCloudTrailRecord(mutate(cloudTrailRecord()));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(formatPath(result.path)).toBe(path);
  });

  test('CloudTrail 1.0 needs no eventID/eventType/eventCategory', () => {
    const { eventID: _a, eventType: _b, eventCategory: _c, ...record } = cloudTrailRecord();
    expect(validateCloudTrailRecord({ ...record, eventVersion: '1.0' }).ok).toBe(true);
    expect(validateCloudTrailRecord({ ...record, eventVersion: '1.01' }).ok).toBe(false);
  });

  test('CloudTrail Insights events need insightDetails but no identity', () => {
    const insight = {
      eventVersion: '1.07',
      eventTime: '2019-11-14T00:51:00Z',
      awsRegion: 'us-east-1',
      eventID: 'e1',
      eventType: 'AwsCloudTrailInsight',
      eventCategory: 'Insight',
      sharedEventID: 's1',
      insightDetails: {
        state: 'Start',
        eventSource: 'ssm.amazonaws.com',
        eventName: 'UpdateInstanceInformation',
        insightType: 'ApiCallRateInsight',
      },
    };
    expect(validateCloudTrailRecord(insight).ok).toBe(true);
    const { insightDetails: _, ...bare } = insight;
    const result = validateCloudTrailRecord(bare);
    expect(!result.ok && formatPath(result.path)).toBe('insightDetails');
  });
});

describe('lenient mode', () => {
  test('coerces the documented type traps, with warnings', () => {
    const record = {
      ...cloudTrailRecord(),
      readOnly: 'true',
      managementEvent: 'FALSE',
      sessionCredentialFromConsole: true,
      userIdentity: {
        type: 'IAMUser',
        sessionContext: { attributes: { mfaAuthenticated: false }, assumedRoot: true },
      },
      insightDetails: {
        state: 'Start',
        eventSource: 's',
        eventName: 'n',
        insightType: 'ApiCallRateInsight',
        insightContext: { statistics: { baseline: { average: '85.42' } } },
      },
      resources: { ARN: 'arn:aws:iam::111122223333:role/app' },
    };
    const result = validateCloudTrailRecord(record, { mode: 'lenient' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.readOnly).toBe(true);
    expect(result.value.managementEvent).toBe(false);
    expect(result.value.sessionCredentialFromConsole).toBe('true');
    expect(result.value.userIdentity?.sessionContext?.attributes?.mfaAuthenticated).toBe('false');
    expect(result.value.userIdentity?.sessionContext?.assumedRoot).toBe('true');
    expect(result.value.insightDetails?.insightContext?.statistics?.baseline?.average).toBe(85.42);
    expect(result.value.resources).toEqual([{ ARN: 'arn:aws:iam::111122223333:role/app' }]);
    const coerced = result.warnings.filter((w) => w.code === 'coerced').map((w) => formatPath(w.path));
    expect(coerced).toEqual([
      'userIdentity.sessionContext.attributes.mfaAuthenticated',
      'userIdentity.sessionContext.assumedRoot',
      'managementEvent',
      'readOnly',
      'resources',
      'sessionCredentialFromConsole',
      'insightDetails.insightContext.statistics.baseline.average',
    ]);
    // The input is not mutated.
    expect(record.readOnly).toBe('true');
  });

  test('audit traps: code as a string, a single source IP, extra values as strings, annotation numbers', () => {
    const event = {
      ...auditEvent(),
      responseStatus: { code: '403', status: 'Failure', reason: 'Forbidden' },
      sourceIPs: '198.51.100.7',
      user: { username: 'u', extra: { arn: 'arn:aws:iam::111122223333:user/bob' } },
      annotations: { 'k8s.io/removed-release': 1.22, 'audit.k8s.io/truncated': true },
    };
    const result = validateAuditEvent(event, { mode: 'lenient' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.responseStatus?.code).toBe(403);
    expect(result.value.sourceIPs).toEqual(['198.51.100.7']);
    expect(result.value.user?.extra?.arn).toEqual(['arn:aws:iam::111122223333:user/bob']);
    expect(result.value.annotations).toEqual({
      'k8s.io/removed-release': '1.22',
      'audit.k8s.io/truncated': 'true',
    });
  });

  test('tolerates missing fields and unknown enum values as warnings', () => {
    const result = validateAuditEvent({ kind: 'Event', verb: 'get', level: 'Verbose' }, { mode: 'lenient' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.level).toBe('Verbose');
    const paths = result.warnings.map((w) => `${w.code} ${formatPath(w.path)}`);
    expect(paths).toContain('invalid_value level');
    expect(paths).toContain('invalid_type auditID');
    expect(paths).toContain('invalid_type user');
  });

  test('quarantines values of the wrong type instead of dropping the record', () => {
    const event = {
      ...auditEvent(),
      user: 'bob',
      objectRef: { resource: 'pods', name: 7n.toString(), namespace: {} },
    };
    const result = validateAuditEvent(event, { mode: 'lenient' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.user).toBeUndefined();
    expect(result.value.objectRef).toEqual({ resource: 'pods', name: '7' });
    const quarantined = result.warnings.filter((w) => w.code === 'quarantined');
    expect(quarantined.map((w) => [formatPath(w.path), w.value])).toEqual([
      ['user', 'bob'],
      ['objectRef.namespace', {}],
    ]);
  });

  test('an array with a bad element is quarantined whole', () => {
    const result = validateAuditEvent(
      { ...auditEvent(), sourceIPs: ['10.0.0.1', { ip: 'x' }] },
      { mode: 'lenient' },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.sourceIPs).toBeUndefined();
    expect(result.warnings.find((w) => w.code === 'quarantined')?.value).toEqual(['10.0.0.1', { ip: 'x' }]);
  });

  test('__proto__ keys stay own data and never pollute', () => {
    const event = JSON.parse(
      '{"auditID":"a","__proto__":{"polluted":1},"annotations":{"__proto__":2,"x":"y"},"user":{"extra":{"__proto__":"v"}}}',
    ) as unknown;
    const result = validateAuditEvent(event, { mode: 'lenient' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const value = result.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(value.polluted).toBeUndefined();
    const annotations = result.value.annotations as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(annotations, '__proto__')?.value).toBe('2');
    expect(Object.getPrototypeOf(annotations)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test.each([[null], [[]], ['x'], [3]])('fails only on non-objects: %j', (value) => {
    const result = validateAuditEvent(value, { mode: 'lenient' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.path).toEqual([]);
  });

  test('lists: items validated one by one; non-object items are quarantined', () => {
    const result = validateAuditEventList(
      { kind: 'EventList', items: [auditEvent(), 'junk', { auditID: 'b' }] },
      { mode: 'lenient' },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.items).toHaveLength(2);
    expect(result.warnings.some((w) => w.code === 'quarantined' && formatPath(w.path) === 'items[1]')).toBe(
      true,
    );
    expect(result.warnings.some((w) => formatPath(w.path) === 'items[2].level')).toBe(true);
  });
});

describe('throwing variants', () => {
  test('return the value when valid', () => {
    expect(parseAuditEvent(auditEvent()).verb).toBe('create');
    expect(parseCloudTrailRecord(cloudTrailRecord()).eventName).toBe('AssumeRoleForPodIdentity');
    expect(parseAuditEventList({ kind: 'EventList', items: [] }).items).toEqual([]);
    expect(parseCloudTrailFile({ Records: [cloudTrailRecord()] }).Records).toHaveLength(1);
    expect(parseCloudTrailRecord({ readOnly: 'true' }, { mode: 'lenient' }).readOnly).toBe(true);
  });

  test('throw ValidationError naming the first offending path', () => {
    let caught: unknown;
    try {
      parseCloudTrailRecord({ ...cloudTrailRecord(), userIdentity: { type: 'Robot' } });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect(caught).toBeInstanceOf(KubetrailError);
    expect(isKubetrailError(caught)).toBe(true);
    expect(isValidationError(caught)).toBe(true);
    expect(isValidationError(new KubetrailError('invalid_record', 'x'))).toBe(false);
    const error = caught as ValidationError;
    expect(error.code).toBe('invalid_record');
    expect(error.name).toBe('ValidationError');
    expect(error.path).toEqual(['userIdentity', 'type']);
    expect(error.message).toMatch(/^Invalid CloudTrail record at userIdentity\.type: /);
    expect(error.issues.length).toBeGreaterThan(0);
    expect(() => parseAuditEvent('x', { mode: 'lenient' })).toThrow(
      /Invalid Kubernetes audit event at \(root\)/,
    );
  });

  test('every thrown code is in the table', () => {
    expect(Object.keys(SCHEMA_ERROR_CODES)).toEqual(['invalid_record']);
  });
});
