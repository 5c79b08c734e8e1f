/**
 * Scheduled episodes of normal work: CI deploys and the admin's kubectl
 * sessions. The agenda is fixed by the seed so the audit side and the
 * CloudTrail side of an episode happen at the same moment.
 *
 * @module
 */
import {
  auditEvent,
  type IamPrincipal,
  latency,
  MASTERS_REASON,
  type ObjectRef,
  plainUser,
  rbacReason,
  ref,
  resourceUri,
  type TimedAudit,
  type UserInfo,
} from './audit.js';
import { type AuditWorld, resourceVersion } from './background-audit.js';
import { authenticatorGranted, klog, structured, type TextLine } from './eks-lines.js';
import type { Rng } from './prng.js';
import { at, CONTROL_PLANE, IPS, type Micros, NODES, type Node, SECOND, UA } from './story.js';
import { isoSeconds } from './time.js';

/** Audit events and control-plane lines produced together. */
export interface Emission {
  readonly audit: TimedAudit[];
  readonly lines: TextLine[];
}

/** A scheduled episode. */
export interface AgendaItem {
  readonly t: Micros;
  readonly kind: 'ci-deploy' | 'admin-session';
  readonly index: number;
  /** For deploys: which app. */
  readonly app?: App;
  /** For deploys: the runner IP. */
  readonly runnerIp?: string;
}

/** A deployable application. */
export interface App {
  readonly namespace: string;
  readonly name: string;
  readonly image: string;
  readonly serviceAccount: string;
}

/** The two applications CI deploys. */
export const APPS: readonly App[] = [
  {
    namespace: 'payments',
    name: 'payments-api',
    image: '111122223333.dkr.ecr.us-west-2.amazonaws.com/payments-api',
    serviceAccount: 'payments-api',
  },
  {
    namespace: 'storefront',
    name: 'checkout-web',
    image: '111122223333.dkr.ecr.us-west-2.amazonaws.com/checkout-web',
    serviceAccount: 'checkout-web',
  },
];

const DEPLOY_TIMES = ['08:12', '09:58', '11:31', '13:05', '15:47', '17:22'];
const ADMIN_TIMES = ['08:47', '10:15', '12:40', '16:20', '19:05'];

/**
 * The day's agenda: CI deploys and admin sessions, in time order.
 *
 * @example
 * ```ts
 * agenda(createRng(1)).length; // 11
 * ```
 */
export function agenda(rng: Rng): AgendaItem[] {
  const r = rng.fork('agenda');
  const items: AgendaItem[] = [];
  DEPLOY_TIMES.forEach((hm, index) => {
    items.push({
      t: at(`${hm}:${String(r.int(60)).padStart(2, '0')}.${String(r.int(1e6)).padStart(6, '0')}`),
      kind: 'ci-deploy',
      index,
      app: APPS[index % 3 === 2 ? 1 : 0] as App,
      runnerIp: r.pick(IPS.ciRunners),
    });
  });
  ADMIN_TIMES.forEach((hm, index) => {
    items.push({
      t: at(`${hm}:${String(r.int(60)).padStart(2, '0')}.${String(r.int(1e6)).padStart(6, '0')}`),
      kind: 'admin-session',
      index,
    });
  });
  return items.sort((a, b) => a.t - b.t);
}

function kcmSa(world: AuditWorld, sa: string, t: Micros): UserInfo {
  return world.cast.saUser('kube-system', sa, t);
}

const CP_B = CONTROL_PLANE[1] as (typeof CONTROL_PLANE)[number];
const kcmUa = (sa: string): string => `${UA.kcm}/system:serviceaccount:kube-system:${sa}`;
const kcmReason = (sa: string): string =>
  rbacReason(
    { kind: 'ClusterRoleBinding', name: `system:controller:${sa}` },
    { kind: 'ClusterRole', name: `system:controller:${sa}` },
    { kind: 'ServiceAccount', name: `${sa}/kube-system` },
  );

const DISCOVERY_REASON = rbacReason(
  { kind: 'ClusterRoleBinding', name: 'system:discovery' },
  { kind: 'ClusterRole', name: 'system:discovery' },
  { kind: 'Group', name: 'system:authenticated' },
);

/** kubectl's discovery requests (`/api`, `/apis`) for a fresh client. */
export function discovery(rng: Rng, t: Micros, user: UserInfo, ip: string, userAgent: string): TimedAudit[] {
  return ['/api', '/apis'].map((path, k) =>
    auditEvent({
      auditID: rng.uuid(),
      received: t + k * 40_000,
      staged: t + k * 40_000 + latency(rng, 1),
      level: 'Metadata',
      verb: 'get',
      uri: `${path}?timeout=32s`,
      user,
      ip,
      userAgent,
      code: 200,
      decision: 'allow',
      reason: DISCOVERY_REASON,
    }),
  );
}

/** Expands a CI deploy into audit events and controller/scheduler lines. */
export function ciDeployAudit(world: AuditWorld, item: AgendaItem): Emission {
  const rng = world.rng.fork(`ci-deploy-${item.index}`);
  const app = item.app as App;
  const ip = item.runnerIp as string;
  const p: IamPrincipal = world.cast.ci(item.t);
  const user = ciUser(p);
  const audit: TimedAudit[] = [];
  const lines: TextLine[] = [];
  const ciReason = rbacReason(
    { kind: 'RoleBinding', name: 'ci-deployers', namespace: app.namespace },
    { kind: 'ClusterRole', name: 'edit' },
    { kind: 'Group', name: 'ci-deployers' },
  );
  let t = item.t;
  const deployRef = ref('deployments', { namespace: app.namespace, name: app.name, group: 'apps' });
  const tag = `2.14.${item.index + 3}`;
  const rsHash = rng.chars(10, 'bcdfghjklmnpqrstvwxz2456789');
  const rsName = `${app.name}-${rsHash}`;
  const oldPod = `${app.name}-${rng.fork('old').chars(10, 'bcdfghjklmnpqrstvwxz2456789')}-${rng.chars(5, 'bcdfghjklmnpqrstvwxz2456789')}`;
  const podName = `${rsName}-${rng.chars(5, 'bcdfghjklmnpqrstvwxz2456789')}`;
  const podUid = rng.uuid();
  const nodeIndex = rng.int(NODES.length);
  const node = NODES[nodeIndex] as Node;

  const first = rng.uuid();
  lines.push(...authenticatorGranted(t - 2_500, p, rng.between(32768, 60999), undefined, first));
  const ev = (o: {
    dt: Micros;
    level: 'Metadata' | 'Request' | 'RequestResponse';
    verb: string;
    r: ObjectRef;
    query?: string;
    user: UserInfo;
    ip: string;
    ua: string;
    code: number;
    reason: string;
    req?: unknown;
    resp?: unknown;
    annotations?: Record<string, string>;
    auditID?: string;
    duration?: Micros;
  }): void => {
    t += o.dt;
    audit.push(
      auditEvent({
        auditID: o.auditID ?? rng.uuid(),
        received: t,
        staged: t + (o.duration ?? latency(rng, 6)),
        level: o.level,
        verb: o.verb,
        uri: resourceUri(o.r, o.query ?? ''),
        user: o.user,
        ip: o.ip,
        userAgent: o.ua,
        objectRef: o.r,
        code: o.code,
        ...(o.req !== undefined ? { requestObject: o.req } : {}),
        ...(o.resp !== undefined ? { responseObject: o.resp } : {}),
        decision: 'allow',
        reason: o.reason,
        ...(o.annotations ? { annotations: o.annotations } : {}),
      }),
    );
  };
  const deployment = (replicas: number) => ({
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: {
      name: app.name,
      namespace: app.namespace,
      uid: rng.fork(`deploy-uid:${app.name}`).uuid(),
      resourceVersion: resourceVersion(rng, t),
      generation: 40 + item.index,
      labels: { app: app.name },
      annotations: { 'deployment.kubernetes.io/revision': String(31 + item.index) },
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: app.name } },
      template: {
        metadata: { labels: { app: app.name } },
        spec: {
          serviceAccountName: app.serviceAccount,
          containers: [
            {
              name: app.name,
              image: `${app.image}:${tag}`,
              ports: [{ containerPort: 8080, protocol: 'TCP' }],
              resources: { requests: { cpu: '250m', memory: '256Mi' } },
            },
          ],
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    },
    status: {
      observedGeneration: 39 + item.index,
      replicas,
      updatedReplicas: 0,
      readyReplicas: replicas,
      availableReplicas: replicas,
    },
  });

  ev({
    dt: 0,
    auditID: first,
    level: 'Request',
    verb: 'get',
    r: deployRef,
    user,
    ip,
    ua: UA.kubectlCi,
    code: 200,
    reason: ciReason,
  });
  ev({
    dt: 310_000,
    level: 'RequestResponse',
    verb: 'patch',
    r: deployRef,
    query: 'fieldManager=kubectl-set',
    user,
    ip,
    ua: UA.kubectlCi,
    code: 200,
    reason: ciReason,
    req: {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: app.name }],
            containers: [{ image: `${app.image}:${tag}`, name: app.name }],
          },
        },
      },
    },
    resp: deployment(2),
  });
  const rsRef = ref('replicasets', { namespace: app.namespace, group: 'apps' });
  const rs = {
    kind: 'ReplicaSet',
    apiVersion: 'apps/v1',
    metadata: {
      name: rsName,
      namespace: app.namespace,
      labels: { app: app.name, 'pod-template-hash': rsHash },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: app.name, controller: true }],
    },
    spec: { replicas: 1, selector: { matchLabels: { app: app.name, 'pod-template-hash': rsHash } } },
  };
  ev({
    dt: 45_000,
    level: 'RequestResponse',
    verb: 'create',
    r: rsRef,
    user: kcmSa(world, 'deployment-controller', t),
    ip: CP_B.ip,
    ua: kcmUa('deployment-controller'),
    code: 201,
    reason: kcmReason('deployment-controller'),
    req: rs,
    resp: { ...rs, metadata: { ...rs.metadata, uid: rng.uuid(), resourceVersion: resourceVersion(rng, t) } },
  });
  lines.push(
    klog(
      t + 2_000,
      'controllerManager',
      'I',
      11,
      'event.go:376',
      structured('Event occurred', [
        ['object', `${app.namespace}/${app.name}`],
        ['fieldPath', ''],
        ['kind', 'Deployment'],
        ['apiVersion', 'apps/v1'],
        ['type', 'Normal'],
        ['reason', 'ScalingReplicaSet'],
        ['message', `Scaled up replica set ${rsName} to 1`],
      ]),
    ),
  );
  const pod = {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      generateName: `${rsName}-`,
      namespace: app.namespace,
      labels: { app: app.name, 'pod-template-hash': rsHash },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rsName,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      serviceAccountName: app.serviceAccount,
      containers: [
        {
          name: app.name,
          image: `${app.image}:${tag}`,
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          resources: { requests: { cpu: '250m', memory: '256Mi' } },
          imagePullPolicy: 'IfNotPresent',
        },
      ],
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
    },
  };
  const psa: Record<string, string> = { 'pod-security.kubernetes.io/enforce-policy': 'baseline:latest' };
  if (app.namespace === 'storefront') {
    psa['pod-security.kubernetes.io/audit-violations'] =
      `would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "${app.name}" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "${app.name}" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "${app.name}" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "${app.name}" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`;
  }
  ev({
    dt: 38_000,
    level: 'RequestResponse',
    verb: 'create',
    r: ref('pods', { namespace: app.namespace }),
    user: kcmSa(world, 'replicaset-controller', t),
    ip: CP_B.ip,
    ua: kcmUa('replicaset-controller'),
    code: 201,
    reason: kcmReason('replicaset-controller'),
    req: pod,
    resp: {
      ...pod,
      metadata: { ...pod.metadata, name: podName, uid: podUid, resourceVersion: resourceVersion(rng, t) },
      status: { phase: 'Pending', qosClass: 'Burstable' },
    },
    annotations: psa,
  });
  lines.push(
    klog(
      t + 3_000,
      'controllerManager',
      'I',
      11,
      'event.go:376',
      structured('Event occurred', [
        ['object', `${app.namespace}/${rsName}`],
        ['fieldPath', ''],
        ['kind', 'ReplicaSet'],
        ['apiVersion', 'apps/v1'],
        ['type', 'Normal'],
        ['reason', 'SuccessfulCreate'],
        ['message', `Created pod: ${podName}`],
      ]),
    ),
  );
  ev({
    dt: 27_000,
    level: 'Request',
    verb: 'create',
    r: ref('pods', { namespace: app.namespace, name: podName, subresource: 'binding' }),
    user: plainUser('system:kube-scheduler'),
    ip: CP_B.ip,
    ua: UA.scheduler,
    code: 201,
    reason: rbacReason(
      { kind: 'ClusterRoleBinding', name: 'system:kube-scheduler' },
      { kind: 'ClusterRole', name: 'system:kube-scheduler' },
      { kind: 'User', name: 'system:kube-scheduler' },
    ),
    req: {
      kind: 'Binding',
      apiVersion: 'v1',
      metadata: { name: podName, namespace: app.namespace, uid: podUid, creationTimestamp: null },
      target: { kind: 'Node', name: node.name },
    },
  });
  lines.push(
    klog(
      t + 1_500,
      'scheduler',
      'I',
      1,
      'schedule_one.go:302',
      structured('Successfully bound pod to node', [
        ['pod', `${app.namespace}/${podName}`],
        ['node', node.name],
        ['evaluatedNodes', 4],
        ['feasibleNodes', 4],
      ]),
    ),
  );
  const nodeUser = world.cast.nodeUser(nodeIndex, t);
  ev({
    dt: 240_000,
    level: 'Request',
    verb: 'create',
    r: ref('serviceaccounts', { namespace: app.namespace, name: app.serviceAccount, subresource: 'token' }),
    user: nodeUser,
    ip: node.ip,
    ua: UA.kubelet,
    code: 201,
    reason: '',
    req: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: {
        audiences: app.name === 'payments-api' ? ['sts.amazonaws.com'] : ['https://kubernetes.default.svc'],
        expirationSeconds: app.name === 'payments-api' ? 86400 : 3607,
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: podName, uid: podUid },
      },
      status: { token: '', expirationTimestamp: null },
    },
    annotations: { 'authentication.kubernetes.io/issued-credential-id': `JTI=${rng.uuid()}` },
  });
  const podStatus = {
    status: {
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          lastProbeTime: null,
          lastTransitionTime: isoSeconds(t + 6 * SECOND),
        },
      ],
      containerStatuses: [
        {
          name: app.name,
          image: `${app.image}:${tag}`,
          ready: true,
          restartCount: 0,
          started: true,
          state: { running: { startedAt: isoSeconds(t + 4 * SECOND) } },
        },
      ],
      phase: 'Running',
      podIP: `10.0.${rng.between(10, 110)}.${rng.between(2, 250)}`,
    },
  };
  ev({
    dt: 6 * SECOND,
    level: 'RequestResponse',
    verb: 'patch',
    r: ref('pods', { namespace: app.namespace, name: podName, subresource: 'status' }),
    user: nodeUser,
    ip: node.ip,
    ua: UA.kubelet,
    code: 200,
    reason: '',
    req: podStatus,
    resp: {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        name: podName,
        namespace: app.namespace,
        uid: podUid,
        resourceVersion: resourceVersion(rng, t),
      },
      ...podStatus,
    },
  });
  ev({
    dt: 9 * SECOND,
    level: 'RequestResponse',
    verb: 'delete',
    r: ref('pods', { namespace: app.namespace, name: oldPod }),
    user: kcmSa(world, 'replicaset-controller', t),
    ip: CP_B.ip,
    ua: kcmUa('replicaset-controller'),
    code: 200,
    reason: kcmReason('replicaset-controller'),
    req: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: rng.uuid() } },
    resp: {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        name: oldPod,
        namespace: app.namespace,
        deletionTimestamp: isoSeconds(t + 30 * SECOND),
        deletionGracePeriodSeconds: 30,
      },
    },
  });
  lines.push(
    klog(
      t + 2_000,
      'controllerManager',
      'I',
      11,
      'event.go:376',
      structured('Event occurred', [
        ['object', `${app.namespace}/${app.name}`],
        ['fieldPath', ''],
        ['kind', 'Deployment'],
        ['apiVersion', 'apps/v1'],
        ['type', 'Normal'],
        ['reason', 'ScalingReplicaSet'],
        ['message', `Scaled down replica set ${oldPod.slice(0, oldPod.lastIndexOf('-'))} to 0 from 1`],
      ]),
    ),
  );
  const watchStart = item.t + 700_000;
  audit.push(
    auditEvent({
      auditID: rng.uuid(),
      received: watchStart,
      staged: t + 2 * SECOND,
      level: 'Request',
      verb: 'watch',
      uri: `/apis/apps/v1/namespaces/${app.namespace}/deployments?fieldSelector=metadata.name%3D${app.name}&resourceVersion=${resourceVersion(rng, watchStart)}&watch=true`,
      user,
      ip,
      userAgent: UA.kubectlCi,
      objectRef: ref('deployments', { namespace: app.namespace, name: app.name, group: 'apps' }),
      code: 200,
      decision: 'allow',
      reason: ciReason,
    }),
  );
  return { audit, lines };
}

function ciUser(p: IamPrincipal): UserInfo {
  return {
    username: p.username,
    uid: `aws-iam-authenticator:${p.accountId}:${p.principalId}`,
    groups: [...p.groups, 'system:authenticated'],
    extra: {
      accessKeyId: [p.accessKeyId],
      arn: [p.arn],
      canonicalArn: [p.canonicalArn],
      principalId: [p.principalId],
      sessionName: [p.sessionName],
      'sigs.k8s.io/aws-iam-authenticator/principalId': [p.principalId],
    },
  };
}

/** The UserInfo of an IAM principal (same shape as {@link ciUser}). */
export const userOf = ciUser;

/** Expands an admin kubectl session into audit events. */
export function adminSessionAudit(world: AuditWorld, item: AgendaItem): Emission {
  const rng = world.rng.fork(`admin-session-${item.index}`);
  const p = world.cast.admin(item.t);
  const user = ciUser(p);
  const ip = IPS.corporateVpn;
  const audit: TimedAudit[] = [];
  const lines: TextLine[] = [];
  let t = item.t;
  const first = rng.uuid();
  lines.push(...authenticatorGranted(t - 3_000, p, rng.between(32768, 60999), undefined, first));
  if (item.index === 0) audit.push(...discovery(rng, t - 600_000, user, ip, UA.kubectlAdmin));
  const ns = rng.pick(['payments', 'storefront']);
  const app = ns === 'payments' ? 'payments-api' : 'checkout-web';
  const pod = `${app}-${rng.chars(10, 'bcdfghjklmnpqrstvwxz2456789')}-${rng.chars(5, 'bcdfghjklmnpqrstvwxz2456789')}`;
  const steps: {
    r: ObjectRef;
    verb: string;
    query?: string;
    level?: 'Request' | 'RequestResponse';
    req?: unknown;
    resp?: unknown;
  }[] = [
    { r: ref('pods', { namespace: ns }), verb: 'list', query: 'limit=500' },
    { r: ref('deployments', { namespace: ns, group: 'apps' }), verb: 'list', query: 'limit=500' },
    { r: ref('pods', { namespace: ns, name: pod }), verb: 'get' },
    {
      r: ref('events', { namespace: ns }),
      verb: 'list',
      query: `fieldSelector=involvedObject.name%3D${pod}%2CinvolvedObject.namespace%3D${ns}%2CinvolvedObject.uid%3D${rng.uuid()}&limit=500`,
    },
    {
      r: ref('pods', { namespace: ns, name: pod, subresource: 'log' }),
      verb: 'get',
      query: `container=${app}&tailLines=200`,
    },
    { r: ref('nodes'), verb: 'list', query: 'limit=500' },
    { r: ref('pods', { namespace: ns, group: 'metrics.k8s.io', version: 'v1beta1' }), verb: 'list' },
  ];
  if (item.index === 3) {
    steps.push({
      r: ref('deployments', { namespace: 'storefront', name: 'checkout-web', group: 'apps' }),
      verb: 'patch',
      query: 'fieldManager=kubectl-rollout',
      level: 'RequestResponse',
      req: {
        spec: {
          template: {
            metadata: {
              annotations: {
                'kubectl.kubernetes.io/restartedAt': isoSeconds(t + 200 * SECOND).replace('Z', '+00:00'),
              },
            },
          },
        },
      },
      resp: {
        kind: 'Deployment',
        apiVersion: 'apps/v1',
        metadata: { name: 'checkout-web', namespace: 'storefront', generation: 52 },
        spec: { replicas: 2 },
      },
    });
  }
  steps.forEach((s, k) => {
    t += k === 0 ? 0 : rng.between(4, 45) * SECOND + rng.int(1_000_000);
    audit.push(
      auditEvent({
        auditID: k === 0 ? first : rng.uuid(),
        received: t,
        staged: t + latency(rng, s.verb === 'list' ? 12 : 5),
        level: s.level ?? 'Request',
        verb: s.verb,
        uri: resourceUri(s.r, s.query ?? ''),
        user,
        ip,
        userAgent: UA.kubectlAdmin,
        objectRef: s.r,
        code: 200,
        ...(s.req !== undefined ? { requestObject: s.req } : {}),
        ...(s.resp !== undefined ? { responseObject: s.resp } : {}),
        decision: 'allow',
        reason: MASTERS_REASON,
      }),
    );
  });
  return { audit, lines };
}
