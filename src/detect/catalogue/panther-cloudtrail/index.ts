/**
 * Ports of Panther's CloudTrail rules (rules/aws_cloudtrail_rules), each
 * written in the Logs Insights language from what the rule is meant to
 * detect and checked against Panther's embedded rule tests
 * (test/detect/panther-tests.test.ts), one file per AWS service or area.
 *
 * @module
 */
import type { Detection } from '../../types.js';
import { PANTHER_CLOUDTRAIL_EC2 } from './ec2.js';
import { PANTHER_CLOUDTRAIL_IAM } from './iam.js';
import { PANTHER_CLOUDTRAIL_KMS_SSM_SECRETS } from './kms-ssm-secrets.js';
import { PANTHER_CLOUDTRAIL_LAMBDA } from './lambda.js';
import { PANTHER_CLOUDTRAIL_LOGGING } from './logging.js';
import { PANTHER_CLOUDTRAIL_OTHER } from './other.js';
import { PANTHER_CLOUDTRAIL_RDS } from './rds.js';
import { PANTHER_CLOUDTRAIL_S3 } from './s3.js';
import { PANTHER_CLOUDTRAIL_SIGN_IN } from './sign-in.js';
import { PANTHER_CLOUDTRAIL_STS } from './sts.js';
import { PANTHER_CLOUDTRAIL_VPC_ENDPOINTS } from './vpc-endpoints.js';

/** Panther CloudTrail rule ports, in catalogue order. */
export const PANTHER_CLOUDTRAIL_DETECTIONS: readonly Detection[] = [
  ...PANTHER_CLOUDTRAIL_LOGGING,
  ...PANTHER_CLOUDTRAIL_IAM,
  ...PANTHER_CLOUDTRAIL_SIGN_IN,
  ...PANTHER_CLOUDTRAIL_STS,
  ...PANTHER_CLOUDTRAIL_EC2,
  ...PANTHER_CLOUDTRAIL_KMS_SSM_SECRETS,
  ...PANTHER_CLOUDTRAIL_S3,
  ...PANTHER_CLOUDTRAIL_LAMBDA,
  ...PANTHER_CLOUDTRAIL_VPC_ENDPOINTS,
  ...PANTHER_CLOUDTRAIL_RDS,
  ...PANTHER_CLOUDTRAIL_OTHER,
];
