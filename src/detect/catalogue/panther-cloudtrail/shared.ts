/**
 * What the Panther CloudTrail ports share: Panther's success test, the
 * AWS-on-your-behalf test, the default columns, and the builders of "one of
 * these calls" and threshold rules.
 *
 * "Successful" follows Panther: neither `errorCode` nor `errorMessage` has a
 * value. Threshold rules count matching events per Panther's grouping key and
 * window with `stats`.
 *
 * @module
 * @internal
 */
import type { Detection } from '../../types.js';
import { type PantherPort, pantherPorter } from '../panther-port.js';
import { lines } from '../sources.js';

/** Panther's success test: no errorCode and no errorMessage (empty counts as none). */
export const SUCCESS = 'isblank(errorCode) and isblank(errorMessage)';
/** Calls made by AWS on the user's behalf (service principals, AWS-internal callers). */
export const BY_AWS =
  '(sourceIPAddress like /\\.amazonaws\\.com$/ or userIdentity.type = "AWSService" or userIdentity.invokedBy = "AWS Internal" or userIdentity.invokedBy like /\\.amazonaws\\.com$/)';
/** A VPC endpoint network-activity event. */
export const VPCE = 'eventType = "AwsVpceEvent" and eventCategory = "NetworkActivity"';
export const FIELDS =
  'fields @timestamp, eventSource, eventName, userIdentity.arn, sourceIPAddress, userAgent, recipientAccountId, awsRegion, errorCode';
/** The caller is an IAM or federated user, or an AWS IAM Identity Center (SSO) session. */
export const HUMAN_CALLER =
  '(userIdentity.type in ["IAMUser", "FederatedUser"] or (userIdentity.type = "AssumedRole" and userIdentity.sessionContext.sessionIssuer.userName like /^AWSReservedSSO_/))';

export const port = pantherPorter('cloudtrail', 'cloudtrail', 'rules/aws_cloudtrail_rules/');

export const names = (list: readonly string[]): string => `[${list.map((n) => `"${n}"`).join(', ')}]`;

/** A rule that is "one of these calls" (optionally on one service, optionally successful). */
export const calls = (
  p: Omit<PantherPort, 'query'> & {
    readonly names: readonly string[];
    readonly source?: string;
    readonly success?: boolean;
    readonly extra?: readonly string[];
  },
): Detection =>
  port({
    ...p,
    query: lines(
      FIELDS,
      `| filter ${p.source === undefined ? '' : `eventSource = "${p.source}" and `}eventName in ${names(p.names)}`,
      ...(p.success === true ? [`| filter ${SUCCESS}`] : []),
      ...(p.extra ?? []).map((e) => `| filter ${e}`),
    ),
  });

/** A threshold rule: matching events counted per key and window. */
export const threshold = (filter: string, count: string, by: string, minimum: number): string =>
  lines(
    filter,
    `| stats ${count}, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by ${by}`,
    `| filter ${count.split(' as ').at(-1)} >= ${minimum}`,
  );

/** Panther CloudTrail rule ports. */
