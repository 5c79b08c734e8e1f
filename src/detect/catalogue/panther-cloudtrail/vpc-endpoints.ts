/**
 * Panther CloudTrail rule ports: VPC endpoint network-activity events.
 *
 * @module
 * @internal
 */
import type { Detection } from '../../types.js';
import { lines } from '../sources.js';
import { FIELDS, names, port, VPCE } from './shared.js';

/** Panther CloudTrail rule ports: VPC endpoint network-activity events. */
export const PANTHER_CLOUDTRAIL_VPC_ENDPOINTS: readonly Detection[] = [
  port({
    id: 'vpce-access-denied',
    rule: 'AWS.CloudTrail.VPCE.AccessDenied',
    file: 'aws_vpce_access_denied.yml',
    title: 'VPC endpoint policy denied a request',
    description: 'A VPC endpoint network-activity event with errorCode VpceAccessDenied.',
    severity: 'medium',
    mitre: ['T1526'],
    tags: ['network', 'vpce'],
    query: lines(`${FIELDS}, vpcEndpointId`, `| filter ${VPCE} and errorCode = "VpceAccessDenied"`),
  }),
  port({
    id: 'vpce-external-principal',
    rule: 'AWS.CloudTrail.VPCE.ExternalPrincipal',
    file: 'aws_vpce_external_principal.yml',
    title: 'Another account used a VPC endpoint',
    description:
      'A VPC endpoint network-activity event by an AWSAccount principal (principal id, no ARN) of an account other than the recipient account.',
    severity: 'medium',
    mitre: ['T1526', 'T1048'],
    tags: ['network', 'vpce', 'exfiltration'],
    query: lines(
      `${FIELDS}, userIdentity.accountId as principal_account, vpcEndpointId`,
      `| filter ${VPCE} and userIdentity.type = "AWSAccount"`,
      '| filter not ispresent(userIdentity.arn) and ispresent(userIdentity.principalId)',
      '| filter not isblank(recipientAccountId) and not isblank(userIdentity.accountId) and not (recipientAccountId = userIdentity.accountId)',
    ),
  }),
  port({
    id: 'vpce-s3-external-ip',
    rule: 'AWS.CloudTrail.VPCE.S3ExternalIP',
    file: 'aws_vpce_s3_external_ip.yml',
    title: 'S3 object access through a VPC endpoint from a public IP',
    description:
      'An S3 object read/write/delete network-activity event through a VPC endpoint whose source is a public address.',
    severity: 'medium',
    mitre: ['T1530'],
    tags: ['network', 'vpce', 's3'],
    query: lines(
      `${FIELDS}, vpcEndpointId`,
      `| filter ${VPCE} and eventSource = "s3.amazonaws.com"`,
      `| filter eventName in ${names(['GetObject', 'GetObjectVersion', 'GetObjectAcl', 'GetObjectVersionAcl', 'PutObject', 'PutObjectAcl', 'PutObjectVersionAcl', 'CopyObject', 'DeleteObject', 'DeleteObjects', 'DeleteObjectVersion'])}`,
      '| filter isPublicIP(sourceIPAddress)',
    ),
  }),
  port({
    id: 'vpce-sensitive-api-calls',
    rule: 'AWS.CloudTrail.VPCE.SensitiveAPICalls',
    file: 'aws_vpce_sensitive_api_calls.yml',
    title: 'Sensitive API call through a VPC endpoint',
    description:
      'A VPC endpoint network-activity event for a sensitive EC2, KMS, Secrets Manager, S3 or CloudTrail call (instances and key pairs, decrypt and key deletion, secret read/write, bucket policy, trail stop/delete/update).',
    severity: 'medium',
    mitre: ['T1526', 'T1562'],
    tags: ['network', 'vpce'],
    query: lines(
      `${FIELDS}, vpcEndpointId`,
      `| filter ${VPCE}`,
      '| filter (eventSource = "ec2.amazonaws.com" and eventName in ["DescribeInstances", "DescribeNetworkInterfaces", "CreateKeyPair", "ImportKeyPair", "RunInstances"]) or (eventSource = "kms.amazonaws.com" and eventName in ["Decrypt", "GenerateDataKey", "CreateKey", "ScheduleKeyDeletion"]) or (eventSource = "secretsmanager.amazonaws.com" and eventName in ["GetSecretValue", "CreateSecret", "PutSecretValue", "DeleteSecret"]) or (eventSource = "s3.amazonaws.com" and eventName in ["ListAllMyBuckets", "DeleteBucketPolicy", "PutBucketPolicy"]) or (eventSource = "cloudtrail.amazonaws.com" and eventName in ["StopLogging", "DeleteTrail", "UpdateTrail"])',
    ),
  }),
];
