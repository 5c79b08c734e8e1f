/**
 * IRSA and EKS Pod Identity detections over CloudTrail. No public rule set
 * covers these; the investigations in `src/detect/irsa.ts` go further
 * (allow-lists, network checks, first-seen roles).
 *
 * @module
 */
import type { Detection } from '../types.js';
import { EKS_BP_IAM, lines } from './sources.js';

/** IRSA / Pod Identity detections. */
export const IRSA_DETECTIONS: readonly Detection[] = [
  {
    id: 'irsa.assumption-inventory',
    title: 'IRSA role assumptions by service account',
    description:
      'AssumeRoleWithWebIdentity calls from EKS OIDC providers, per service account, role and error code. Review service accounts that should not hold a role.',
    severity: 'info',
    mitre: ['T1078.004'],
    tags: ['irsa', 'inventory', 'investigation'],
    kind: 'cloudtrail',
    queries: [
      {
        query: lines(
          'filter eventSource = "sts.amazonaws.com" and eventName = "AssumeRoleWithWebIdentity"',
          '| filter userIdentity.identityProvider like /oidc\\.eks\\./',
          '| stats count(*) as assumptions, count_distinct(sourceIPAddress) as source_ips, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by userIdentity.userName, requestParameters.roleArn, errorCode',
          '| sort assumptions desc',
        ),
      },
    ],
    source: `${EKS_BP_IAM} (audit CloudTrail for unexpected service-account names); reference catalogue C01`,
  },
  {
    id: 'irsa.failed-assumption',
    title: 'Failed IRSA role assumption',
    description:
      'AssumeRoleWithWebIdentity from an EKS OIDC provider that returned an error: trust-policy probing or a misconfigured workload.',
    severity: 'medium',
    mitre: ['T1078.004'],
    tags: ['irsa', 'credential-access'],
    kind: 'cloudtrail',
    allowLists: ['serviceAccounts'],
    queries: [
      {
        query: lines(
          'fields @timestamp, userIdentity.userName, userIdentity.identityProvider, requestParameters.roleArn, errorCode, errorMessage, sourceIPAddress, userAgent',
          '| filter eventSource = "sts.amazonaws.com" and eventName = "AssumeRoleWithWebIdentity" and ispresent(errorCode)',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: 'project-original (reference catalogue C02)',
  },
  {
    id: 'irsa.web-identity-token-used-outside',
    title: 'IRSA token exchanged from outside the cluster',
    description:
      "AssumeRoleWithWebIdentity with an EKS OIDC token from a public address that is not an AWS service: a pod exchanges its projected service-account token from the cluster's NAT egress or through a VPC endpoint (a private address), so any other public source means the token left the cluster. Declare the NAT egress addresses with the `cidrs` allow-list (`--trusted-cidr`); exchanges from them are then counted as suppressed.",
    severity: 'high',
    mitre: ['T1550.001', 'T1528'],
    tags: ['irsa', 'credential-access'],
    kind: 'cloudtrail',
    allowLists: ['cidrs'],
    queries: [
      {
        query: lines(
          'filter eventSource = "sts.amazonaws.com" and eventName = "AssumeRoleWithWebIdentity"',
          '| filter userIdentity.identityProvider like /oidc\\.eks\\./',
          '| filter not (sourceIPAddress like /amazonaws\\.com$/) and sourceIPAddress != "AWS Internal"',
          '| filter not isPrivateIP(sourceIPAddress)',
          '| stats count(*) as exchanges, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by userIdentity.userName, requestParameters.roleArn, sourceIPAddress, userAgent, errorCode',
          '| sort first_seen asc',
        ),
      },
    ],
    source: 'project-original (reference catalogue C03, the token exchange itself)',
  },
  {
    id: 'irsa.session-used-outside-aws',
    title: 'IRSA session credentials used from outside AWS',
    description:
      'Calls made with web-identity sessions from an EKS OIDC provider whose source is a public IP address: not an AWS service, not AWS Internal and not a private (RFC 1918) address, which is what calls through VPC endpoints show. Declare the cluster NAT egress addresses with the `cidrs` allow-list (`--trusted-cidr`); the calls from them are then counted as suppressed, not reported. The IRSA investigation goes further (per-token, per-role).',
    severity: 'high',
    mitre: ['T1550.001', 'T1078.004'],
    tags: ['irsa', 'credential-access', 'exfiltration'],
    kind: 'cloudtrail',
    allowLists: ['cidrs', 'userAgents'],
    queries: [
      {
        query: lines(
          'filter userIdentity.type = "AssumedRole"',
          '| filter userIdentity.sessionContext.webIdFederationData.federatedProvider like /oidc\\.eks\\./',
          '| filter not (sourceIPAddress like /amazonaws\\.com$/) and sourceIPAddress != "AWS Internal"',
          '| filter not isPrivateIP(sourceIPAddress)',
          '| stats count(*) as calls, count_distinct(eventName) as apis, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by userIdentity.sessionContext.sessionIssuer.arn, sourceIPAddress, userAgent',
          '| sort first_seen asc',
        ),
      },
    ],
    source: 'project-original (reference catalogue C03)',
  },
  {
    id: 'irsa.node-credentials-off-node',
    title: 'Node instance-role credentials used from several addresses',
    description:
      'Instance-profile sessions (session name i-...) seen from more than one non-AWS source IP: node credentials stolen through IMDS and used elsewhere. Private (VPC endpoint) addresses are left out. Clusters with several NAT gateways see this legitimately: declare them with the `cidrs` allow-list.',
    severity: 'medium',
    mitre: ['T1552.005', 'T1078.004'],
    tags: ['credential-access', 'nodes'],
    kind: 'cloudtrail',
    allowLists: ['cidrs'],
    queries: [
      {
        query: lines(
          'filter userIdentity.type = "AssumedRole" and userIdentity.arn like /:assumed-role\\/[^\\/]+\\/i-[0-9a-f]+$/',
          '| filter not (sourceIPAddress like /amazonaws\\.com$/) and sourceIPAddress != "AWS Internal"',
          '| filter not isPrivateIP(sourceIPAddress)',
          '| stats count(*) as calls, count_distinct(sourceIPAddress) as source_ips, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by userIdentity.arn',
          '| filter source_ips > 1',
          '| sort source_ips desc',
        ),
      },
    ],
    source: 'SigmaHQ aws_cloudtrail_imds_malicious_usage (idea); reference catalogue C04',
  },
  {
    id: 'irsa.pod-identity-denied',
    title: 'EKS Pod Identity assumption denied',
    description: 'AssumeRoleForPodIdentity (eks-auth) that returned an error.',
    severity: 'medium',
    mitre: ['T1078.004'],
    tags: ['pod-identity', 'credential-access'],
    kind: 'cloudtrail',
    queries: [
      {
        query: lines(
          'fields @timestamp, userIdentity.arn, requestParameters.clusterName, errorCode, errorMessage, sourceIPAddress',
          '| filter eventSource = "eks-auth.amazonaws.com" and eventName = "AssumeRoleForPodIdentity" and ispresent(errorCode)',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: 'project-original; aws-samples/amazon-eks-security-immersion-day Pod Identity records',
  },
];
