/**
 * The Panther rules whose embedded tests ship in the corpus but that are not
 * ported, each with the reason; and the individual test cases of ported
 * rules that cannot give Panther's answer from the event alone.
 *
 * @module
 */
import type { InexpressibleRule } from '../types.js';
import { PANTHER } from './sources.js';

/** A Panther rule-test case a port cannot reproduce from the event alone. */
export interface PantherTestException {
  /** The Panther RuleID. */
  readonly rule: string;
  /** The test's Name in the rule's YAML. */
  readonly test: string;
  /** Why the port's answer differs from Panther's ExpectedResult. */
  readonly reason: string;
}

const ACCOUNT_AGE =
  "Panther's answer depends on its cache of when it first saw the user or account (mocked in the test), not on the event.";
const LOWER_CASE =
  "The test event spells CloudTrail fields in lower case (eventname, eventsource); Panther's event lookup ignores case, CloudTrail and Logs Insights field names do not.";
const IP_ENRICHMENT =
  'Panther drops the event because p_enrichment (ipinfo ASN / MISP warning list) says the node address is AWS; enrichment is not part of the log.';

/**
 * Test cases of ported rules whose expected result depends on something
 * outside the event; the port gives the opposite answer for exactly these.
 *
 * @example
 * ```ts
 * PANTHER_TEST_EXCEPTIONS.every((e) => e.reason.length > 0); //=> true
 * ```
 */
export const PANTHER_TEST_EXCEPTIONS: readonly PantherTestException[] = [
  {
    rule: 'Kubernetes.System.Principal.PublicIP',
    test: 'EKS Legitimate Node from AWS IP',
    reason: IP_ENRICHMENT,
  },
  {
    rule: 'Amazon.EKS.Audit.SystemNamespaceFromPublicIP',
    test: 'legitimate EKS node from AWS IP - should not alert',
    reason: IP_ENRICHMENT,
  },
  {
    rule: 'AWS.CloudTrail.SecurityConfigurationChange',
    test: 'Security Configuration Changed - Allowlisted User',
    reason: 'The test mocks an allow-list (user and event name) that is empty in the shipped rule.',
  },
  { rule: 'AWS.IPSet.Modified', test: 'CreateIPSet Event', reason: LOWER_CASE },
  { rule: 'AWS.IPSet.Modified', test: 'UpdateIPSet', reason: LOWER_CASE },
  { rule: 'AWS.CloudTrail.Password.Policy.Discovery', test: 'Password Discovery ARN', reason: LOWER_CASE },
  {
    rule: 'AWS.Console.LoginWithoutMFA',
    test: 'No MFA Login - New User',
    reason: ACCOUNT_AGE,
  },
  {
    rule: 'AWS.Console.LoginWithoutMFA',
    test: 'No MFA - IAM Role and External IDP',
    reason:
      'The test mocks a deployment setting (roles come through an external IdP) that is off in the shipped rule.',
  },
  {
    rule: 'AWS.CloudTrail.AMIModifiedForPublicAccess',
    test: 'Access Granted To Unknown User',
    reason: ACCOUNT_AGE,
  },
  {
    rule: 'AWS.SSM.DistributedCommand',
    test: 'Single Command Send, Many Cached IDs',
    reason:
      'The other instance ids come from a mocked cache of earlier events; the port counts them only when those events are in the input.',
  },
];

const rule = (name: string, file: string, reason: string): InexpressibleRule => ({
  rule: name,
  source: `${PANTHER} ${file}`,
  reason,
});

/**
 * Panther rules with test events in the corpus that are not ported, with the
 * reason.
 *
 * @example
 * ```ts
 * PANTHER_NOT_PORTED.find((r) => r.rule === 'Kubernetes.API.IOC.Activity')?.reason;
 * ```
 */
export const PANTHER_NOT_PORTED: readonly InexpressibleRule[] = [
  rule(
    'Kubernetes.API.IOC.Activity',
    'rules/kubernetes_rules/k8s_ioc_activity.yml',
    'Fires on p_enrichment.tor_exit_nodes: a threat-intel lookup, not in the log.',
  ),
  rule(
    'AWS.CloudTrail.IAMAssumeRoleBlacklistIgnored',
    'rules/aws_cloudtrail_rules/aws_iam_assume_role_blocklist_ignored.yml',
    'Needs a per-deployment block-list of role ARNs (the shipped list is an example); write it as a local detection with your ARNs.',
  ),
  rule(
    'AWS.EC2.ManualSecurityGroupChange',
    'rules/aws_cloudtrail_rules/aws_ec2_manual_security_group_changes.yml',
    'Needs per-deployment production account ids and allowed roles/user agents (the shipped values are examples); AWS.EC2.SecurityGroupModified is ported.',
  ),
  rule(
    'AWS.ECR.EVENTS',
    'rules/aws_cloudtrail_rules/aws_ecr_events.yml',
    'Needs a per-deployment map of accounts to allowed regions (the shipped map is an example).',
  ),
  rule(
    'AWS.UnusedRegion',
    'rules/aws_cloudtrail_rules/aws_unused_region.yml',
    'Needs a per-deployment list of unused regions (the shipped list is an example).',
  ),
  rule(
    'AWS.EC2.Vulnerable.XZ.Image.Launched',
    'rules/aws_cloudtrail_rules/aws_ec2_vulnerable_xz_image_launched.yml',
    'Matches AMI ids against an indicator list shipped with Panther (panther_iocs), not part of the log.',
  ),
  rule(
    'AWS.CloudTrail.ResourceMadePublic',
    'rules/aws_cloudtrail_rules/aws_resource_made_public.yml',
    'Evaluates resource policies (JSON held in strings, in eleven services) for internet access with a policy library, including organisation conditions; a regular expression over the policy text would not be faithful.',
  ),
  rule(
    'AWS.S3.SecurityControlDisabling',
    'rules/aws_cloudtrail_rules/aws_s3_security_control_disabling.yml',
    'Alerts on two distinct control categories per bucket, a threshold over a computed category; its per-event parts are ported as AWS.S3.DisableBucketLogging, AWS.S3.SuspendVersioning and AWS.S3.DisableMfaDelete.',
  ),
  rule(
    'AWS.SSM.DecryptSSMParams',
    'rules/aws_cloudtrail_rules/aws_ssm_decrypt_ssm_params.yml',
    'Every firing test depends on parameter names cached from earlier events (mocked); the single events hold 1–3 names against a threshold of 25.',
  ),
  rule(
    'Standard.BruteForceByIP',
    'rules/standard_rules/brute_force_by_ip.yml',
    'Cross-log-type standard rule driven by geo-IP enrichment (mocked in its tests) and a 20-event threshold; CloudTrail console failures are covered by AWS.Console.RootLoginFailed and AWS.CloudTrail.PasswordSpraying.',
  ),
  rule(
    'Standard.BruteForceByUser',
    'rules/standard_rules/brute_force_by_user.yml',
    'Cross-log-type standard rule driven by geo-IP enrichment (mocked in its tests) and a 20-event threshold.',
  ),
  rule(
    'Standard.GreyNoiseV3.MaliciousIP',
    'rules/standard_rules/greynoise_malicious_ip.yml',
    'Fires on GreyNoise threat-intel enrichment, not in the log.',
  ),
  rule(
    'Standard.OTX.MaliciousIndicator',
    'rules/standard_rules/otx_malicious_indicator.yml',
    'Fires on AlienVault OTX threat-intel enrichment, not in the log.',
  ),
  rule(
    'Standard.ImpossibleTravel.Login',
    'rules/standard_rules/impossible_travel_login.yml',
    'Needs geo-IP lookups and the login history of earlier events (cached state).',
  ),
  rule(
    'Standard.SignInFromRogueState',
    'rules/standard_rules/sign_in_from_rogue_state.yml',
    'Needs a geo-IP country lookup (mocked in its tests).',
  ),
  rule(
    'Standard.NewAWSAccountCreated',
    'rules/indicator_creation_rules/new_aws_account_logging.yml',
    'An indicator-creation rule: it writes new account ids to a Panther lookup cache for other rules; it raises no alert of its own.',
  ),
  rule(
    'Standard.NewUserAccountCreated',
    'rules/indicator_creation_rules/new_user_account_logging.yml',
    'An indicator-creation rule: it writes new user names to a Panther lookup cache for other rules; it raises no alert of its own.',
  ),
];
