/**
 * Equivalents of Falco's Kubernetes audit rules (k8saudit), written in the
 * Logs Insights language, and the list of rules the language cannot express.
 *
 * Conventions: Falco's `kevt` macro is `stage = "ResponseComplete"`;
 * `response_successful` is a 2xx code; "any element" conditions over arrays
 * (containers, volumes, rules) are regexes over `@message`, because the
 * language flattens arrays to indexed fields and has no quantifier.
 *
 * @module
 */
import { InternalError } from '../../errors.js';
import type { Detection, FalcoOutputField, FalcoPriority, InexpressibleRule } from '../types.js';
import { FALCO_RULES, lines } from './sources.js';

const KEVT = 'stage = "ResponseComplete"';
const SUCCESS = 'responseStatus.code >= 200 and responseStatus.code < 300';
const NON_SYSTEM_USER = 'not (user.username like /^system:/)';
const POD = 'objectRef.resource = "pods" and not ispresent(objectRef.subresource)';

const ALLOWED_USERS = [
  'minikube',
  'minikube-user',
  'kubelet',
  'kops',
  'admin',
  'kube',
  'kube-proxy',
  'kube-apiserver-healthcheck',
  'kubernetes-admin',
  'vpa-recommender',
  'vpa-updater',
  'cluster-autoscaler',
  'system:addon-manager',
  'cloud-controller-manager',
  'system:kube-controller-manager',
  'eks:node-manager',
  'eks:certificate-controller',
  'eks:fargate-scheduler',
  'eks:k8s-metrics',
  'eks:authenticator',
  'eks:cluster-event-watcher',
  'eks:nodewatcher',
  'eks:pod-identity-mutating-webhook',
  'eks:cloud-controller-manager',
  'eks:vpc-resource-controller',
  'eks:addon-manager',
];

const KNOWN_KUBE_SYSTEM_SAS = [
  'coredns',
  'coredns-autoscaler',
  'cronjob-controller',
  'daemon-set-controller',
  'deployment-controller',
  'disruption-controller',
  'endpoint-controller',
  'endpointslice-controller',
  'endpointslicemirroring-controller',
  'generic-garbage-collector',
  'horizontal-pod-autoscaler',
  'job-controller',
  'namespace-controller',
  'node-controller',
  'persistent-volume-binder',
  'pod-garbage-collector',
  'pv-protection-controller',
  'pvc-protection-controller',
  'replicaset-controller',
  'resourcequota-controller',
  'root-ca-cert-publisher',
  'service-account-controller',
  'statefulset-controller',
];

/** Image repositories Falco trusts to run privileged (first container checked). */
const PRIVILEGED_IMAGES =
  '(docker\\.io\\/|public\\.ecr\\.aws\\/)?falcosecurity\\/falco|(docker\\.io\\/|quay\\.io\\/)?calico\\/node|docker\\.io\\/cloudnativelabs\\/kube-router|docker\\.io\\/docker\\/ucp-agent|docker\\.io\\/mesosphere\\/mesos-slave|docker\\.io\\/rook\\/toolbox|(docker\\.io\\/)?sysdig\\/sysdig|gcr\\.io\\/google_containers\\/kube-proxy|gcr\\.io\\/google-containers\\/(startup-script|prometheus-to-sd)|gcr\\.io\\/projectcalico-org\\/node|gke\\.gcr\\.io\\/(kube-proxy|gke-metadata-server|netd-amd64|watcher-daemonset)|registry\\.k8s\\.io\\/(ip-masq-agent-amd64|kube-proxy|prometheus-to-sd|dns\\/k8s-dns-node-cache)|mcr\\.microsoft\\.com\\/oss\\/kubernetes\\/kube-proxy';
/** Image repositories Falco trusts with sensitive mounts. */
const SENSITIVE_MOUNT_IMAGES =
  '(docker\\.io\\/|public\\.ecr\\.aws\\/)?falcosecurity\\/falco|(docker\\.io\\/)?sysdig\\/sysdig|gcr\\.io\\/google_containers\\/(hyperkube|kube-proxy)|docker\\.io\\/calico\\/node|docker\\.io\\/rook\\/toolbox|docker\\.io\\/cloudnativelabs\\/kube-router|docker\\.io\\/consul|docker\\.io\\/datadog\\/(docker-dd-agent|agent)|docker\\.io\\/docker\\/ucp-agent|docker\\.io\\/gliderlabs\\/logspout|docker\\.io\\/netdata\\/netdata|docker\\.io\\/google\\/cadvisor|(docker\\.io\\/)?prom\\/node-exporter|amazon\\/amazon-ecs-agent|amazon\\/cloudwatch-agent';
/** Image repositories Falco allows on the host network. */
const HOSTNETWORK_IMAGES =
  'gcr\\.io\\/google-containers\\/prometheus-to-sd|gcr\\.io\\/projectcalico-org\\/(typha|node)|gke\\.gcr\\.io\\/(gke-metadata-server|kube-proxy|netd-amd64)|registry\\.k8s\\.io\\/(ip-masq-agent-amd64|prometheus-to-sd)';
/** Image repositories Falco allows in kube-system / kube-public. */
const KUBE_NAMESPACE_IMAGES =
  'gcr\\.io\\/google-containers\\/prometheus-to-sd|gcr\\.io\\/projectcalico-org\\/node|gke\\.gcr\\.io\\/(addon-resizer|heapster|gke-metadata-server|kube-proxy|netd-amd64|watcher-daemonset)|registry\\.k8s\\.io\\/(ip-masq-agent-amd64|kube-apiserver|addon-resizer|prometheus-to-sd|k8s-dns-dnsmasq-nanny-amd64|k8s-dns-kube-dns-amd64|k8s-dns-sidecar-amd64|metrics-server-amd64)|kope\\/kube-apiserver-healthcheck';

const imageNotIn = (alternatives: string): string =>
  `not (requestObject.spec.containers.0.image like /^(${alternatives})(:|@|$)/)`;

const quoted = (items: readonly string[]): string => `[${items.map((i) => `"${i}"`).join(', ')}]`;

const SENSITIVE_PATHS =
  '\\/proc|\\/var\\/run\\/docker\\.sock|\\/|\\/etc|\\/root|\\/var\\/run\\/crio\\/crio\\.sock|\\/run\\/containerd\\/containerd\\.sock|\\/home\\/admin|\\/var\\/lib\\/kubelet|\\/var\\/lib\\/kubelet\\/pki|\\/etc\\/kubernetes|\\/etc\\/kubernetes\\/manifests';

/**
 * Falco's k8saudit output fields and the Logs Insights field each one reads
 * (the JSON paths of Falco's field extractor). A Falco list field projects
 * its first element; `undefined` marks an object or list of objects, which
 * the language does not project.
 */
const FALCO_FIELDS: Readonly<Record<string, string | undefined>> = {
  'ka.user.name': 'user.username',
  'ka.target.name': 'objectRef.name',
  'ka.target.name/ka.target.resource': 'concat(objectRef.name, "/", objectRef.resource)',
  'ka.target.resource': 'objectRef.resource',
  'ka.target.namespace': 'objectRef.namespace',
  'ka.target.subresource': 'objectRef.subresource',
  'ka.verb': 'verb',
  'ka.uri': 'requestURI',
  'ka.uri.param[command]': 'requestURI',
  'ka.response.code': 'responseStatus.code',
  'ka.response.reason': 'responseStatus.reason',
  'ka.auth.decision': '`annotations.authorization.k8s.io/decision`',
  'ka.auth.reason': '`annotations.authorization.k8s.io/reason`',
  'ka.resp.name': 'responseObject.metadata.name',
  'ka.req.pod.containers.image': 'requestObject.spec.containers.0.image',
  'ka.req.pod.initContainers.image': 'requestObject.spec.initContainers.0.image',
  'ka.req.pod.ephemeralContainers.image': 'requestObject.spec.ephemeralContainers.0.image',
  'jevt.value[/requestObject/spec/volumes]': 'requestObject.spec.volumes.0.hostPath.path',
  'ka.req.service.ports': 'requestObject.spec.ports.0.nodePort',
  'ka.req.configmap.name': 'objectRef.name',
  'ka.req.binding.subjects': 'requestObject.subjects.0.name',
  'ka.req.binding.role': 'requestObject.roleRef.name',
  'ka.req.role.rules': undefined,
  'jevt.value[/requestObject/ephemeralContainers/0/name]': 'requestObject.ephemeralContainers.0.name',
  'jevt.value[/requestObject/ephemeralContainers/0/image]': 'requestObject.ephemeralContainers.0.image',
  'jevt.obj': '@message',
};

/** `label=field` pairs of a Falco output, in Falco's order. */
function output(...pairs: readonly string[]): FalcoOutputField[] {
  return pairs.map((pair) => {
    const eq = pair.indexOf('=');
    const label = pair.slice(0, eq);
    const field = pair.slice(eq + 1);
    if (!(field in FALCO_FIELDS))
      throw new InternalError('internal_error', `falco.ts: no column for Falco field ${field}`);
    const column = FALCO_FIELDS[field];
    return column === undefined ? { label, field } : { label, field, column };
  });
}

/**
 * The `fields` line projecting a Falco output under Falco's labels (after
 * `@timestamp`, before kubetrail's extra columns), and the `parse` of
 * `ka.uri.param[command]` when the output has it: the last lines of the
 * query. They come after the filters, so that a label such as `user` never
 * hides a field the filters read (`user.username`).
 */
function projection(
  out: readonly FalcoOutputField[],
  extra: readonly string[] = [],
): { fields: string; parse: string[] } {
  const columns = ['@timestamp'];
  const parse: string[] = [];
  for (const f of out) {
    if (f.column === undefined) continue;
    if (f.field === 'ka.uri.param[command]')
      parse.push(`| parse requestURI /[?&]command=(?<${f.label}>[^&]*)/`);
    else columns.push(f.column === f.label ? f.column : `${f.column} as ${f.label}`);
  }
  columns.push(...extra);
  return { fields: `| fields ${columns.join(', ')}`, parse };
}

const POD_OUTPUT = output(
  'user=ka.user.name',
  'pod=ka.resp.name',
  'resource=ka.target.resource',
  'ns=ka.target.namespace',
  'images=ka.req.pod.containers.image',
);

interface FalcoSpec {
  readonly slug: string;
  readonly rule: string;
  readonly title?: string;
  readonly description: string;
  readonly severity: Detection['severity'];
  readonly priority: FalcoPriority;
  readonly mitre: readonly string[];
  readonly tags: readonly string[];
  /** Falco's output fields: projected under Falco's labels by the query's first line. */
  readonly output: readonly FalcoOutputField[];
  /** Columns kubetrail adds after Falco's (the source address, mostly). */
  readonly extra?: readonly string[];
  /** The query's `filter` lines (the `fields` line comes from `output`). */
  readonly filter: readonly string[];
  readonly formerly?: readonly string[];
  readonly enabled?: boolean;
  readonly allowLists?: Detection['allowLists'];
}

const falco = (s: FalcoSpec): Detection => {
  const { fields, parse } = projection(s.output, s.extra);
  return {
    id: `falco.${s.slug}`,
    title: s.title ?? s.rule,
    description: s.description,
    severity: s.severity,
    mitre: s.mitre,
    tags: ['falco', `falco-priority-${s.priority.toLowerCase()}`, ...s.tags],
    kind: 'kubernetes-audit',
    queries: [{ query: lines(...s.filter, fields, ...parse).replace(/^\| /, '') }],
    source: `${FALCO_RULES} rule "${s.rule}"`,
    falcoRule: s.rule,
    falcoPriority: s.priority,
    falcoOutput: s.output,
    ...(s.formerly === undefined ? {} : { falcoFormerRules: s.formerly }),
    ...(s.allowLists === undefined ? {} : { allowLists: s.allowLists }),
    ...(s.enabled === undefined ? {} : { enabled: s.enabled }),
  };
};

interface ActivitySpec {
  readonly resource: string;
  readonly noun: string;
  readonly label: string;
  /** The label of `ka.target.name` in Falco's output. */
  readonly output: string;
  readonly namespaced: boolean;
  /** The rule's name before Falco split it by RBAC object (falcosecurity/plugins 472fd1fc, 2024-05-01). */
  readonly formerly?: string;
  readonly mitreCreate: readonly string[];
  readonly mitreDelete: readonly string[];
}

const ACTIVITY: readonly ActivitySpec[] = [
  {
    resource: 'deployments',
    noun: 'Deployment',
    label: 'deployment',
    output: 'deployment',
    namespaced: true,
    mitreCreate: ['T1610'],
    mitreDelete: ['T1485'],
  },
  {
    resource: 'services',
    noun: 'Service',
    label: 'service',
    output: 'service',
    namespaced: true,
    mitreCreate: ['T1133'],
    mitreDelete: ['T1485'],
  },
  {
    resource: 'configmaps',
    noun: 'ConfigMap',
    label: 'configmap',
    output: 'configmap',
    namespaced: true,
    mitreCreate: [],
    mitreDelete: ['T1485'],
  },
  {
    resource: 'namespaces',
    noun: 'Namespace',
    label: 'namespace',
    output: 'namespace',
    namespaced: false,
    mitreCreate: [],
    mitreDelete: ['T1485'],
  },
  {
    resource: 'serviceaccounts',
    noun: 'Serviceaccount',
    label: 'serviceaccount',
    output: 'serviceaccount',
    namespaced: true,
    mitreCreate: ['T1136'],
    mitreDelete: ['T1531'],
  },
  {
    resource: 'roles',
    noun: 'Role',
    label: 'role',
    output: 'role',
    namespaced: true,
    formerly: 'K8s Role/Clusterrole',
    mitreCreate: ['T1098.006'],
    mitreDelete: ['T1531'],
  },
  {
    resource: 'clusterroles',
    noun: 'ClusterRole',
    label: 'clusterrole',
    output: 'role',
    namespaced: false,
    formerly: 'K8s Role/Clusterrole',
    mitreCreate: ['T1098.006'],
    mitreDelete: ['T1531'],
  },
  {
    resource: 'rolebindings',
    noun: 'RoleBinding',
    label: 'rolebinding',
    output: 'binding',
    namespaced: true,
    formerly: 'K8s Role/Clusterrolebinding',
    mitreCreate: ['T1098.006'],
    mitreDelete: ['T1531'],
  },
  {
    resource: 'clusterrolebindings',
    noun: 'ClusterRoleBinding',
    label: 'clusterrolebinding',
    output: 'binding',
    namespaced: false,
    formerly: 'K8s Role/Clusterrolebinding',
    mitreCreate: ['T1098.006'],
    mitreDelete: ['T1531'],
  },
  {
    resource: 'secrets',
    noun: 'Secret',
    label: 'secret',
    output: 'secret',
    namespaced: true,
    mitreCreate: [],
    mitreDelete: ['T1485'],
  },
];

/** Falco's output for an activity rule: who, what, and the response and authorization decision. */
function activityOutput(a: ActivitySpec, verb: 'create' | 'delete'): FalcoOutputField[] {
  const created = verb === 'create';
  return output(
    'user=ka.user.name',
    `${a.output}=ka.target.name`,
    ...(a.namespaced ? ['ns=ka.target.namespace'] : []),
    'resource=ka.target.resource',
    ...(created && a.output === 'role' ? ['rules=ka.req.role.rules'] : []),
    ...(created && a.output === 'binding'
      ? ['subjects=ka.req.binding.subjects', 'role=ka.req.binding.role']
      : []),
    'resp=ka.response.code',
    'decision=ka.auth.decision',
    'reason=ka.auth.reason',
  );
}

function activityRules(): Detection[] {
  const out: Detection[] = [];
  for (const a of ACTIVITY) {
    for (const [verb, past] of [
      ['create', 'Created'],
      ['delete', 'Deleted'],
    ] as const) {
      let extra = '';
      if (a.resource === 'secrets')
        extra = ` and not (objectRef.namespace = "kube-system") and ${NON_SYSTEM_USER}`;
      if (a.resource === 'namespaces' && verb === 'delete') extra = ` and ${NON_SYSTEM_USER}`;
      out.push(
        falco({
          slug: `${a.label}-${past.toLowerCase()}`,
          rule: `K8s ${a.noun} ${past}`,
          description: `A ${a.noun} was ${past.toLowerCase()} successfully (2xx).${
            extra ? ' kube-system and system: users are excluded, as in Falco.' : ''
          }${
            a.formerly === undefined
              ? ''
              : ` Falco rules files before May 2024 had one rule, "${a.formerly} ${past}", for this and its ${a.noun.startsWith('Cluster') ? 'namespaced' : 'cluster-wide'} counterpart.`
          }`,
          severity: 'info',
          priority: 'INFO',
          mitre: verb === 'create' ? a.mitreCreate : a.mitreDelete,
          tags: ['activity', a.label],
          output: activityOutput(a, verb),
          filter: [
            `| filter ${KEVT} and verb = "${verb}" and objectRef.resource = "${a.resource}" and not ispresent(objectRef.subresource) and ${SUCCESS}${extra}`,
          ],
          ...(a.formerly === undefined ? {} : { formerly: [`${a.formerly} ${past}`] }),
        }),
      );
    }
  }
  return out;
}

/** Falco k8saudit rule equivalents (47 of Falco's 48 rules; the other one is in {@link FALCO_INEXPRESSIBLE}). */
export const FALCO_DETECTIONS: readonly Detection[] = [
  falco({
    slug: 'disallowed-k8s-user',
    rule: 'Disallowed K8s User',
    description:
      "A completed request by a user that is neither a system: user nor on Falco's allowed lists (generic and EKS). On EKS, IAM-mapped users appear here unless mapped to an allowed name.",
    severity: 'medium',
    priority: 'WARNING',
    mitre: ['T1078'],
    tags: ['initial-access', 'users'],
    allowLists: ['users'],
    output: output(
      'user=ka.user.name',
      'target=ka.target.name/ka.target.resource',
      'verb=ka.verb',
      'uri=ka.uri',
      'resp=ka.response.code',
    ),
    extra: ['sourceIPs.0'],
    filter: [`| filter ${KEVT} and ${NON_SYSTEM_USER} and user.username not in ${quoted(ALLOWED_USERS)}`],
  }),
  falco({
    slug: 'create-privileged-pod',
    rule: 'Create Privileged Pod',
    description:
      "A pod was created with a privileged container (any container, init container or ephemeral container). Falco's trusted-image exception is checked on the first container only.",
    severity: 'high',
    priority: 'WARNING',
    mitre: ['T1611', 'T1610'],
    tags: ['privilege-escalation', 'pods'],
    output: output(
      'user=ka.user.name',
      'pod=ka.resp.name',
      'resource=ka.target.resource',
      'ns=ka.target.namespace',
      'images=ka.req.pod.containers.image',
      'init_images=ka.req.pod.initContainers.image',
      'ephemeral_images=ka.req.pod.ephemeralContainers.image',
    ),
    filter: [
      `| filter ${KEVT} and ${POD} and verb = "create"`,
      '| filter @message like /"privileged":\\s*true/',
      `| filter ${imageNotIn(PRIVILEGED_IMAGES)}`,
    ],
  }),
  falco({
    slug: 'create-sensitive-mount-pod',
    rule: 'Create Sensitive Mount Pod',
    description:
      'A pod was created with a hostPath volume on a sensitive host directory (/proc, /, /etc, /root, container runtime sockets, kubelet and Kubernetes config directories).',
    severity: 'high',
    priority: 'WARNING',
    mitre: ['T1611'],
    tags: ['privilege-escalation', 'pods', 'hostpath'],
    output: output(
      'user=ka.user.name',
      'pod=ka.resp.name',
      'ns=ka.target.namespace',
      'resource=ka.target.resource',
      'images=ka.req.pod.containers.image',
      'volumes=jevt.value[/requestObject/spec/volumes]',
    ),
    filter: [
      `| filter ${KEVT} and ${POD} and verb = "create"`,
      `| filter @message like /"hostPath":\\s*\\{\\s*"path":\\s*"(${SENSITIVE_PATHS})"/`,
      `| filter ${imageNotIn(SENSITIVE_MOUNT_IMAGES)}`,
    ],
  }),
  ...(
    [
      ['hostnetwork', 'HostNetwork', 'hostNetwork', 'the host network', HOSTNETWORK_IMAGES],
      ['hostpid', 'HostPid', 'hostPID', 'the host PID namespace', ''],
      ['hostipc', 'HostIPC', 'hostIPC', 'the host IPC namespace', ''],
    ] as const
  ).map(([slug, name, field, words, images]) =>
    falco({
      slug: `create-${slug}-pod`,
      rule: `Create ${name} Pod`,
      description: `A pod was created using ${words} (spec.${field}: true).`,
      severity: 'high',
      priority: 'WARNING',
      mitre: ['T1611'],
      tags: ['privilege-escalation', 'pods', 'host-namespaces'],
      output: POD_OUTPUT,
      filter: [
        `| filter ${KEVT} and ${POD} and verb = "create"`,
        `| filter @message like /"${field}":\\s*true/`,
        ...(images ? [`| filter ${imageNotIn(images)}`] : []),
      ],
    }),
  ),
  falco({
    slug: 'create-nodeport-service',
    rule: 'Create NodePort Service',
    description: 'A Service of type NodePort was created, exposing a port on every node.',
    severity: 'medium',
    priority: 'WARNING',
    mitre: ['T1133'],
    tags: ['exposure', 'services'],
    output: output(
      'user=ka.user.name',
      'service=ka.target.name',
      'resource=ka.target.resource',
      'ns=ka.target.namespace',
      'ports=ka.req.service.ports',
    ),
    filter: [
      `| filter ${KEVT} and objectRef.resource = "services" and verb = "create" and requestObject.spec.type = "NodePort"`,
    ],
  }),
  falco({
    slug: 'configmap-private-credentials',
    rule: 'Create/Modify Configmap With Private Credentials',
    description:
      'A ConfigMap was created or modified with data that mentions AWS access key ids, a password or a passphrase. On EKS, ConfigMaps are logged at Metadata level (no data) except aws-auth, so this fires on self-managed audit policies only.',
    severity: 'medium',
    priority: 'WARNING',
    mitre: ['T1552.007'],
    tags: ['credential-access', 'configmaps'],
    output: output(
      'user=ka.user.name',
      'verb=ka.verb',
      'resource=ka.target.resource',
      'configmap=ka.req.configmap.name',
    ),
    filter: [
      `| filter ${KEVT} and objectRef.resource = "configmaps" and verb in ["create", "update", "patch"]`,
      '| filter @message like /"requestObject":\\{.*"data":\\{[^}]*(aws_access_key_id|aws-access-key-id|aws_s3_access_key_id|aws-s3-access-key-id|password|passphrase)/',
    ],
  }),
  falco({
    slug: 'anonymous-request-allowed',
    rule: 'Anonymous Request Allowed',
    description:
      'A request by system:anonymous was allowed, other than the health endpoints (/healthz, /livez, /readyz).',
    severity: 'high',
    priority: 'WARNING',
    mitre: ['T1078.001'],
    tags: ['initial-access', 'anonymous'],
    output: output('user=ka.user.name', 'verb=ka.verb', 'uri=ka.uri', 'reason=ka.auth.reason'),
    extra: ['sourceIPs.0'],
    filter: [
      `| filter ${KEVT} and user.username = "system:anonymous" and \`annotations.authorization.k8s.io/decision\` = "allow"`,
      '| filter not (requestURI like /^\\/(healthz|livez|readyz)(\\?|$)/)',
    ],
  }),
  falco({
    slug: 'attach-exec-pod',
    rule: 'Attach/Exec Pod',
    description:
      'Someone attached to or ran a command in a pod. Exec and attach are logged at stage ResponseStarted with code 101; on EKS the verb is get, elsewhere create.',
    severity: 'medium',
    priority: 'NOTICE',
    mitre: ['T1609'],
    tags: ['execution', 'exec'],
    allowLists: ['users', 'namespaces'],
    output: output(
      'user=ka.user.name',
      'pod=ka.target.name',
      'resource=ka.target.resource',
      'ns=ka.target.namespace',
      'action=ka.target.subresource',
      'command=ka.uri.param[command]',
    ),
    extra: ['sourceIPs.0'],
    filter: [
      '| filter stage = "ResponseStarted" and objectRef.resource = "pods" and objectRef.subresource in ["exec", "attach"] and verb in ["create", "get"]',
    ],
  }),
  falco({
    slug: 'port-forward',
    rule: 'port-forward',
    description: 'Someone opened a port-forward to a pod.',
    severity: 'low',
    priority: 'NOTICE',
    mitre: ['T1572'],
    tags: ['lateral-movement', 'port-forward'],
    output: output(
      'user=ka.user.name',
      'pod=ka.target.name',
      'ns=ka.target.namespace',
      'action=ka.target.subresource',
    ),
    extra: ['sourceIPs.0', 'stage'],
    filter: ['| filter objectRef.subresource = "portforward"'],
  }),
  falco({
    slug: 'ephemeral-containers-created',
    rule: 'EphemeralContainers Created',
    description: 'An ephemeral (debug) container was added to a running pod.',
    severity: 'medium',
    priority: 'NOTICE',
    mitre: ['T1609'],
    tags: ['execution', 'pods'],
    output: output(
      'user=ka.user.name',
      'pod=ka.target.name',
      'resource=ka.target.resource',
      'ns=ka.target.namespace',
      'ephemeral_container_name=jevt.value[/requestObject/ephemeralContainers/0/name]',
      'ephemeral_container_image=jevt.value[/requestObject/ephemeralContainers/0/image]',
    ),
    filter: [
      `| filter ${KEVT} and objectRef.resource = "pods" and objectRef.subresource = "ephemeralcontainers" and verb in ["create", "update", "patch"]`,
    ],
  }),
  falco({
    slug: 'create-disallowed-namespace',
    rule: 'Create Disallowed Namespace',
    description: 'A namespace other than kube-system, kube-public and default was created.',
    severity: 'low',
    priority: 'WARNING',
    mitre: [],
    tags: ['namespaces'],
    output: output('user=ka.user.name', 'ns=ka.target.name', 'resource=ka.target.resource'),
    filter: [
      `| filter ${KEVT} and objectRef.resource = "namespaces" and verb = "create" and objectRef.name not in ["kube-system", "kube-public", "default"]`,
    ],
  }),
  falco({
    slug: 'pod-created-in-kube-namespace',
    rule: 'Pod Created in Kube Namespace',
    description:
      "A pod was created in kube-system or kube-public with an image outside Falco's allowed list (first container checked).",
    severity: 'medium',
    priority: 'WARNING',
    mitre: ['T1610'],
    tags: ['persistence', 'pods', 'system-namespace'],
    output: POD_OUTPUT,
    filter: [
      `| filter ${KEVT} and ${POD} and verb = "create" and objectRef.namespace in ["kube-system", "kube-public"]`,
      `| filter ${imageNotIn(KUBE_NAMESPACE_IMAGES)}`,
    ],
  }),
  falco({
    slug: 'service-account-created-in-kube-namespace',
    rule: 'Service Account Created in Kube Namespace',
    description:
      'A service account other than the known controller accounts was created in kube-system or kube-public.',
    severity: 'medium',
    priority: 'WARNING',
    mitre: ['T1136'],
    tags: ['persistence', 'serviceaccounts', 'system-namespace'],
    output: output(
      'user=ka.user.name',
      'serviceaccount=ka.target.name',
      'resource=ka.target.resource',
      'ns=ka.target.namespace',
    ),
    filter: [
      `| filter ${KEVT} and objectRef.resource = "serviceaccounts" and not ispresent(objectRef.subresource) and verb = "create" and objectRef.namespace in ["kube-system", "kube-public"] and ${SUCCESS}`,
      `| filter objectRef.name not in ${quoted(KNOWN_KUBE_SYSTEM_SAS)}`,
    ],
  }),
  falco({
    slug: 'system-clusterrole-modified',
    rule: 'System ClusterRole Modified/Deleted',
    title: 'System ClusterRole Modified/Deleted',
    description:
      'A Role or ClusterRole whose name starts with system: was created, changed or deleted (system:coredns and system:managed-certificate-controller excepted).',
    severity: 'high',
    priority: 'WARNING',
    mitre: ['T1098.006'],
    tags: ['persistence', 'privilege-escalation', 'rbac'],
    output: output(
      'user=ka.user.name',
      'role=ka.target.name',
      'resource=ka.target.resource',
      'ns=ka.target.namespace',
      'action=ka.verb',
    ),
    filter: [
      `| filter ${KEVT} and objectRef.resource in ["roles", "clusterroles"] and verb in ["create", "update", "patch", "delete"]`,
      '| filter objectRef.name like /^system:/ and objectRef.name not in ["system:coredns", "system:managed-certificate-controller"]',
    ],
  }),
  falco({
    slug: 'attach-to-cluster-admin-role',
    rule: 'Attach to cluster-admin Role',
    description: 'A ClusterRoleBinding to cluster-admin was created.',
    severity: 'high',
    priority: 'WARNING',
    mitre: ['T1098.006'],
    tags: ['privilege-escalation', 'rbac'],
    output: output('user=ka.user.name', 'subject=ka.req.binding.subjects'),
    extra: ['requestObject.subjects.0.kind as subject_kind'],
    filter: [
      `| filter ${KEVT} and objectRef.resource = "clusterrolebindings" and verb = "create" and requestObject.roleRef.name = "cluster-admin"`,
    ],
  }),
  falco({
    slug: 'clusterrole-with-wildcard-created',
    rule: 'ClusterRole With Wildcard Created',
    description: 'A Role or ClusterRole was created with "*" in a rule\'s resources or verbs.',
    severity: 'medium',
    priority: 'WARNING',
    mitre: ['T1098.006'],
    tags: ['privilege-escalation', 'rbac'],
    output: output(
      'user=ka.user.name',
      'role=ka.target.name',
      'resource=ka.target.resource',
      'rules=ka.req.role.rules',
    ),
    filter: [
      `| filter ${KEVT} and objectRef.resource in ["roles", "clusterroles"] and verb = "create"`,
      '| filter @message like /"(resources|verbs)":\\s*\\[[^\\]]*"\\*"/',
    ],
  }),
  falco({
    slug: 'clusterrole-with-write-privileges-created',
    rule: 'ClusterRole With Write Privileges Created',
    description:
      'A Role or ClusterRole was created that grants create, update, patch, delete or deletecollection.',
    severity: 'low',
    priority: 'NOTICE',
    mitre: ['T1098.006'],
    tags: ['rbac'],
    output: output(
      'user=ka.user.name',
      'role=ka.target.name',
      'resource=ka.target.resource',
      'rules=ka.req.role.rules',
    ),
    filter: [
      `| filter ${KEVT} and objectRef.resource in ["roles", "clusterroles"] and verb = "create"`,
      '| filter @message like /"verbs":\\s*\\[[^\\]]*"(create|update|patch|delete|deletecollection)"/',
    ],
  }),
  falco({
    slug: 'clusterrole-with-pod-exec-created',
    rule: 'ClusterRole With Pod Exec Created',
    description: 'A Role or ClusterRole was created whose rules include the pods/exec resource.',
    severity: 'medium',
    priority: 'WARNING',
    mitre: ['T1098.006', 'T1609'],
    tags: ['privilege-escalation', 'rbac', 'exec'],
    output: output(
      'user=ka.user.name',
      'role=ka.target.name',
      'resource=ka.target.resource',
      'rules=ka.req.role.rules',
    ),
    filter: [
      `| filter ${KEVT} and objectRef.resource in ["roles", "clusterroles"] and verb = "create"`,
      '| filter @message like /"resources":\\s*\\[[^\\]]*"pods\\/exec"/',
    ],
  }),
  ...activityRules(),
  falco({
    slug: 'secret-get-successfully',
    rule: 'K8s Secret Get Successfully',
    description:
      'A Secret was read successfully. Falco rates this ERROR; kubetrail rates it low because controllers read Secrets all day — use it to scope, not to alert.',
    severity: 'low',
    priority: 'ERROR',
    mitre: ['T1552.007'],
    tags: ['credential-access', 'secrets'],
    output: output(
      'user=ka.user.name',
      'secret=ka.target.name',
      'ns=ka.target.namespace',
      'resource=ka.target.resource',
      'resp=ka.response.code',
      'decision=ka.auth.decision',
      'reason=ka.auth.reason',
    ),
    filter: [`| filter ${KEVT} and objectRef.resource = "secrets" and verb = "get" and ${SUCCESS}`],
  }),
  falco({
    slug: 'secret-get-unsuccessfully-tried',
    rule: 'K8s Secret Get Unsuccessfully Tried',
    description: 'A read of a Secret failed (any non-2xx code, including 401 and 403).',
    severity: 'medium',
    priority: 'WARNING',
    mitre: ['T1552.007'],
    tags: ['credential-access', 'secrets'],
    output: output(
      'user=ka.user.name',
      'secret=ka.target.name',
      'ns=ka.target.namespace',
      'resource=ka.target.resource',
      'resp=ka.response.code',
      'decision=ka.auth.decision',
      'reason=ka.auth.reason',
    ),
    extra: ['sourceIPs.0'],
    filter: [`| filter ${KEVT} and objectRef.resource = "secrets" and verb = "get" and not (${SUCCESS})`],
  }),
  falco({
    slug: 'all-k8s-audit-events',
    rule: 'All K8s Audit Events',
    description: 'Every completed request. Disabled by default, as in Falco; ask for it by id.',
    severity: 'info',
    priority: 'DEBUG',
    mitre: [],
    tags: ['all'],
    enabled: false,
    output: output('user=ka.user.name', 'verb=ka.verb', 'uri=ka.uri', 'obj=jevt.obj'),
    filter: [`| filter ${KEVT}`],
  }),
  falco({
    slug: 'full-k8s-administrative-access',
    rule: 'Full K8s Administrative Access',
    description:
      'A completed request by a default administrator user name (admin, kubernetes-admin, minikube-user, ...). Disabled by default, as in Falco.',
    severity: 'low',
    priority: 'WARNING',
    mitre: ['T1078.001'],
    tags: ['users'],
    enabled: false,
    output: output(
      'user=ka.user.name',
      'target=ka.target.name/ka.target.resource',
      'verb=ka.verb',
      'uri=ka.uri',
      'resp=ka.response.code',
    ),
    filter: [
      `| filter ${KEVT} and user.username in ["admin", "kubernetes-admin", "kubernetes-admin@kubernetes", "kubernetes-admin@cluster.local", "minikube-user"]`,
    ],
  }),
  falco({
    slug: 'ingress-without-tls-created',
    rule: 'Ingress Object without TLS Certificate Created',
    description: 'An Ingress was created successfully without spec.tls.',
    severity: 'low',
    priority: 'WARNING',
    mitre: ['T1133'],
    tags: ['exposure', 'ingress'],
    output: output(
      'user=ka.user.name',
      'ingress=ka.target.name',
      'namespace=ka.target.namespace',
      'resource=ka.target.resource',
    ),
    filter: [
      `| filter ${KEVT} and objectRef.resource = "ingresses" and verb = "create" and ${SUCCESS}`,
      '| filter not (@message like /"requestObject":\\{.*"spec":\\{.*"tls":/)',
    ],
  }),
  falco({
    slug: 'untrusted-node-joined',
    rule: 'Untrusted Node Successfully Joined the Cluster',
    description:
      'A node object was created successfully. Falco compares the node name with a site allow-list that accepts every node by default; disabled by default here too — copy it into your own file with `and objectRef.name not in [...]`.',
    severity: 'medium',
    priority: 'ERROR',
    mitre: ['T1078'],
    tags: ['nodes'],
    enabled: false,
    output: output('user=ka.user.name', 'node=ka.target.name', 'resource=ka.target.resource'),
    extra: ['sourceIPs.0'],
    filter: [`| filter ${KEVT} and objectRef.resource = "nodes" and verb = "create" and ${SUCCESS}`],
  }),
  falco({
    slug: 'untrusted-node-join-failed',
    rule: 'Untrusted Node Unsuccessfully Tried to Join the Cluster',
    description:
      'A node object creation failed. Falco filters by a site allow-list that accepts every node by default; disabled by default here too.',
    severity: 'medium',
    priority: 'WARNING',
    mitre: ['T1078'],
    tags: ['nodes'],
    enabled: false,
    output: output(
      'user=ka.user.name',
      'node=ka.target.name',
      'reason=ka.response.reason',
      'resource=ka.target.resource',
    ),
    extra: ['sourceIPs.0'],
    filter: [`| filter ${KEVT} and objectRef.resource = "nodes" and verb = "create" and not (${SUCCESS})`],
  }),
];

/** Falco k8saudit rules the Logs Insights language cannot express, with the reason. */
export const FALCO_INEXPRESSIBLE: readonly InexpressibleRule[] = [
  {
    rule: 'Create Disallowed Pod',
    source: FALCO_RULES,
    reason:
      'Needs "some container image is not on the allow-list": an existential over an unbounded containers array with a negated set test. The language has no array quantifier and RE2 regexes have no negative lookahead, so it cannot be written over @message either. (With Falco\'s default allow-all macro the rule never fires anyway.)',
  },
];
