/**
 * CloudTrail essentials for EKS accounts: trail and log tampering, identity
 * abuse, and EKS control-plane API changes.
 *
 * @module
 */
import type { Detection } from '../types.js';
import { lines, PANTHER, STRATUS } from './sources.js';

const SIGMA = 'SigmaHQ/sigma@8eaafff1f2845a696050e05e72ba1140ee190698 rules/cloud/aws/cloudtrail';
const FALCO_CT = 'falcosecurity/plugins plugins/cloudtrail/rules/aws_cloudtrail_rules.yaml@0b3cbd8d';

const ct = (d: Omit<Detection, 'kind' | 'tags'> & { tags: readonly string[] }): Detection => ({
  ...d,
  kind: 'cloudtrail',
  tags: ['cloudtrail', ...d.tags],
});

/** CloudTrail detections. */
export const CLOUDTRAIL_DETECTIONS: readonly Detection[] = [
  ct({
    id: 'cloudtrail.trail-tampering',
    title: 'CloudTrail logging stopped, deleted or changed',
    description: 'StopLogging, DeleteTrail, UpdateTrail or PutEventSelectors on a trail, successful or not.',
    severity: 'high',
    mitre: ['T1562.008'],
    tags: ['defense-evasion', 'logging'],
    queries: [
      {
        query: lines(
          'fields @timestamp, eventName, userIdentity.arn, requestParameters.name, sourceIPAddress, userAgent, errorCode',
          '| filter eventSource = "cloudtrail.amazonaws.com" and eventName in ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"]',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${SIGMA}/aws_cloudtrail_disable_logging.yml; ${FALCO_CT} "CloudTrail Logging Disabled"; ${PANTHER} AWS.CloudTrail.Stopped`,
  }),
  ct({
    id: 'cloudtrail.eks-logging-disabled',
    title: 'EKS control-plane logging turned off',
    description:
      'UpdateClusterConfig whose request sets a log type enabled: false (audit, authenticator, api, ...).',
    severity: 'high',
    mitre: ['T1562.008'],
    tags: ['defense-evasion', 'logging', 'eks'],
    queries: [
      {
        query: lines(
          'fields @timestamp, userIdentity.arn, requestParameters.name as cluster, sourceIPAddress, userAgent, errorCode',
          '| filter eventSource = "eks.amazonaws.com" and eventName = "UpdateClusterConfig"',
          '| filter @message like /"enabled":\\s*false/',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: 'project-original (reference catalogue C06)',
  }),
  ct({
    id: 'cloudtrail.eks-log-group-deleted',
    title: 'EKS log group deleted or shortened',
    description: 'DeleteLogGroup, DeleteLogStream or PutRetentionPolicy on a /aws/eks/ log group.',
    severity: 'high',
    mitre: ['T1562.008', 'T1070'],
    tags: ['defense-evasion', 'logging', 'eks'],
    queries: [
      {
        query: lines(
          'fields @timestamp, eventName, userIdentity.arn, requestParameters.logGroupName, sourceIPAddress, errorCode',
          '| filter eventSource = "logs.amazonaws.com" and eventName in ["DeleteLogGroup", "DeleteLogStream", "PutRetentionPolicy"]',
          '| filter requestParameters.logGroupName like /^\\/aws\\/eks\\//',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: 'project-original (reference catalogue C06)',
  }),
  ct({
    id: 'cloudtrail.security-service-tampering',
    title: 'GuardDuty or Config disabled',
    description:
      'GuardDuty detector deletion/update, IP sets and filters, or AWS Config recorder/delivery channel stopped or deleted.',
    severity: 'high',
    mitre: ['T1562.001'],
    tags: ['defense-evasion'],
    queries: [
      {
        query: lines(
          'fields @timestamp, eventSource, eventName, userIdentity.arn, sourceIPAddress, errorCode',
          '| filter (eventSource = "guardduty.amazonaws.com" and eventName in ["DeleteDetector", "UpdateDetector", "CreateIPSet", "UpdateIPSet", "CreateFilter"]) or (eventSource = "config.amazonaws.com" and eventName in ["StopConfigurationRecorder", "DeleteConfigurationRecorder", "DeleteDeliveryChannel"])',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${SIGMA}; ${PANTHER} AWS.ConfigService.DisabledDeleted, AWS.IPSet.Modified`,
  }),
  ct({
    id: 'cloudtrail.root-activity',
    title: 'Root user activity',
    description: 'Any call by the root user other than AWS service events.',
    severity: 'high',
    mitre: ['T1078.004'],
    tags: ['identity', 'root'],
    queries: [
      {
        query: lines(
          'fields @timestamp, eventSource, eventName, sourceIPAddress, userAgent, errorCode',
          '| filter userIdentity.type = "Root" and eventType != "AwsServiceEvent"',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${SIGMA}/aws_root_account_usage.yml; ${PANTHER} AWS.Root.Activity`,
  }),
  ct({
    id: 'cloudtrail.console-login-without-mfa',
    title: 'Console login without MFA',
    description: 'A successful ConsoleLogin with additionalEventData.MFAUsed = No.',
    severity: 'medium',
    mitre: ['T1078.004'],
    tags: ['identity', 'mfa'],
    queries: [
      {
        query: lines(
          'fields @timestamp, userIdentity.type, userIdentity.arn, sourceIPAddress, userAgent',
          '| filter eventName = "ConsoleLogin" and responseElements.ConsoleLogin = "Success" and additionalEventData.MFAUsed = "No"',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${FALCO_CT} "Console Login Without MFA"; ${SIGMA}; ${PANTHER} AWS.Console.LoginWithoutMFA`,
  }),
  ct({
    id: 'cloudtrail.access-key-created',
    title: 'IAM access key created',
    description:
      'CreateAccessKey, successful or not; a key created for another user is the backdoor pattern.',
    severity: 'medium',
    mitre: ['T1098.001'],
    tags: ['persistence', 'identity'],
    queries: [
      {
        query: lines(
          'fields @timestamp, userIdentity.arn, userIdentity.userName, requestParameters.userName as target_user, responseElements.accessKey.accessKeyId as new_key, sourceIPAddress, errorCode',
          '| filter eventSource = "iam.amazonaws.com" and eventName = "CreateAccessKey"',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${SIGMA}/aws_iam_backdoor_users_keys.yml; ${PANTHER} AWS.IAM.Backdoor.User.Keys`,
  }),
  ct({
    id: 'cloudtrail.credentials-for-other-user',
    title: 'Access key or login profile created for another user',
    description:
      'CreateAccessKey, CreateLoginProfile or UpdateLoginProfile where the caller is not the target user.',
    severity: 'high',
    mitre: ['T1098.001'],
    tags: ['persistence', 'identity'],
    queries: [
      {
        query: lines(
          'fields @timestamp, userIdentity.arn, requestParameters.userName as target_user, sourceIPAddress, errorCode',
          '| filter eventSource = "iam.amazonaws.com" and eventName in ["CreateAccessKey", "CreateLoginProfile", "UpdateLoginProfile"]',
          '| filter ispresent(requestParameters.userName) and not (userIdentity.userName = requestParameters.userName)',
          '| filter not ispresent(errorCode)',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${SIGMA}/aws_iam_backdoor_users_keys.yml; ${PANTHER} AWS.IAM.Backdoor.User.Keys`,
  }),
  ct({
    id: 'cloudtrail.eks-access-changes',
    title: 'EKS access entries, access policies and identity configuration changed',
    description:
      'Access entries, access-policy associations, Pod Identity associations, OIDC identity-provider configs. AssociateAccessPolicy URL-encodes principalArn.',
    severity: 'medium',
    mitre: ['T1098.006', 'T1098'],
    tags: ['persistence', 'privilege-escalation', 'eks'],
    queries: [
      {
        query: lines(
          'fields @timestamp, eventName, userIdentity.arn, requestParameters.name as cluster, requestParameters.principalArn, requestParameters.policyArn, requestParameters.accessScope.type as scope, sourceIPAddress, errorCode',
          '| filter eventSource = "eks.amazonaws.com"',
          '| filter eventName in ["CreateAccessEntry", "UpdateAccessEntry", "DeleteAccessEntry", "AssociateAccessPolicy", "DisassociateAccessPolicy", "CreatePodIdentityAssociation", "UpdatePodIdentityAssociation", "DeletePodIdentityAssociation", "AssociateIdentityProviderConfig", "DisassociateIdentityProviderConfig"]',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${STRATUS}eks/eks.lateral-movement.create-access-entry/; reference catalogue C05`,
  }),
  ct({
    id: 'cloudtrail.eks-cluster-admin-policy-associated',
    title: 'EKS cluster-admin access policy associated',
    description:
      'AssociateAccessPolicy with AmazonEKSClusterAdminPolicy or AmazonEKSAdminPolicy: a principal given admin on the cluster.',
    severity: 'high',
    mitre: ['T1098.006'],
    tags: ['privilege-escalation', 'eks'],
    queries: [
      {
        query: lines(
          'fields @timestamp, userIdentity.arn, requestParameters.name as cluster, requestParameters.principalArn, requestParameters.policyArn, requestParameters.accessScope.type as scope, sourceIPAddress, errorCode',
          '| filter eventSource = "eks.amazonaws.com" and eventName = "AssociateAccessPolicy"',
          '| filter requestParameters.policyArn like /AmazonEKS(Cluster)?AdminPolicy/',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${STRATUS}eks/eks.lateral-movement.create-access-entry/`,
  }),
  ct({
    id: 'cloudtrail.eks-cluster-config-changed',
    title: 'EKS cluster created, deleted or reconfigured',
    description:
      'CreateCluster, DeleteCluster, UpdateClusterConfig (endpoint access, logging) and UpdateClusterVersion.',
    severity: 'low',
    mitre: ['T1578'],
    tags: ['eks', 'change'],
    queries: [
      {
        query: lines(
          'fields @timestamp, eventName, userIdentity.arn, requestParameters.name as cluster, sourceIPAddress, errorCode',
          '| filter eventSource = "eks.amazonaws.com" and eventName in ["CreateCluster", "DeleteCluster", "UpdateClusterConfig", "UpdateClusterVersion"]',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${SIGMA}/aws_eks_cluster_created_or_deleted.yml`,
  }),
  ct({
    id: 'cloudtrail.access-denied-recon',
    title: 'AccessDenied on many APIs by one principal',
    description:
      'A principal denied on more than 10 distinct APIs within an hour: enumeration with stolen credentials.',
    severity: 'medium',
    mitre: ['T1580', 'T1087.004'],
    tags: ['discovery'],
    queries: [
      {
        query: lines(
          'filter errorCode in ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Client.UnauthorizedOperation"]',
          '| stats count(*) as denied, count_distinct(eventName) as distinct_apis, count_distinct(eventSource) as services, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by userIdentity.arn, bin(1h)',
          '| filter distinct_apis > 10',
          '| sort denied desc',
        ),
      },
    ],
    source: `${PANTHER} AWS.IAMUser.ReconAccessDenied and "Anomalous AccessDenied Requests" query`,
  }),
];
