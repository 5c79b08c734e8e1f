/**
 * Project-original Kubernetes audit detections for EKS, modelled on the EKS
 * guide, Panther, Sigma and Stratus Red Team (the K-series of the
 * reference catalogue). They fix the EKS traps the peers fall into: exec is
 * verb `get` with code 101, and RBAC denials are 403 as well as 401.
 *
 * @module
 */
import type { Detection } from '../types.js';
import { EKS_BP_DETECTIVE, EKS_BP_IAM, lines, PANTHER, STRATUS } from './sources.js';

const WORKLOADS = '["pods", "deployments", "daemonsets", "statefulsets", "replicasets", "jobs", "cronjobs"]';

/** Project-original Kubernetes audit detections. */
export const KUBERNETES_DETECTIONS: readonly Detection[] = [
  {
    id: 'kube.aws-auth-modified',
    title: 'aws-auth ConfigMap created, changed or deleted',
    description:
      'Any write to kube-system/aws-auth (create, update, patch, delete), with the IAM identity behind the change. New system:masters mappings in mapRoles/mapUsers grant cluster-admin.',
    severity: 'high',
    mitre: ['T1098.006'],
    tags: ['persistence', 'privilege-escalation', 'aws-auth'],
    kind: 'kubernetes-audit',
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, user.extra.arn.0 as iam_arn, verb, responseStatus.code, sourceIPs.0, userAgent',
          '| filter objectRef.resource = "configmaps" and objectRef.namespace = "kube-system" and objectRef.name = "aws-auth"',
          '| filter verb in ["create", "update", "patch", "delete"]',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${EKS_BP_DETECTIVE}; ${STRATUS}eks/eks.persistence.backdoor-aws-auth-configmap/`,
  },
  {
    id: 'kube.admission-webhook-changed',
    title: 'Admission webhook created, changed or deleted',
    description:
      'Writes to validating or mutating webhook configurations. A new mutating webhook can inject sidecars; deleting a policy webhook disables enforcement.',
    severity: 'medium',
    mitre: ['T1562.001', 'T1546'],
    tags: ['defense-evasion', 'persistence', 'admission'],
    kind: 'kubernetes-audit',
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, verb, objectRef.resource, objectRef.name, responseStatus.code, sourceIPs.0',
          '| filter objectRef.resource in ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"]',
          '| filter verb in ["create", "update", "patch", "delete", "deletecollection"]',
          '| filter not (user.username like /^(system:|eks:)/)',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${EKS_BP_DETECTIVE}; ${PANTHER} Kubernetes.AdmissionController.Created`,
  },
  {
    id: 'kube.rbac-changes',
    title: 'RBAC object changes',
    description:
      'Creates, updates and deletes of Roles, RoleBindings, ClusterRoles and ClusterRoleBindings, by non-system users.',
    severity: 'low',
    mitre: ['T1098.006'],
    tags: ['rbac', 'persistence'],
    kind: 'kubernetes-audit',
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, verb, objectRef.resource, objectRef.namespace, objectRef.name, responseStatus.code',
          '| filter objectRef.resource in ["roles", "rolebindings", "clusterroles", "clusterrolebindings"]',
          '| filter verb in ["create", "update", "patch", "delete", "deletecollection"]',
          '| filter not (user.username like /^(system:|eks:)/)',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: EKS_BP_DETECTIVE,
  },
  {
    id: 'kube.privileged-role-binding',
    title: 'Binding to a privileged role or group',
    description:
      'A RoleBinding or ClusterRoleBinding to cluster-admin, admin or edit, or one naming the system:masters group.',
    severity: 'high',
    mitre: ['T1098.006'],
    tags: ['privilege-escalation', 'rbac'],
    kind: 'kubernetes-audit',
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, objectRef.resource, objectRef.namespace, objectRef.name, requestObject.roleRef.name as role, requestObject.subjects.0.kind as subject_kind, requestObject.subjects.0.name as subject_name, responseStatus.code',
          '| filter objectRef.resource in ["clusterrolebindings", "rolebindings"] and verb in ["create", "update", "patch"]',
          '| filter requestObject.roleRef.name in ["cluster-admin", "admin", "edit"] or @message like /"system:masters"/',
          '| filter not (user.username like /^(system:|eks:)/)',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${PANTHER} Kubernetes.ClusterRoleBinding.Privileged; Falco "Attach to cluster-admin Role"`,
  },
  {
    id: 'kube.escalation-role-created',
    title: 'Role granting escalation primitives',
    description:
      'A Role or ClusterRole created or changed to grant pods/exec, pods/attach, nodes/proxy, serviceaccounts/token, CSR approval, or the impersonate/escalate/bind verbs.',
    severity: 'medium',
    mitre: ['T1098.006'],
    tags: ['privilege-escalation', 'rbac'],
    kind: 'kubernetes-audit',
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, verb, objectRef.resource, objectRef.namespace, objectRef.name',
          '| filter objectRef.resource in ["roles", "clusterroles"] and verb in ["create", "update", "patch"]',
          '| filter @message like /"(pods\\/exec|pods\\/attach|nodes\\/proxy|serviceaccounts\\/token|certificatesigningrequests\\/approval)"|"(impersonate|escalate|bind)"/',
          '| filter not (user.username like /^(system:|eks:)/)',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${PANTHER} Kubernetes.Role.PodExec, Kubernetes.Role.NodeProxyPermissions; ${STRATUS}kubernetes/`,
  },
  {
    id: 'kube.secret-access-denied',
    title: 'Denied Secret access (401 and 403)',
    description:
      'Secret requests refused with 401 or 403 per user and source IP in 5-minute bins. The EKS guide query counts 401 only; RBAC denials are 403.',
    severity: 'medium',
    mitre: ['T1552.007'],
    tags: ['credential-access', 'secrets'],
    kind: 'kubernetes-audit',
    queries: [
      {
        query: lines(
          'filter objectRef.resource = "secrets" and responseStatus.code in [401, 403]',
          '| stats count(*) as denied, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by user.username, sourceIPs.0, bin(5m)',
          '| sort denied desc',
        ),
      },
    ],
    source: `${PANTHER} Kubernetes.Secret.AccessDenied; ${EKS_BP_DETECTIVE} query 7`,
  },
  {
    id: 'kube.secret-enumeration',
    title: 'Secret enumeration by one principal',
    description: 'A principal read 15 or more distinct Secrets within 30 minutes.',
    severity: 'high',
    mitre: ['T1552.007'],
    tags: ['credential-access', 'secrets'],
    kind: 'kubernetes-audit',
    queries: [
      {
        query: lines(
          'filter objectRef.resource = "secrets" and verb in ["get", "list", "watch"]',
          '| filter not (user.username like /^system:(node:|kube-controller-manager|kube-scheduler|apiserver)/)',
          '| stats count(*) as requests, count_distinct(objectRef.name) as distinct_secrets, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by user.username, bin(30m)',
          '| filter distinct_secrets >= 15',
          '| sort distinct_secrets desc',
        ),
      },
    ],
    source: `${PANTHER} Kubernetes.BulkSecretAccess`,
  },
  {
    id: 'kube.secrets-listed-cluster-wide',
    title: 'Secrets listed cluster-wide or in a sensitive namespace',
    description:
      'A list of Secrets across all namespaces (no namespace) or in kube-system/default by an authenticated non-system user, allowed (200) or refused (403): the whole set of credentials in one call, or a valid credential trying for it. Anonymous and unauthenticated probes are left to the anonymous-access detections.',
    severity: 'high',
    mitre: ['T1552.007'],
    tags: ['credential-access', 'secrets'],
    kind: 'kubernetes-audit',
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, user.extra.arn.0 as iam_arn, sourceIPs.0, userAgent, requestURI, responseStatus.code',
          '| filter objectRef.resource = "secrets" and verb = "list"',
          '| filter (not ispresent(objectRef.namespace)) or objectRef.namespace in ["kube-system", "default"]',
          '| filter responseStatus.code in [200, 403]',
          '| filter ispresent(user.username) and not (user.username like /^(system:|eks:)/)',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${PANTHER} Kubernetes.Secrets.DumpAllNamespaces; ${STRATUS}kubernetes/k8s.credential-access.dump-secrets/`,
  },
  {
    id: 'kube.exec-into-pod',
    title: 'Exec or attach into a pod (EKS-correct)',
    description:
      'Exec or attach on pods with verb create or get (EKS logs get), any stage, any code — exec is 101 at ResponseStarted, so no 2xx or ResponseComplete condition. The first command argument is parsed from requestURI.',
    severity: 'medium',
    mitre: ['T1609'],
    tags: ['execution', 'exec'],
    kind: 'kubernetes-audit',
    allowLists: ['users', 'namespaces'],
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, sourceIPs.0, objectRef.namespace, objectRef.name, objectRef.subresource, verb, stage, responseStatus.code',
          '| filter objectRef.resource = "pods" and objectRef.subresource in ["exec", "attach"]',
          '| filter verb in ["create", "get"]',
          '| parse requestURI /command=(?<first_cmd>[^&]*)/',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${PANTHER} Kubernetes.Pod.Exec; falcosecurity/plugins PR #563`,
  },
  {
    id: 'kube.sa-token-theft-or-cp',
    title: 'Service-account token read or kubectl cp through exec',
    description:
      'Exec whose command reads the mounted service-account token (/var/run/secrets/...), or runs tar the way kubectl cp does.',
    severity: 'high',
    mitre: ['T1528', 'T1552.007'],
    tags: ['credential-access', 'exfiltration', 'exec'],
    kind: 'kubernetes-audit',
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, sourceIPs.0, objectRef.namespace, objectRef.name, requestURI',
          '| filter objectRef.resource = "pods" and objectRef.subresource = "exec"',
          '| filter requestURI like /(?i)(%2F|\\/)var(%2F|\\/)run(%2F|\\/)secrets|serviceaccount(%2F|\\/)token|command=tar&command=-?c[a-z]*f&command=-(&|$)/',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${PANTHER} Kubernetes.Pod.StealServiceAccountToken, Kubernetes.Kubectl.CP.Operation; ${STRATUS}kubernetes/k8s.credential-access.steal-serviceaccount-token/`,
  },
  {
    id: 'kube.privileged-workload',
    title: 'Privileged workload created or changed',
    description:
      'A pod or controller (Deployment, DaemonSet, StatefulSet, ReplicaSet, Job, CronJob) with a privileged container or allowPrivilegeEscalation. Controllers carry the human author; their pods are created by controllers.',
    severity: 'high',
    mitre: ['T1611', 'T1610'],
    tags: ['privilege-escalation', 'workloads'],
    kind: 'kubernetes-audit',
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, objectRef.resource, objectRef.namespace, objectRef.name, responseStatus.code',
          `| filter objectRef.resource in ${WORKLOADS} and not ispresent(objectRef.subresource)`,
          '| filter verb in ["create", "update", "patch"]',
          '| filter @message like /"privileged":\\s*true|"allowPrivilegeEscalation":\\s*true/',
          '| filter not (user.username like /^system:(serviceaccount:kube-system:|node:)/)',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${PANTHER} Kubernetes.Pod.Privileged.Created; Falco "Create Privileged Pod"`,
  },
  {
    id: 'kube.host-access-workload',
    title: 'Workload with host namespaces, sensitive hostPath or dangerous capabilities',
    description:
      'A pod or controller using hostNetwork/hostPID/hostIPC, a hostPath on a sensitive host path, or adding SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, BPF or ALL.',
    severity: 'high',
    mitre: ['T1611'],
    tags: ['privilege-escalation', 'workloads', 'hostpath'],
    kind: 'kubernetes-audit',
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, objectRef.resource, objectRef.namespace, objectRef.name',
          `| filter objectRef.resource in ${WORKLOADS} and not ispresent(objectRef.subresource)`,
          '| filter verb in ["create", "update", "patch"]',
          '| filter @message like /"host(Network|PID|IPC)":\\s*true/ or @message like /"hostPath":\\s*\\{\\s*"path":\\s*"(\\/|\\/proc[^"]*|\\/etc[^"]*|\\/root[^"]*|\\/home\\/admin|\\/var\\/run\\/docker\\.sock|\\/run\\/containerd[^"]*|\\/var\\/run\\/crio[^"]*|\\/var\\/lib\\/kubelet[^"]*)"/ or @message like /"add":\\s*\\[[^\\]]*"(SYS_ADMIN|NET_ADMIN|SYS_PTRACE|SYS_MODULE|BPF|ALL)"/',
          '| filter not (user.username like /^system:(serviceaccount:kube-system:|node:)/)',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${PANTHER} Kubernetes.Pod.Host.*, Kubernetes.Pod.HostPath.Volume, Kubernetes.Pod.Dangerous.Capabilities; ${STRATUS}kubernetes/k8s.privilege-escalation.hostpath-volume/`,
  },
  {
    id: 'kube.persistence-workload',
    title: 'DaemonSet, CronJob or system-namespace workload created',
    description:
      'A DaemonSet or CronJob created or changed, or a pod/Deployment/Job in kube-system, kube-public or kube-node-lease, by someone other than a kube-system controller.',
    severity: 'medium',
    mitre: ['T1053.007', 'T1610'],
    tags: ['persistence', 'workloads'],
    kind: 'kubernetes-audit',
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, objectRef.resource, objectRef.namespace, objectRef.name, responseStatus.code',
          '| filter verb in ["create", "update", "patch"] and responseStatus.code in [200, 201] and not ispresent(objectRef.subresource)',
          '| filter objectRef.resource in ["daemonsets", "cronjobs"] or (objectRef.resource in ["pods", "deployments", "jobs"] and objectRef.namespace in ["kube-system", "kube-public", "kube-node-lease"])',
          '| filter not (user.username like /^(system:serviceaccount:kube-system:|system:node:|system:kube-|eks:)/)',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${PANTHER} Kubernetes.DaemonSet.Created, Kubernetes.CronJob.CreatedOrModified, Kubernetes.Pod.SystemNamespace`,
  },
  {
    id: 'kube.exposed-service',
    title: 'Service exposed outside the cluster',
    description: 'A Service created or changed to type NodePort or LoadBalancer.',
    severity: 'medium',
    mitre: ['T1133'],
    tags: ['exposure', 'services'],
    kind: 'kubernetes-audit',
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, objectRef.namespace, objectRef.name, requestObject.spec.type as service_type',
          '| filter objectRef.resource = "services" and verb in ["create", "update", "patch"]',
          '| filter requestObject.spec.type in ["NodePort", "LoadBalancer"]',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${PANTHER} Kubernetes.Service.NodePort.Deployed; Falco "Create NodePort Service"`,
  },
  {
    id: 'kube.long-lived-credentials',
    title: 'Service-account tokens and client certificates minted',
    description:
      'TokenRequest on serviceaccounts/token, CSRs, or service-account-token Secrets, by someone other than a kubelet or kube-system controller.',
    severity: 'medium',
    mitre: ['T1528', 'T1098'],
    tags: ['persistence', 'credential-access'],
    kind: 'kubernetes-audit',
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, verb, objectRef.resource, objectRef.subresource, objectRef.namespace, objectRef.name, responseStatus.code',
          '| filter (objectRef.resource = "serviceaccounts" and objectRef.subresource = "token" and verb = "create") or (objectRef.resource = "certificatesigningrequests" and verb in ["create", "update", "patch"]) or (objectRef.resource = "secrets" and verb = "create" and @message like /kubernetes\\.io\\/service-account-token/)',
          '| filter not (user.username like /^(system:node:|system:serviceaccount:kube-system:|system:kube-controller-manager|eks:)/)',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${PANTHER} Kubernetes.ServiceAccount.TokenCreated, Kubernetes.ClientCertificate.Created; ${STRATUS}kubernetes/k8s.persistence.create-token/`,
  },
  {
    id: 'kube.auth-failure-burst',
    title: 'Burst of 401/403 from one source IP',
    description:
      'Ten or more refused API requests from one source IP within 30 minutes: scanning or brute force.',
    severity: 'medium',
    mitre: ['T1110', 'T1613'],
    tags: ['discovery', 'brute-force'],
    kind: 'kubernetes-audit',
    allowLists: ['cidrs'],
    queries: [
      {
        query: lines(
          'filter responseStatus.code in [401, 403]',
          '| filter requestURI like /^\\/apis?\\//',
          '| stats count(*) as failures, count_distinct(requestURI) as distinct_uris, count_distinct(user.username) as users, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by sourceIPs.0, bin(30m)',
          '| filter failures >= 10',
          '| sort failures desc',
        ),
      },
    ],
    source: `${PANTHER} Amazon.EKS.Audit.Multiple403, Kubernetes.API.Multiple403.PublicIP`,
  },
  {
    id: 'kube.system-identity-public-ip',
    title: 'System or EKS identity used from a public IP',
    description:
      'A system: or eks: identity calling the API from outside private address space (RFC 1918, CGNAT, loopback). Expect benign hits from EKS-managed actors in AWS address space.',
    severity: 'low',
    mitre: ['T1078.004'],
    tags: ['credential-access', 'initial-access'],
    kind: 'kubernetes-audit',
    allowLists: ['cidrs'],
    queries: [
      {
        query: lines(
          'filter user.username like /^(system:|eks:)/ and responseStatus.code != 403',
          '| filter ispresent(sourceIPs.0) and sourceIPs.0 like /^\\d+\\.\\d+\\.\\d+\\.\\d+$/',
          '| filter not isIpv4InSubnet(sourceIPs.0, "10.0.0.0/8") and not isIpv4InSubnet(sourceIPs.0, "172.16.0.0/12") and not isIpv4InSubnet(sourceIPs.0, "192.168.0.0/16") and not isIpv4InSubnet(sourceIPs.0, "100.64.0.0/10") and not isIpv4InSubnet(sourceIPs.0, "127.0.0.0/8")',
          '| stats count(*) as requests, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by user.username, sourceIPs.0, userAgent',
          '| sort requests desc',
        ),
      },
    ],
    source: `${PANTHER} Amazon.EKS.Audit.SystemNamespaceFromPublicIP, Kubernetes.System.Principal.PublicIP`,
  },
  {
    id: 'kube.impersonation',
    title: 'Impersonation',
    description: 'Requests made while impersonating another user or group.',
    severity: 'medium',
    mitre: ['T1078'],
    tags: ['privilege-escalation', 'defense-evasion'],
    kind: 'kubernetes-audit',
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, impersonatedUser.username, impersonatedUser.groups.0, verb, objectRef.resource, requestURI, sourceIPs.0',
          '| filter ispresent(impersonatedUser.username)',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: 'project-original; Elastic "AWS EKS API Request Impersonating Privileged Identity" (idea only)',
  },
  {
    id: 'kube.offensive-tool-user-agent',
    title: 'Offensive tooling user agent',
    description: 'Requests whose user agent names a known Kubernetes offensive or scanning tool.',
    severity: 'high',
    mitre: ['T1613'],
    tags: ['discovery', 'ioc'],
    kind: 'kubernetes-audit',
    queries: [
      {
        query: lines(
          'fields @timestamp, user.username, sourceIPs.0, userAgent, verb, requestURI, responseStatus.code',
          '| filter userAgent like /(?i)trufflehog|access_matrix|azurehound|micro-scanner|kube-hunter|peirates|kubiscan|kdigger/',
          '| sort @timestamp asc',
        ),
      },
    ],
    source: `${PANTHER} Kubernetes.API.IOC.Activity; SigmaHQ kubernetes_audit_potential_enumeration_activity`,
  },
  {
    id: 'kube.system-masters-iam-identity',
    title: 'IAM identity mapped to system:masters acting in the cluster',
    description:
      'Requests by an IAM principal (aws-iam-authenticator uid) that the aws-auth ConfigMap maps into the system:masters group, other than the cluster creator (kubernetes-admin). system:masters bypasses RBAC and cannot be revoked by it; EKS access entries refuse the group, so a new system:masters mapping is how an aws-auth backdoor shows. Declare the administrators you map on purpose with the `users` allow-list; their requests are then counted as suppressed.',
    severity: 'high',
    mitre: ['T1078.004', 'T1098.006'],
    tags: ['privilege-escalation', 'persistence', 'aws-auth', 'identity'],
    kind: 'kubernetes-audit',
    allowLists: ['users'],
    queries: [
      {
        query: lines(
          'filter user.uid like /^aws-iam-authenticator:/ and user.username != "kubernetes-admin"',
          '| filter @message like /"groups":\\[[^\\]]*"system:masters"/',
          '| stats count(*) as requests, count_distinct(verb) as verbs, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by user.username, user.extra.canonicalArn.0, sourceIPs.0',
          '| sort first_seen asc',
        ),
      },
    ],
    source: `${EKS_BP_IAM} (do not map IAM identities to system:masters); project-original`,
  },
];
