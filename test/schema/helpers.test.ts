import { describe, expect, test } from 'vitest';
import {
  AUDIT_ANNOTATIONS,
  getAnnotation,
  getAuthorizationDecision,
  getAuthorizationReason,
  getDeprecation,
  getLatencyAnnotations,
  getPodSecurityEnforcePolicy,
  getWebhookAnnotations,
  isTruncated,
} from '../../src/schema/audit-annotations.js';
import { EKS_USER_EXTRA_KEYS, readEksUserExtra } from '../../src/schema/eks-user-extra.js';

describe('audit annotations', () => {
  const event = {
    annotations: {
      'authorization.k8s.io/decision': 'forbid',
      'authorization.k8s.io/reason': '',
      'pod-security.kubernetes.io/enforce-policy': 'baseline:v1.35',
      'audit.k8s.io/truncated': 'true',
      'k8s.io/deprecated': 'true',
      'k8s.io/removed-release': '1.22',
      'mutation.webhook.admission.k8s.io/round_0_index_0':
        '{"configuration":"c","webhook":"w","mutated":true}',
      'patch.webhook.admission.k8s.io/round_0_index_1': 'not json',
      'apiserver.latency.k8s.io/total': '1.02s',
      'apiserver.latency.k8s.io/etcd': '350.1µs',
    },
  };

  test('typed accessors', () => {
    expect(getAuthorizationDecision(event)).toBe('forbid');
    expect(getAuthorizationReason(event)).toBe('');
    expect(getPodSecurityEnforcePolicy(event)).toEqual({ level: 'baseline', version: 'v1.35' });
    expect(isTruncated(event)).toBe(true);
    expect(getDeprecation(event)).toEqual({ removedRelease: '1.22' });
    expect(getWebhookAnnotations(event)).toEqual([
      {
        key: 'mutation.webhook.admission.k8s.io/round_0_index_0',
        kind: 'mutation',
        value: { configuration: 'c', webhook: 'w', mutated: true },
        raw: '{"configuration":"c","webhook":"w","mutated":true}',
      },
      {
        key: 'patch.webhook.admission.k8s.io/round_0_index_1',
        kind: 'patch',
        value: undefined,
        raw: 'not json',
      },
    ]);
    expect({ ...getLatencyAnnotations(event) }).toEqual({ total: '1.02s', etcd: '350.1µs' });
  });

  test('absent, odd and inherited values', () => {
    expect(getAuthorizationDecision({})).toBeUndefined();
    expect(
      getAuthorizationDecision({ annotations: { [AUDIT_ANNOTATIONS.authorizationDecision]: 'maybe' } }),
    ).toBeUndefined();
    expect(getAnnotation({ annotations: { a: 1 } }, 'a')).toBeUndefined();
    expect(getAnnotation({ annotations: {} }, 'toString')).toBeUndefined();
    expect(
      getPodSecurityEnforcePolicy({
        annotations: { [AUDIT_ANNOTATIONS.podSecurityEnforcePolicy]: 'privileged' },
      }),
    ).toEqual({
      level: 'privileged',
      version: '',
    });
    expect(isTruncated({})).toBe(false);
    expect(getDeprecation({})).toBeUndefined();
    expect(getWebhookAnnotations({})).toEqual([]);
    expect(Object.getPrototypeOf(getLatencyAnnotations({}))).toBeNull();
  });
});

describe('EKS user.extra', () => {
  test('reads the aws-iam-authenticator keys', () => {
    expect(
      readEksUserExtra({
        username: 'admin',
        extra: {
          arn: ['arn:aws:sts::111122223333:assumed-role/Admin/alice'],
          canonicalArn: ['arn:aws:iam::111122223333:role/Admin'],
          accessKeyId: ['ASIAEXAMPLE'],
          sessionName: ['alice'],
          principalId: ['AROAEXAMPLE'],
        },
      }),
    ).toEqual({
      arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
      canonicalArn: 'arn:aws:iam::111122223333:role/Admin',
      accessKeyId: 'ASIAEXAMPLE',
      sessionName: 'alice',
      principalId: 'AROAEXAMPLE',
    });
  });

  test('empty strings are absent; the namespaced principalId is a fallback', () => {
    expect(
      readEksUserExtra({
        extra: {
          arn: ['arn:aws:iam::111122223333:user/bob'],
          sessionName: [''],
          [EKS_USER_EXTRA_KEYS.namespacedPrincipalId]: ['AIDAEXAMPLE'],
        },
      }),
    ).toEqual({ arn: 'arn:aws:iam::111122223333:user/bob', principalId: 'AIDAEXAMPLE' });
  });

  test.each([
    [undefined],
    [{}],
    [{ extra: { 'authentication.kubernetes.io/pod-name': ['web-0'] } }],
    [{ extra: Object.create({ arn: ['inherited'] }) as Record<string, unknown> }],
  ])('not an IAM principal: %j', (user) => {
    expect(readEksUserExtra(user)).toBeUndefined();
  });
});
