/**
 * Panther CloudTrail rule ports: KMS, Systems Manager and Secrets Manager.
 *
 * @module
 * @internal
 */
import type { Detection } from '../../types.js';
import { lines } from '../sources.js';
import { calls, FIELDS, port, threshold } from './shared.js';

/** Panther CloudTrail rule ports: KMS, Systems Manager and Secrets Manager. */
export const PANTHER_CLOUDTRAIL_KMS_SSM_SECRETS: readonly Detection[] = [
  calls({
    id: 'kms-cmk-loss',
    rule: 'AWS.KMS.CustomerManagedKeyLoss',
    file: 'aws_kms_cmk_loss.yml',
    title: 'KMS key disabled or scheduled for deletion',
    description:
      'A successful DisableKey or ScheduleKeyDeletion: data encrypted under the key becomes unreadable.',
    severity: 'medium',
    mitre: ['T1485'],
    tags: ['impact', 'kms'],
    names: ['DisableKey', 'ScheduleKeyDeletion'],
    success: true,
  }),
  port({
    id: 'ssm-distributed-command',
    rule: 'AWS.SSM.DistributedCommand',
    file: 'aws_ssm_distributed_command.yml',
    title: 'SSM command sent to several instances',
    description: 'SendCommand to more than 2 distinct instances by one principal within an hour.',
    severity: 'low',
    mitre: ['T1651'],
    tags: ['execution', 'ssm', 'threshold'],
    query: lines(
      'filter eventName = "SendCommand"',
      '| fields jsonParse(@message).requestParameters.instanceIds as ids',
      '| unnest ids into instance',
      '| stats count_distinct(instance) as instances, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by userIdentity.arn, recipientAccountId, bin(1h)',
      '| filter instances > 2',
    ),
  }),
  port({
    id: 'secretsmanager-access-denied',
    rule: 'AWS.SecretsManager.RetrieveSecrets',
    file: 'aws_secretsmanager_retrieve_secrets.yml',
    title: 'Many denied secret reads',
    description: 'At least 20 GetSecretValue calls denied with AccessDenied for one principal within a day.',
    severity: 'medium',
    mitre: ['T1555.006'],
    tags: ['credential-access', 'secrets', 'threshold'],
    query: threshold(
      'filter eventName = "GetSecretValue" and errorCode = "AccessDenied"',
      'count(*) as denied',
      'userIdentity.arn, bin(1d)',
      20,
    ),
  }),
  port({
    id: 'secretsmanager-batch-retrieve',
    rule: 'AWS.SecretsManager.BatchRetrieveSecrets',
    file: 'aws_secretsmanager_retrieve_secrets_batch.yml',
    title: 'Repeated batch secret retrieval',
    description: 'At least 5 BatchGetSecretValue calls by one principal within a day.',
    severity: 'medium',
    mitre: ['T1555.006'],
    tags: ['credential-access', 'secrets', 'threshold'],
    query: threshold(
      'filter eventName = "BatchGetSecretValue"',
      'count(*) as calls',
      'userIdentity.arn, bin(1d)',
      5,
    ),
  }),
  port({
    id: 'secretsmanager-batch-retrieve-catchall',
    rule: 'AWS.SecretsManager.BatchRetrieveSecretsCatchAll',
    file: 'aws_secretsmanager_retrieve_secrets_catchall.yml',
    title: 'Batch secret retrieval with a catch-all filter',
    description:
      'BatchGetSecretValue whose filters are only negated tag-key filters (or none): a request for every secret.',
    severity: 'high',
    mitre: ['T1555.006'],
    tags: ['credential-access', 'secrets'],
    query: lines(
      `${FIELDS}, jsonStringify(jsonParse(@message).requestParameters.filters) as filters`,
      '| filter eventName = "BatchGetSecretValue"',
      '| filter not (replace(filters, \'"key":"tag-key"\', "") like /"key":/)',
      '| filter not (filters like /"values":\\[("[^"]*",)*"([^!]|")/)',
    ),
  }),
  port({
    id: 'secretsmanager-multi-region',
    rule: 'AWS.SecretsManager.RetrieveSecretsMultiRegion',
    file: 'aws_secretsmanager_retrieve_secrets_multiregion.yml',
    title: 'Batch secret retrieval across regions',
    description: 'BatchGetSecretValue in at least 5 distinct regions by one principal within 10 minutes.',
    severity: 'high',
    mitre: ['T1555.006'],
    tags: ['credential-access', 'secrets', 'threshold'],
    query: threshold(
      'filter eventName = "BatchGetSecretValue"',
      'count_distinct(awsRegion) as regions',
      'userIdentity.arn, bin(10m)',
      5,
    ),
  }),
];
