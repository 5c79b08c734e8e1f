/**
 * Ports of Panther's Kubernetes and EKS audit rules (rules/kubernetes_rules,
 * rules/aws_eks_rules), each written in the Logs Insights language from what
 * the rule is meant to detect and checked against Panther's embedded rule
 * tests (test/detect/panther-tests.test.ts).
 *
 * Shared conditions follow Panther's Kubernetes helpers: a request failed
 * when its response code is 400 or more (or a gRPC error code 1–16); system
 * namespaces are kube-system, kube-public, kube-node-lease and gke-system; a
 * system principal is a cloud-managed identity (`eks:*`, kube-system service
 * accounts, GKE/AKS managed principals) or a `system:` identity that is not a
 * service account. Threshold rules count matching events per Panther's
 * grouping key and window with `stats`.
 *
 * @module
 */
import type { Detection } from '../types.js';
import { pantherPorter } from './panther-port.js';
import { lines } from './sources.js';

/** The request failed: HTTP 4xx/5xx, or a gRPC error code. */
const FAILED = '(responseStatus.code >= 400 or (responseStatus.code >= 1 and responseStatus.code <= 16))';
/** The object is in a system namespace. */
const SYSTEM_NAMESPACE =
  'objectRef.namespace in ["kube-system", "kube-public", "kube-node-lease", "gke-system"]';
/** The caller is a system or cloud-managed principal. */
const SYSTEM_PRINCIPAL =
  '(user.username like /^(system:serviceaccount:kube-system:|eks:|masterclient|gke-|azure-|\\.iam\\.gserviceaccount\\.com)/ or user.username = "aksService" or (user.username like /^system:/ and not (user.username like /serviceaccount/)))';
const CREATED_POD = 'verb = "create" and objectRef.resource = "pods"';
/** System principals in system namespaces are routine; anything else is reported. */
const NOT_ROUTINE_SYSTEM = `not (${SYSTEM_PRINCIPAL} and ${SYSTEM_NAMESPACE})`;
const POD_FIELDS =
  'fields @timestamp, user.username, objectRef.namespace, objectRef.name, responseObject.metadata.name as pod, sourceIPs.0, userAgent';
const ROLE_CREATED = 'verb = "create" and objectRef.resource in ["roles", "clusterroles"]';
const ROLE_RULES = 'fields jsonParse(@message).requestObject.rules as rules';
const ROLE_FIELDS =
  'fields @timestamp, user.username, objectRef.resource, objectRef.namespace, objectRef.name, requestObject.metadata.name as role, sourceIPs.0';
/** IPv4 or IPv6 that is globally routable (not private, loopback, link-local, documentation, ...). */
const publicIp = (field: string): string => `isPublicIP(${field})`;
/** Every listed address that is a valid IP is public (Panther: any private address means a node). */
const ALL_SOURCE_IPS_PUBLIC = [0, 1, 2, 3]
  .map((i) => `not (isValidIp(sourceIPs.${i}) and not isPublicIP(sourceIPs.${i}))`)
  .join(' and ');

const port = pantherPorter('kubernetes-audit', 'kubernetes', '');

/** Panther Kubernetes and EKS audit rule ports. */
export const PANTHER_KUBERNETES_DETECTIONS: readonly Detection[] = [
  port({
    id: 'k8s-admission-webhook-created',
    rule: 'Kubernetes.AdmissionController.Created',
    file: 'rules/kubernetes_rules/k8s_admission_controller_created.yml',
    title: 'Admission webhook configuration created',
    description:
      'A mutating or validating webhook configuration created by a non-system user and not refused. A webhook sees (and a mutating one can rewrite) every matching object, secrets included.',
    severity: 'medium',
    mitre: ['T1546', 'T1552'],
    tags: ['persistence', 'admission'],
    query: lines(
      'fields @timestamp, user.username, objectRef.resource, objectRef.name, requestObject.metadata.name as webhook, sourceIPs.0',
      '| filter verb = "create" and objectRef.resource in ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"]',
      `| filter not ${FAILED} and not ${SYSTEM_PRINCIPAL}`,
    ),
  }),
  port({
    id: 'k8s-anonymous-api-access',
    rule: 'Kubernetes.API.AnonymousAccess',
    file: 'rules/kubernetes_rules/k8s_anonymous_api_access.yml',
    title: 'Anonymous Kubernetes API access',
    description:
      'A request by system:anonymous that is not a health probe: localhost, the ELB health checker from 10.0.x.x, kube-probe/GoogleHC agents and /healthz, /readyz, /livez paths are left out.',
    severity: 'low',
    mitre: ['T1190'],
    tags: ['initial-access', 'anonymous'],
    query: lines(
      'fields @timestamp, sourceIPs.0, userAgent, verb, requestURI, responseStatus.code, annotations.`authorization.k8s.io/decision` as decision',
      '| filter user.username = "system:anonymous"',
      '| filter not (sourceIPs.0 = "127.0.0.1" and not ispresent(sourceIPs.1))',
      '| filter not (userAgent = "ELB-HealthChecker/2.0" and sourceIPs.0 like /^10\\.0\\./)',
      '| filter not (userAgent like /^(kube-probe\\/|GoogleHC\\/)/)',
      '| filter not (requestURI like /^(\\/apis)?\\/(healthz|readyz|livez)/)',
    ),
  }),
  port({
    id: 'eks-anonymous-api-access',
    rule: 'Amazon.EKS.AnonymousAPIAccess',
    file: 'rules/aws_eks_rules/anonymous_api_access.yml',
    title: 'EKS anonymous API access',
    description:
      'A request by system:anonymous, except from localhost alone or from the ELB health checker at a private address.',
    severity: 'low',
    mitre: ['T1190'],
    tags: ['initial-access', 'anonymous', 'eks'],
    query: lines(
      'fields @timestamp, sourceIPs.0, userAgent, verb, requestURI, responseStatus.code, annotations.`authorization.k8s.io/decision` as decision',
      '| filter user.username = "system:anonymous"',
      '| filter not (sourceIPs.0 = "127.0.0.1" and not ispresent(sourceIPs.1))',
      '| filter not (userAgent = "ELB-HealthChecker/2.0" and isPrivateIP(sourceIPs.0))',
    ),
  }),
  port({
    id: 'k8s-client-certificate-created',
    rule: 'Kubernetes.ClientCertificate.Created',
    file: 'rules/kubernetes_rules/k8s_client_certificate_created.yml',
    title: 'Client-certificate signing request created',
    description:
      'A CertificateSigningRequest for client authentication (usage "client auth" or a kube-apiserver-client signer) created by a non-system user: a long-lived credential that survives RBAC and token revocation.',
    severity: 'medium',
    mitre: ['T1098', 'T1552'],
    tags: ['persistence', 'credentials'],
    query: lines(
      'fields @timestamp, user.username, objectRef.name, requestObject.metadata.name as csr, requestObject.spec.signerName as signer, sourceIPs.0',
      '| filter verb = "create" and objectRef.resource = "certificatesigningrequests"',
      `| filter not ${FAILED} and not ${SYSTEM_PRINCIPAL} and not (user.username = "kubelet-nodepool-bootstrap")`,
      '| filter jsonArrayContains(jsonParse(@message).requestObject.spec.usages, "client auth") or requestObject.spec.signerName like /kubernetes\\.io\\/kube-apiserver-client/',
    ),
  }),
  port({
    id: 'k8s-clusterrolebinding-privileged',
    rule: 'Kubernetes.ClusterRoleBinding.Privileged',
    file: 'rules/kubernetes_rules/k8s_clusterrolebinding_privileged.yml',
    title: 'ClusterRoleBinding to a privileged role created',
    description:
      'A ClusterRoleBinding to cluster-admin, admin, system:masters, system:kube-controller-manager or system:kube-scheduler created by a non-system user and not refused.',
    severity: 'high',
    mitre: ['T1078.004', 'T1098'],
    tags: ['privilege-escalation', 'rbac'],
    query: lines(
      'fields @timestamp, user.username, requestObject.metadata.name as binding, requestObject.roleRef.name as role, requestObject.subjects.0.kind as subject_kind, requestObject.subjects.0.name as subject_name, sourceIPs.0',
      '| filter verb = "create" and objectRef.resource = "clusterrolebindings"',
      `| filter not ${FAILED} and not ${SYSTEM_PRINCIPAL}`,
      '| filter requestObject.roleRef.name in ["cluster-admin", "system:masters", "admin", "system:kube-controller-manager", "system:kube-scheduler"]',
    ),
  }),
  port({
    id: 'k8s-cronjob-created-or-modified',
    rule: 'Kubernetes.CronJob.CreatedOrModified',
    file: 'rules/kubernetes_rules/k8s_cronjob_created_or_modified.yml',
    title: 'CronJob created or modified',
    description:
      'A CronJob created, updated or patched (not its status), not refused, unless a system principal did it in a system namespace: scheduled execution is a persistence mechanism.',
    severity: 'low',
    mitre: ['T1053.003'],
    tags: ['persistence', 'workloads'],
    query: lines(
      'fields @timestamp, user.username, verb, objectRef.namespace, objectRef.name, sourceIPs.0',
      '| filter verb in ["create", "update", "patch"] and objectRef.resource = "cronjobs"',
      `| filter not ${FAILED} and not (objectRef.subresource = "status") and ${NOT_ROUTINE_SYSTEM}`,
    ),
  }),
  port({
    id: 'k8s-daemonset-created',
    rule: 'Kubernetes.DaemonSet.Created',
    file: 'rules/kubernetes_rules/k8s_daemonset_created.yml',
    title: 'DaemonSet created',
    description:
      'A DaemonSet created and not refused, unless a system principal did it in a system namespace: a DaemonSet runs on every node.',
    severity: 'low',
    mitre: ['T1610', 'T1543'],
    tags: ['execution', 'persistence', 'workloads'],
    query: lines(
      'fields @timestamp, user.username, objectRef.namespace, objectRef.name, requestObject.metadata.name as daemonset, sourceIPs.0',
      '| filter verb = "create" and objectRef.resource = "daemonsets"',
      `| filter not ${FAILED} and ${NOT_ROUTINE_SYSTEM}`,
    ),
  }),
  port({
    id: 'k8s-pod-exec',
    rule: 'Kubernetes.Pod.Exec',
    file: 'rules/kubernetes_rules/k8s_exec_into_pod.yml',
    title: 'Exec into a pod',
    description:
      'Any pods/exec request, logged as verb create or (on EKS) get. Disabled by default as in Panther; falco.attach-exec-pod covers exec with its exceptions.',
    severity: 'medium',
    mitre: ['T1609'],
    tags: ['execution', 'exec'],
    enabled: false,
    query: lines(
      'fields @timestamp, user.username, objectRef.namespace, objectRef.name, requestURI, responseStatus.code, sourceIPs.0',
      '| filter verb in ["create", "get"] and objectRef.resource = "pods" and objectRef.subresource = "exec"',
    ),
  }),
  port({
    id: 'k8s-ingress-without-tls',
    rule: 'Kubernetes.Ingress.NoTLS',
    file: 'rules/kubernetes_rules/k8s_ingress_without_tls.yml',
    title: 'Ingress created without TLS',
    description:
      'An Ingress created outside system namespaces by a non-system user with no (or an empty) spec.tls: traffic to it travels in clear text.',
    severity: 'medium',
    mitre: ['T1040', 'T1552.004'],
    tags: ['exposure', 'services'],
    query: lines(
      'fields @timestamp, user.username, objectRef.namespace, objectRef.name, requestObject.spec.rules.0.host as host, sourceIPs.0',
      '| filter verb = "create" and objectRef.resource = "ingresses"',
      `| filter not ${FAILED} and not ${SYSTEM_NAMESPACE} and not ${SYSTEM_PRINCIPAL}`,
      '| filter not (jsonArraySize(jsonParse(@message).requestObject.spec.tls) > 0)',
    ),
  }),
  port({
    id: 'k8s-kubectl-cp',
    rule: 'Kubernetes.Kubectl.CP.Operation',
    file: 'rules/kubernetes_rules/k8s_kubectl_cp_operation.yml',
    title: 'Data copied out of a pod (kubectl cp)',
    description:
      'An exec whose command is `tar` with a create-to-file flag (cf, czf, ...) followed by `-` (archive to stdout): what `kubectl cp` from a pod runs. The command is read from requestObject.command, else from the command= parameters of the request URI (EKS).',
    severity: 'medium',
    mitre: ['T1530', 'T1552'],
    tags: ['exfiltration', 'collection', 'exec'],
    query: lines(
      'fields @timestamp, user.username, objectRef.namespace, objectRef.name, requestURI, sourceIPs.0, jsonStringify(jsonParse(@message).requestObject.command) as command',
      '| filter verb in ["create", "get"] and objectRef.resource = "pods" and objectRef.subresource = "exec"',
      `| filter not ${FAILED} and ${NOT_ROUTINE_SYSTEM}`,
      '| filter (jsonArraySize(command) > 0 and command like /(?i)"[^"]*tar[^"]*"/ and command like /(?i)cf[^"]*"(,"[^"]*")*,"-"/) or (not (jsonArraySize(command) > 0) and requestURI like /(?i)[?&]command=[^&]*tar/ and requestURI like /(?i)[?&]command=[^&]*cf[^&]*&(.*&)?command=-(&|$)/)',
    ),
  }),
  port({
    id: 'k8s-multiple-403-public-ip',
    rule: 'Kubernetes.API.Multiple403.PublicIP',
    file: 'rules/kubernetes_rules/k8s_multiple_403_public_ip.yml',
    title: 'Many 403 responses to one public IP',
    description:
      'At least 10 requests refused with 403 (or gRPC PERMISSION_DENIED, 7) from the same public source address within 30 minutes: scanning or permission probing from the internet.',
    severity: 'low',
    mitre: ['T1613'],
    tags: ['discovery', 'threshold'],
    query: lines(
      `filter responseStatus.code in [403, 7] and ${publicIp('sourceIPs.0')}`,
      '| stats count(*) as denied, count_distinct(user.username) as users, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by sourceIPs.0, bin(30m)',
      '| filter denied >= 10',
    ),
  }),
  port({
    id: 'eks-multiple-403-public-ip',
    rule: 'Amazon.EKS.Audit.Multiple403',
    file: 'rules/aws_eks_rules/source_ip_multiple_403.yml',
    title: 'EKS: many 403s on API paths from one public IP',
    description:
      'At least 10 completed requests to /api/ or /apis/ paths refused with 403 from the same public source address within 30 minutes.',
    severity: 'low',
    mitre: ['T1613'],
    tags: ['discovery', 'threshold', 'eks'],
    query: lines(
      'filter stage = "ResponseComplete" and responseStatus.code = 403 and requestURI like /^\\/apis?\\//',
      `| filter ${publicIp('sourceIPs.0')}`,
      '| stats count(*) as denied, count_distinct(user.username) as users, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by sourceIPs.0, bin(30m)',
      '| filter denied >= 10',
    ),
  }),
  port({
    id: 'k8s-pod-in-system-namespace',
    rule: 'Kubernetes.Pod.SystemNamespace',
    file: 'rules/kubernetes_rules/k8s_pod_created_in_system_namespace.yml',
    title: 'Pod created in a system namespace by a user',
    description:
      'A pod (not a subresource such as eviction) created in kube-system, kube-public, kube-node-lease or gke-system by a non-system principal and not refused.',
    severity: 'medium',
    mitre: ['T1610', 'T1525'],
    tags: ['persistence', 'workloads'],
    query: lines(
      POD_FIELDS,
      `| filter ${CREATED_POD} and not ispresent(objectRef.subresource)`,
      `| filter not ${FAILED} and not ${SYSTEM_PRINCIPAL} and ${SYSTEM_NAMESPACE}`,
    ),
  }),
  port({
    id: 'k8s-pod-dangerous-capabilities',
    rule: 'Kubernetes.Pod.Dangerous.Capabilities',
    file: 'rules/kubernetes_rules/k8s_pod_dangerous_capabilities.yml',
    title: 'Pod with dangerous Linux capabilities',
    description:
      'A pod created outside system namespaces by a non-system principal where a container adds SYS_ADMIN, NET_ADMIN, BPF, SYS_PTRACE, SYS_MODULE, DAC_READ_SEARCH or DAC_OVERRIDE (the compact JSON of the containers is matched).',
    severity: 'high',
    mitre: ['T1611', 'T1068'],
    tags: ['privilege-escalation', 'pods'],
    query: lines(
      `${POD_FIELDS}, jsonStringify(jsonParse(@message).requestObject.spec.containers) as containers`,
      `| filter ${CREATED_POD}`,
      `| filter not ${FAILED} and not ${SYSTEM_NAMESPACE} and not ${SYSTEM_PRINCIPAL}`,
      '| filter containers like /"add":\\[[^\\]]*"(SYS_ADMIN|NET_ADMIN|BPF|SYS_PTRACE|SYS_MODULE|DAC_READ_SEARCH|DAC_OVERRIDE)"/',
    ),
  }),
  port({
    id: 'k8s-pod-host-ipc',
    rule: 'Kubernetes.Pod.Host.IPC',
    file: 'rules/kubernetes_rules/k8s_pod_host_ipc.yml',
    title: 'Pod using the host IPC namespace',
    description: 'A pod created with hostIPC: true, unless a system principal did it in a system namespace.',
    severity: 'medium',
    mitre: ['T1611'],
    tags: ['privilege-escalation', 'pods'],
    query: lines(
      POD_FIELDS,
      `| filter ${CREATED_POD} and requestObject.spec.hostIPC = true`,
      `| filter not ${FAILED} and ${NOT_ROUTINE_SYSTEM}`,
    ),
  }),
  port({
    id: 'k8s-pod-host-network',
    rule: 'Kubernetes.Pod.Host.Network',
    file: 'rules/kubernetes_rules/k8s_pod_host_network.yml',
    title: 'Pod attached to the host network',
    description:
      'A pod created with hostNetwork: true, unless a system principal did it in a system namespace.',
    severity: 'medium',
    mitre: ['T1611'],
    tags: ['privilege-escalation', 'pods'],
    query: lines(
      POD_FIELDS,
      `| filter ${CREATED_POD} and requestObject.spec.hostNetwork = true`,
      `| filter not ${FAILED} and ${NOT_ROUTINE_SYSTEM}`,
    ),
  }),
  port({
    id: 'k8s-pod-host-pid',
    rule: 'Kubernetes.Pod.Host.PID',
    file: 'rules/kubernetes_rules/k8s_pod_host_pid.yml',
    title: 'Pod using the host PID namespace',
    description: 'A pod created with hostPID: true, unless a system principal did it in a system namespace.',
    severity: 'medium',
    mitre: ['T1611', 'T1610'],
    tags: ['privilege-escalation', 'pods'],
    query: lines(
      POD_FIELDS,
      `| filter ${CREATED_POD} and requestObject.spec.hostPID = true`,
      `| filter not ${FAILED} and ${NOT_ROUTINE_SYSTEM}`,
    ),
  }),
  port({
    id: 'k8s-pod-hostpath-volume',
    rule: 'Kubernetes.Pod.HostPath.Volume',
    file: 'rules/kubernetes_rules/k8s_pod_hostpath_volume.yml',
    title: 'Pod with a hostPath volume',
    description:
      'A pod created with any hostPath volume, unless a system principal did it in a system namespace. (Panther raises the severity for sensitive host paths; the paths are in the result.)',
    severity: 'medium',
    mitre: ['T1611'],
    tags: ['privilege-escalation', 'pods'],
    query: lines(
      `${POD_FIELDS}, jsonStringify(jsonParse(@message).requestObject.spec.volumes) as volumes`,
      `| filter ${CREATED_POD} and volumes like /"hostPath":/`,
      `| filter not ${FAILED} and ${NOT_ROUTINE_SYSTEM}`,
    ),
  }),
  port({
    id: 'k8s-privileged-pod-created',
    rule: 'Kubernetes.Pod.Privileged.Created',
    file: 'rules/kubernetes_rules/k8s_privileged_pod_created.yml',
    title: 'Privileged or root pod created',
    description:
      'A pod created with a container that is privileged, sets runAsNonRoot: false or runAsUser: 0, unless a system principal did it in a system namespace (the compact JSON of the containers is matched).',
    severity: 'high',
    mitre: ['T1611', 'T1548'],
    tags: ['privilege-escalation', 'pods'],
    query: lines(
      `${POD_FIELDS}, jsonStringify(jsonParse(@message).requestObject.spec.containers) as containers`,
      `| filter ${CREATED_POD}`,
      `| filter not ${FAILED} and ${NOT_ROUTINE_SYSTEM}`,
      '| filter containers like /"privileged":true|"runAsNonRoot":false|"runAsUser":0[,}]/',
    ),
  }),
  port({
    id: 'k8s-role-node-proxy',
    rule: 'Kubernetes.Role.NodeProxyPermissions',
    file: 'rules/kubernetes_rules/k8s_role_node_proxy_permissions.yml',
    title: 'Role granting node proxy access created',
    description:
      'A Role or ClusterRole created by a non-system user with a rule on nodes/proxy, on nodes/* with any verb, or on nodes together with *: kubelet API access that bypasses audit logging.',
    severity: 'high',
    mitre: ['T1078.004', 'T1562.001'],
    tags: ['privilege-escalation', 'rbac'],
    query: lines(
      `filter ${ROLE_CREATED}`,
      `| filter not ${FAILED} and not ${SYSTEM_PRINCIPAL}`,
      `| ${ROLE_RULES}`,
      '| unnest rules into r',
      '| filter jsonArrayContains(r.resources, "nodes/proxy") or (jsonArrayContains(r.resources, "nodes/*") and jsonArraySize(r.verbs) > 0) or (jsonArrayContains(r.resources, "nodes") and jsonArrayContains(r.resources, "*"))',
      `| ${ROLE_FIELDS}`,
      '| dedup @ptr',
    ),
  }),
  port({
    id: 'k8s-role-pod-exec',
    rule: 'Kubernetes.Role.PodExec',
    file: 'rules/kubernetes_rules/k8s_role_pod_exec.yml',
    title: 'Role granting pods/exec created',
    description: 'A Role or ClusterRole created by a non-system user with a rule on pods/exec.',
    severity: 'high',
    mitre: ['T1078.004', 'T1609'],
    tags: ['privilege-escalation', 'rbac', 'exec'],
    query: lines(
      `filter ${ROLE_CREATED}`,
      `| filter not ${FAILED} and not ${SYSTEM_PRINCIPAL}`,
      `| ${ROLE_RULES}`,
      '| unnest rules into r',
      '| filter jsonArrayContains(r.resources, "pods/exec")',
      `| ${ROLE_FIELDS}`,
      '| dedup @ptr',
    ),
  }),
  port({
    id: 'k8s-role-wildcard',
    rule: 'Kubernetes.Role.Wildcard',
    file: 'rules/kubernetes_rules/k8s_role_wildcard.yml',
    title: 'Role with wildcard permissions created',
    description:
      'A Role or ClusterRole created by a non-system user with a rule whose resources or verbs include *.',
    severity: 'high',
    mitre: ['T1078.004', 'T1098'],
    tags: ['privilege-escalation', 'rbac'],
    query: lines(
      `filter ${ROLE_CREATED}`,
      `| filter not ${FAILED} and not ${SYSTEM_PRINCIPAL}`,
      `| ${ROLE_RULES}`,
      '| unnest rules into r',
      '| filter jsonArrayContains(r.resources, "*") or jsonArrayContains(r.verbs, "*")',
      `| ${ROLE_FIELDS}`,
      '| dedup @ptr',
    ),
  }),
  port({
    id: 'k8s-role-write-permissions',
    rule: 'Kubernetes.Role.WritePermissions',
    file: 'rules/kubernetes_rules/k8s_role_write_permissions.yml',
    title: 'Role with write permissions created',
    description:
      'A Role or ClusterRole created by a non-system user with a rule granting create, update, patch, delete or deletecollection.',
    severity: 'low',
    mitre: ['T1222'],
    tags: ['rbac'],
    query: lines(
      `filter ${ROLE_CREATED}`,
      `| filter not ${FAILED} and not ${SYSTEM_PRINCIPAL}`,
      `| ${ROLE_RULES}`,
      '| unnest rules into r',
      '| filter jsonArrayContains(r.verbs, "create") or jsonArrayContains(r.verbs, "update") or jsonArrayContains(r.verbs, "patch") or jsonArrayContains(r.verbs, "delete") or jsonArrayContains(r.verbs, "deletecollection")',
      `| ${ROLE_FIELDS}`,
      '| dedup @ptr',
    ),
  }),
  port({
    id: 'k8s-secret-access-denied',
    rule: 'Kubernetes.Secret.AccessDenied',
    file: 'rules/kubernetes_rules/k8s_secret_access_denied.yml',
    title: 'Repeated denied Secret reads',
    description:
      'At least 20 refused gets of Secrets by the same non-system user in the same (non-system) namespace within 15 minutes.',
    severity: 'medium',
    mitre: ['T1552.007', 'T1613'],
    tags: ['credential-access', 'secrets', 'threshold'],
    query: lines(
      'filter verb = "get" and objectRef.resource = "secrets"',
      `| filter ${FAILED} and not ${SYSTEM_NAMESPACE} and not ${SYSTEM_PRINCIPAL}`,
      '| stats count(*) as denied, count_distinct(objectRef.name) as secrets, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by user.username, objectRef.namespace, bin(15m)',
      '| filter denied >= 20',
    ),
  }),
  port({
    id: 'k8s-secret-enumeration',
    rule: 'Kubernetes.BulkSecretAccess',
    file: 'rules/kubernetes_rules/k8s_secret_enumeration.yml',
    title: 'Secret enumeration by one user',
    description:
      'A non-system user touches at least 15 distinct Secrets (get by name; list/watch by namespace or URI) within 30 minutes. Disabled by default as in Panther; tune the threshold.',
    severity: 'medium',
    mitre: ['T1552.007'],
    tags: ['credential-access', 'secrets', 'threshold'],
    enabled: false,
    query: lines(
      'filter verb in ["get", "list", "watch"] and objectRef.resource = "secrets"',
      `| filter not ${SYSTEM_PRINCIPAL}`,
      '| fields coalesce(objectRef.name, if(verb = "get", "", concat(verb, ":", coalesce(objectRef.namespace, requestURI, "")))) as secret',
      '| stats count(*) as requests, count_distinct(secret) as secrets, earliest(@timestamp) as first_seen, latest(@timestamp) as last_seen by user.username, bin(30m)',
      '| filter secrets >= 15',
    ),
  }),
  port({
    id: 'k8s-secrets-dump-all-namespaces',
    rule: 'Kubernetes.Secrets.DumpAllNamespaces',
    file: 'rules/kubernetes_rules/k8s_secrets_dump_all_namespaces.yml',
    title: 'Secrets listed across all namespaces',
    description:
      'A successful cluster-wide list of Secrets (no namespace, no /namespaces/ in the URI) by a principal other than a system one, the namespace controller, kube-state-metrics or the API server.',
    severity: 'critical',
    mitre: ['T1552.007', 'T1530'],
    tags: ['credential-access', 'secrets'],
    query: lines(
      'fields @timestamp, user.username, requestURI, responseStatus.code, sourceIPs.0, userAgent',
      '| filter verb = "list" and objectRef.resource = "secrets"',
      `| filter not ${FAILED}`,
      '| filter (not ispresent(objectRef.namespace) or objectRef.namespace = "") and not (requestURI like /\\/namespaces\\//)',
      `| filter not ${SYSTEM_PRINCIPAL} and not (user.username in ["system:serviceaccount:kube-system:namespace-controller", "system:serviceaccount:kube-system:kube-state-metrics", "system:apiserver"])`,
    ),
  }),
  port({
    id: 'k8s-serviceaccount-token-created',
    rule: 'Kubernetes.ServiceAccount.TokenCreated',
    file: 'rules/kubernetes_rules/k8s_serviceaccount_token_created.yml',
    title: 'Service account token requested',
    description:
      'A TokenRequest (create serviceaccounts/token) not refused, unless a system principal made it in a system namespace.',
    severity: 'low',
    mitre: ['T1098', 'T1552'],
    tags: ['credential-access', 'serviceaccounts'],
    query: lines(
      'fields @timestamp, user.username, objectRef.namespace, objectRef.name as service_account, requestObject.spec.expirationSeconds as expiration, sourceIPs.0',
      '| filter verb = "create" and objectRef.resource = "serviceaccounts" and objectRef.subresource = "token"',
      `| filter not ${FAILED} and ${NOT_ROUTINE_SYSTEM}`,
    ),
  }),
  port({
    id: 'k8s-steal-serviceaccount-token',
    rule: 'Kubernetes.Pod.StealServiceAccountToken',
    file: 'rules/kubernetes_rules/k8s_steal_serviceaccount_token.yml',
    title: 'Service account token read through exec',
    description:
      'A pods/exec create whose command or (URL-decoded) request URI names a mounted service-account token path (Kubernetes, EKS IRSA, AKS or GKE workload identity), unless a system principal did it in a system namespace. Like Panther, only verb create is matched.',
    severity: 'high',
    mitre: ['T1552.007', 'T1528'],
    tags: ['credential-access', 'exec', 'serviceaccounts'],
    query: lines(
      'fields @timestamp, user.username, objectRef.namespace, objectRef.name, requestURI, sourceIPs.0, concat(jsonStringify(jsonParse(@message).requestObject.command), " ", urldecode(requestURI)) as command',
      '| filter verb = "create" and objectRef.resource = "pods" and objectRef.subresource = "exec"',
      `| filter not ${FAILED} and ${NOT_ROUTINE_SYSTEM}`,
      '| filter command like /(?i)\\/var\\/run\\/secrets\\/(kubernetes\\.io\\/serviceaccount|eks\\.amazonaws\\.com\\/serviceaccount|azure\\/tokens|tokens\\/gcp-ksa)|serviceaccount\\/token/',
    ),
  }),
  port({
    id: 'k8s-system-principal-public-ip',
    rule: 'Kubernetes.System.Principal.PublicIP',
    file: 'rules/kubernetes_rules/k8s_system_principal_public_ip.yml',
    title: 'System principal used from a public IP',
    description:
      'A completed, non-403 request by a service account, node or eks:/aks: identity whose source addresses are all public. AWS-managed eks:addon-manager and eks:node-manager calls from the AWSWesleyClusterManagerLambda role are left out. Panther also drops nodes whose address is in a cloud provider ASN (IP enrichment, not in the logs).',
    severity: 'high',
    mitre: ['T1190', 'T1528'],
    tags: ['credential-access', 'network'],
    allowLists: ['cidrs'],
    query: lines(
      'fields @timestamp, user.username, verb, objectRef.resource, objectRef.namespace, sourceIPs.0, userAgent, responseStatus.code',
      '| filter not ispresent(stage) or stage = "ResponseComplete"',
      '| filter not (responseStatus.code = 403)',
      '| filter user.username like /^(system:serviceaccount:|system:node:|eks:|aks:)/',
      `| filter ispresent(sourceIPs.0) and ${ALL_SOURCE_IPS_PUBLIC}`,
      '| filter not (user.username in ["eks:addon-manager", "eks:node-manager"] and user.extra.arn.0 like /:assumed-role\\/AWSWesleyClusterManagerLambda/)',
    ),
  }),
  port({
    id: 'eks-system-identity-public-ip',
    rule: 'Amazon.EKS.Audit.SystemNamespaceFromPublicIP',
    file: 'rules/aws_eks_rules/system_namespace_public_ip.yml',
    title: 'EKS: system identity used from a public IP',
    description:
      'A completed, non-403 request by a system: or eks: identity whose first source address is public. AWS-managed eks:addon-manager and eks:node-manager calls from the AWSWesleyClusterManagerLambda role are left out. Panther also drops nodes whose address is in the amazon-aws warning list or ASN (IP enrichment, not in the logs).',
    severity: 'medium',
    mitre: ['T1190', 'T1078.004'],
    tags: ['credential-access', 'network', 'eks'],
    allowLists: ['cidrs'],
    query: lines(
      'fields @timestamp, user.username, verb, objectRef.resource, objectRef.namespace, sourceIPs.0, userAgent, responseStatus.code',
      '| filter stage = "ResponseComplete" and not (responseStatus.code = 403)',
      `| filter user.username like /^(system:|eks:)/ and ${publicIp('sourceIPs.0')}`,
      '| filter not (user.username in ["eks:addon-manager", "eks:node-manager"] and user.extra.arn.0 like /:assumed-role\\/AWSWesleyClusterManagerLambda/)',
    ),
  }),
  port({
    id: 'k8s-system-role-modified',
    rule: 'Kubernetes.SystemRole.Modified',
    file: 'rules/kubernetes_rules/k8s_system_role_modified.yml',
    title: 'System role modified or deleted',
    description:
      'An update, patch or delete of a Role or ClusterRole named system:* or eks:* by a non-system user, not refused (system:coredns and system:managed-certificate-controller are expected to change).',
    severity: 'critical',
    mitre: ['T1078.004', 'T1098'],
    tags: ['privilege-escalation', 'rbac', 'defense-evasion'],
    query: lines(
      'fields @timestamp, user.username, verb, objectRef.resource, objectRef.name, sourceIPs.0',
      '| filter verb in ["update", "patch", "delete"] and objectRef.resource in ["roles", "clusterroles"]',
      `| filter not ${FAILED} and not ${SYSTEM_PRINCIPAL}`,
      '| filter objectRef.name like /^(system:|eks:)/ and not (objectRef.name in ["system:coredns", "system:managed-certificate-controller"])',
    ),
  }),
];
