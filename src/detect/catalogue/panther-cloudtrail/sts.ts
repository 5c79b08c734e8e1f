/**
 * Panther CloudTrail rule ports: STS: role assumption and session tokens.
 *
 * @module
 * @internal
 */
import type { Detection } from '../../types.js';
import { calls } from './shared.js';

/** Panther CloudTrail rule ports: STS: role assumption and session tokens. */
export const PANTHER_CLOUDTRAIL_STS: readonly Detection[] = [
  calls({
    id: 'sts-getsessiontoken-iam-user',
    rule: 'AWS.STS.GetSessionToken.Misuse',
    file: 'aws_sts_getsessiontoken_misuse.yml',
    title: 'GetSessionToken by an IAM user',
    description:
      'A successful GetSessionToken by an IAM user: temporary credentials that outlive a revoked access key.',
    severity: 'low',
    mitre: ['T1550.001', 'T1548'],
    tags: ['persistence', 'identity', 'sts'],
    names: ['GetSessionToken'],
    source: 'sts.amazonaws.com',
    success: true,
    extra: ['userIdentity.type = "IAMUser"'],
  }),
  calls({
    id: 'sts-getcalleridentity-trufflehog',
    rule: 'AWS.STS.GetCallerIdentity.TruffleHog',
    file: 'aws_sts_getcalleridentity_trufflehog.yml',
    title: 'Credentials checked by TruffleHog',
    description: 'GetCallerIdentity with a TruffleHog user agent: a leaked key being verified.',
    severity: 'medium',
    mitre: ['T1087.004'],
    tags: ['discovery', 'credential-access', 'sts'],
    names: ['GetCallerIdentity'],
    source: 'sts.amazonaws.com',
    extra: ['userAgent like /(?i)trufflehog/'],
  }),
  calls({
    id: 'role-assumed-by-aws-service',
    rule: 'Role.Assumed.by.AWS.Service',
    file: 'role_assumed_by_aws_service.yml',
    title: 'Role assumed by an AWS service (signal)',
    description: 'AssumeRole with a roleArn by an AWSService identity. Disabled by default as in Panther.',
    severity: 'info',
    mitre: ['T1078.004'],
    tags: ['identity', 'sts', 'signal'],
    enabled: false,
    names: ['AssumeRole'],
    extra: ['not isblank(requestParameters.roleArn) and userIdentity.type = "AWSService"'],
  }),
  calls({
    id: 'role-assumed-by-user',
    rule: 'Role.Assumed.by.User',
    file: 'role_assumed_by_user.yml',
    title: 'Role assumed by a user (signal)',
    description:
      'AssumeRole with a roleArn by anything other than an AWS service. Disabled by default as in Panther.',
    severity: 'info',
    mitre: ['T1078.004'],
    tags: ['identity', 'sts', 'signal'],
    enabled: false,
    names: ['AssumeRole'],
    extra: ['not isblank(requestParameters.roleArn) and not (userIdentity.type = "AWSService")'],
  }),
];
