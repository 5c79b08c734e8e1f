import type { LogEvent } from '../../src/log-event.js';

/** Builds a CloudTrail LogEvent from a partial record. */
export function ct(time: string, record: Record<string, unknown>): LogEvent {
  const full = {
    eventVersion: '1.08',
    eventTime: time,
    awsRegion: 'eu-west-1',
    recipientAccountId: '111122223333',
    ...record,
  };
  return {
    timestamp: Date.parse(time),
    message: JSON.stringify(full),
    kind: 'cloudtrail',
    record: full,
    source: {},
  };
}

/** Builds a Kubernetes audit LogEvent from a partial record. */
export function audit(time: string, record: Record<string, unknown>): LogEvent {
  const full = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    stage: 'ResponseComplete',
    stageTimestamp: time,
    ...record,
  };
  return {
    timestamp: Date.parse(time),
    message: JSON.stringify(full),
    logStream: 'kube-apiserver-audit-0123456789abcdef',
    kind: 'kubernetes-audit',
    record: full,
    source: {},
  };
}

export const PROVIDER =
  'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789';

/** A successful or failed IRSA AssumeRoleWithWebIdentity. */
export function irsaAssume(
  time: string,
  sa: string,
  role: string,
  key: string | undefined,
  errorCode?: string,
): LogEvent {
  return ct(time, {
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRoleWithWebIdentity',
    userIdentity: {
      type: 'WebIdentityUser',
      principalId: `${PROVIDER}:sts.amazonaws.com:${sa}`,
      userName: sa,
      identityProvider: PROVIDER,
    },
    sourceIPAddress: '10.0.1.20',
    userAgent: 'aws-sdk-go-v2/1.0',
    requestParameters: { roleArn: role, roleSessionName: '1700000000' },
    ...(errorCode === undefined
      ? {
          responseElements: {
            credentials: { accessKeyId: key },
            assumedRoleUser: {
              arn: `${role.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/1700000000`,
            },
            subjectFromWebIdentityToken: sa,
          },
        }
      : { errorCode, errorMessage: 'Not authorized' }),
  });
}

/** A call made with an assumed-role session key. */
export function sessionCall(
  time: string,
  key: string,
  role: string,
  ip: string,
  eventName = 'GetObject',
): LogEvent {
  return ct(time, {
    eventSource: 's3.amazonaws.com',
    eventName,
    sourceIPAddress: ip,
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:1700000000',
      arn: `${role.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/1700000000`,
      accessKeyId: key,
      sessionContext: {
        sessionIssuer: { type: 'Role', arn: role },
        webIdFederationData: { federatedProvider: PROVIDER },
      },
    },
  });
}
