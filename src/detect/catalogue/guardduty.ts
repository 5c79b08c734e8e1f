/**
 * GuardDuty EKS audit-log finding types that can be judged from the logs
 * alone (no threat-intelligence feed, no learned baseline).
 *
 * @module
 */
import type { Detection } from '../types.js';
import { GUARDDUTY_EKS, lines } from './sources.js';

const gd = (
  slug: string,
  finding: string,
  d: Omit<Detection, 'id' | 'source' | 'guardDutyFinding' | 'kind' | 'tags'> & { tags: readonly string[] },
): Detection => ({
  ...d,
  id: `guardduty.${slug}`,
  kind: 'kubernetes-audit',
  tags: ['guardduty', ...d.tags],
  source: `${GUARDDUTY_EKS} ${finding}`,
  guardDutyFinding: finding,
});

/** GuardDuty EKS audit-log behaviours, offline. */
export const GUARDDUTY_DETECTIONS: readonly Detection[] = [
  gd('exec-in-kube-system-pod', 'Execution:Kubernetes/ExecInKubeSystemPod', {
    title: 'Command executed in a kube-system pod',
    description: 'Exec into a pod in kube-system (verb create or get, code 101 on EKS).',
    severity: 'high',
    mitre: ['T1609'],
    tags: ['execution', 'exec', 'system-namespace'],
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, sourceIPs.0, objectRef.name, requestURI',
          '| filter objectRef.resource = "pods" and objectRef.subresource = "exec" and verb in ["create", "get"] and objectRef.namespace = "kube-system"',
          '| sort @timestamp asc',
        ),
      },
    ],
  }),
  gd('admin-access-to-default-service-account', 'Policy:Kubernetes/AdminAccessToDefaultServiceAccount', {
    title: 'Admin rights granted to a default service account',
    description:
      'A binding of cluster-admin, admin or edit whose subjects include a ServiceAccount named default.',
    severity: 'high',
    mitre: ['T1098.006'],
    tags: ['privilege-escalation', 'rbac'],
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, objectRef.resource, objectRef.namespace, objectRef.name, requestObject.roleRef.name as role',
          '| filter objectRef.resource in ["clusterrolebindings", "rolebindings"] and verb in ["create", "update", "patch"]',
          '| filter requestObject.roleRef.name in ["cluster-admin", "admin", "edit"]',
          '| filter @message like /"kind":\\s*"ServiceAccount"[^}]*"name":\\s*"default"/',
        ),
      },
    ],
  }),
  gd('anonymous-access-granted', 'Policy:Kubernetes/AnonymousAccessGranted', {
    title: 'Permissions granted to anonymous or unauthenticated users',
    description: 'A RoleBinding or ClusterRoleBinding naming system:anonymous or system:unauthenticated.',
    severity: 'high',
    mitre: ['T1098.006', 'T1078.001'],
    tags: ['persistence', 'rbac', 'anonymous'],
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, objectRef.resource, objectRef.namespace, objectRef.name, requestObject.roleRef.name as role',
          '| filter objectRef.resource in ["clusterrolebindings", "rolebindings"] and verb in ["create", "update", "patch"]',
          '| filter @message like /"name":\\s*"system:(anonymous|unauthenticated)"/',
          '| sort @timestamp asc',
        ),
      },
    ],
  }),
  gd('successful-anonymous-access', 'Discovery:Kubernetes/SuccessfulAnonymousAccess', {
    title: 'API successfully called by system:anonymous',
    description:
      'A request by system:anonymous that succeeded (2xx), other than health and version endpoints. GuardDuty names one finding per tactic; this covers them all.',
    severity: 'high',
    mitre: ['T1078.001'],
    tags: ['initial-access', 'anonymous'],
    queries: [
      {
        query: lines(
          'filter user.username = "system:anonymous" and responseStatus.code >= 200 and responseStatus.code < 300',
          '| filter not (requestURI like /^\\/(healthz|livez|readyz|version)/)',
          '| stats count(*) as calls, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by sourceIPs.0, verb, requestURI',
          '| sort calls desc',
        ),
      },
    ],
  }),
  gd('exposed-dashboard', 'Policy:Kubernetes/ExposedDashboard', {
    title: 'Kubernetes or Kubeflow dashboard exposed',
    description: 'A dashboard Service set to type LoadBalancer or NodePort.',
    severity: 'medium',
    mitre: ['T1133'],
    tags: ['exposure', 'services'],
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, objectRef.namespace, objectRef.name, requestObject.spec.type as service_type',
          '| filter objectRef.resource = "services" and verb in ["create", "update", "patch"]',
          '| filter requestObject.spec.type in ["LoadBalancer", "NodePort"] and objectRef.name like /(?i)dashboard|kubeflow/',
        ),
      },
    ],
  }),
  gd('permission-checked', 'Discovery:Kubernetes/AnomalousBehavior.PermissionChecked', {
    title: 'Permission checks by workloads or nodes',
    description:
      'SelfSubjectAccessReview / SelfSubjectRulesReview (kubectl auth can-i) by service accounts or nodes. GuardDuty learns a baseline; offline, every check by a workload identity is listed with counts.',
    severity: 'low',
    mitre: ['T1069', 'T1613'],
    tags: ['discovery'],
    queries: [
      {
        query: lines(
          'filter objectRef.resource in ["selfsubjectaccessreviews", "selfsubjectrulesreviews"] and verb = "create"',
          '| filter user.username like /^system:(serviceaccount|node):/',
          '| stats count(*) as checks, count_distinct(userAgent) as user_agents, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by user.username, sourceIPs.0',
          '| sort checks desc',
        ),
      },
    ],
  }),
];
