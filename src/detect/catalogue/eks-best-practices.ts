/**
 * The EKS Best Practices Guide's Logs Insights queries, verbatim (MIT-0
 * sample code): the eight audit queries of the detective-controls page, the
 * two Secrets queries and the authenticator STS-endpoint query.
 *
 * @module
 */
import type { Detection } from '../types.js';
import { EKS_BP_DATA, EKS_BP_DETECTIVE, EKS_BP_IAM, lines } from './sources.js';

const rbacQuery = (resource: string): string =>
  lines(
    'fields @timestamp, @message',
    '| sort @timestamp desc',
    '| limit 100',
    `| filter objectRef.resource="${resource}" and verb in ["create", "update", "patch", "delete"]`,
  );

/** The EKS Best Practices Guide queries, character for character. */
export const EKS_BEST_PRACTICES_DETECTIONS: readonly Detection[] = [
  {
    id: 'eks-bp.aws-auth-updates',
    title: 'Updates to the aws-auth ConfigMap',
    description:
      'Lists updates to the aws-auth ConfigMap, which maps IAM principals to Kubernetes users and groups.',
    severity: 'high',
    mitre: ['T1098.006'],
    tags: ['eks-best-practices', 'verbatim', 'persistence', 'privilege-escalation', 'aws-auth'],
    kind: 'kubernetes-audit',
    queries: [
      {
        verbatim: true,
        query: lines(
          'fields @timestamp, @message',
          '| filter @logStream like "kube-apiserver-audit"',
          '| filter verb in ["update", "patch"]',
          '| filter objectRef.resource = "configmaps" and objectRef.name = "aws-auth" and objectRef.namespace = "kube-system"',
          '| sort @timestamp desc',
        ),
      },
    ],
    source: `${EKS_BP_DETECTIVE} query 1`,
  },
  {
    id: 'eks-bp.validating-webhook-changes',
    title: 'New or changed validating webhooks',
    description: 'Lists creation of new or changes to validation webhooks (HTTP 201 only, as in the guide).',
    severity: 'medium',
    mitre: ['T1562.001'],
    tags: ['eks-best-practices', 'verbatim', 'defense-evasion', 'admission'],
    kind: 'kubernetes-audit',
    queries: [
      {
        verbatim: true,
        query: lines(
          'fields @timestamp, @message',
          '| filter @logStream like "kube-apiserver-audit"',
          '| filter verb in ["create", "update", "patch"] and responseStatus.code = 201',
          '| filter objectRef.resource = "validatingwebhookconfigurations"',
          '| sort @timestamp desc',
        ),
      },
    ],
    source: `${EKS_BP_DETECTIVE} query 2`,
  },
  {
    id: 'eks-bp.role-changes',
    title: 'Create, update, delete operations on Roles',
    description:
      'Lists create, update, delete operations to Roles (the 100 newest matching events: the filter runs before the sort and limit the guide writes first).',
    severity: 'low',
    mitre: ['T1098.006'],
    tags: ['eks-best-practices', 'verbatim', 'rbac'],
    kind: 'kubernetes-audit',
    queries: [{ verbatim: true, query: rbacQuery('roles') }],
    source: `${EKS_BP_DETECTIVE} query 3`,
  },
  {
    id: 'eks-bp.rolebinding-changes',
    title: 'Create, update, delete operations on RoleBindings',
    description: 'Lists create, update, delete operations to RoleBindings (the 100 newest matching events).',
    severity: 'low',
    mitre: ['T1098.006'],
    tags: ['eks-best-practices', 'verbatim', 'rbac'],
    kind: 'kubernetes-audit',
    queries: [{ verbatim: true, query: rbacQuery('rolebindings') }],
    source: `${EKS_BP_DETECTIVE} query 4`,
  },
  {
    id: 'eks-bp.clusterrole-changes',
    title: 'Create, update, delete operations on ClusterRoles',
    description: 'Lists create, update, delete operations to ClusterRoles (the 100 newest matching events).',
    severity: 'low',
    mitre: ['T1098.006'],
    tags: ['eks-best-practices', 'verbatim', 'rbac'],
    kind: 'kubernetes-audit',
    queries: [{ verbatim: true, query: rbacQuery('clusterroles') }],
    source: `${EKS_BP_DETECTIVE} query 5`,
  },
  {
    id: 'eks-bp.clusterrolebinding-changes',
    title: 'Create, update, delete operations on ClusterRoleBindings',
    description:
      'Lists create, update, delete operations to ClusterRoleBindings (the 100 newest matching events).',
    severity: 'low',
    mitre: ['T1098.006'],
    tags: ['eks-best-practices', 'verbatim', 'rbac'],
    kind: 'kubernetes-audit',
    queries: [{ verbatim: true, query: rbacQuery('clusterrolebindings') }],
    source: `${EKS_BP_DETECTIVE} query 6`,
  },
  {
    id: 'eks-bp.unauthorized-secret-reads',
    title: 'Unauthorized read operations against Secrets',
    description:
      'Plots unauthorized (401) read operations against Secrets per minute. RBAC denials are 403 and are not counted here; see kube.secret-access-denied.',
    severity: 'medium',
    mitre: ['T1552.007'],
    tags: ['eks-best-practices', 'verbatim', 'credential-access', 'secrets'],
    kind: 'kubernetes-audit',
    queries: [
      {
        verbatim: true,
        query: lines(
          'fields @timestamp, @message',
          '| sort @timestamp desc',
          '| limit 100',
          '| filter objectRef.resource="secrets" and verb in ["get", "watch", "list"] and responseStatus.code="401"',
          '| stats count() by bin(1m)',
        ),
      },
    ],
    source: `${EKS_BP_DETECTIVE} query 7`,
  },
  {
    id: 'eks-bp.failed-anonymous-requests',
    title: 'Failed anonymous requests',
    description: 'Lists failed (401/403) requests by system:anonymous with the source IP.',
    severity: 'low',
    mitre: ['T1595'],
    tags: ['eks-best-practices', 'verbatim', 'reconnaissance', 'anonymous'],
    kind: 'kubernetes-audit',
    queries: [
      {
        verbatim: true,
        query: lines(
          'fields @timestamp, @message, sourceIPs.0',
          '| sort @timestamp desc',
          '| limit 100',
          '| filter user.username="system:anonymous" and responseStatus.code in ["401", "403"]',
        ),
      },
    ],
    source: `${EKS_BP_DETECTIVE} query 8`,
  },
  {
    id: 'eks-bp.secret-read-counts',
    title: 'Number of times each Secret was read',
    description:
      'Counts reads per Secret name, as the guide writes it (the filter after stats is kept verbatim).',
    severity: 'info',
    mitre: ['T1552.007'],
    tags: ['eks-best-practices', 'verbatim', 'secrets', 'investigation'],
    kind: 'kubernetes-audit',
    queries: [
      {
        verbatim: true,
        query: lines(
          'fields @timestamp, @message',
          '| sort @timestamp desc',
          '| limit 100',
          '| stats count(*) by objectRef.name as secret',
          '| filter verb="get" and objectRef.resource="secrets"',
        ),
      },
    ],
    source: `${EKS_BP_DATA} Secrets query 1`,
  },
  {
    id: 'eks-bp.secret-readers',
    title: 'Who read which Secret',
    description: 'Lists Secret reads with namespace, name, user and response code.',
    severity: 'info',
    mitre: ['T1552.007'],
    tags: ['eks-best-practices', 'verbatim', 'secrets', 'investigation'],
    kind: 'kubernetes-audit',
    queries: [
      {
        verbatim: true,
        query: lines(
          'fields @timestamp, @message',
          '| sort @timestamp desc',
          '| limit 100',
          '| filter verb="get" and objectRef.resource="secrets"',
          '| display objectRef.namespace, objectRef.name, user.username, responseStatus.code',
        ),
      },
    ],
    source: `${EKS_BP_DATA} Secrets query 2`,
  },
  {
    id: 'eks-bp.global-sts-endpoint-clients',
    title: 'Clients using the global STS endpoint',
    description:
      'Authenticator lines that name the STS endpoint, to find clients that still use the global endpoint instead of a regional one.',
    severity: 'info',
    mitre: [],
    tags: ['eks-best-practices', 'verbatim', 'authenticator', 'hygiene'],
    kind: 'authenticator',
    queries: [
      {
        verbatim: true,
        query: lines(
          'fields @timestamp, @message, @logStream, @log,stsendpoint',
          '| filter @logStream like /authenticator/',
          '| filter @message like /stsendpoint/',
          '| sort @timestamp desc',
          '| limit 10000',
        ),
      },
    ],
    source: `${EKS_BP_IAM} global STS endpoint query`,
  },
];
