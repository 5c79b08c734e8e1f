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
];
