/**
 * Background audit traffic: nodes, control-plane components, controllers,
 * add-ons and EKS-internal identities, as independent weighted "kinds".
 * Each kind turns one draw at time `t` into audit events written at or after `t`.
 *
 * @module
 */
import {
  auditEvent,
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
import type { Cast, Pod } from './cast.js';
import type { Rng } from './prng.js';
import { aliveAt, CONTROL_PLANE, DAY_START, type Micros, NODES, type Node, SECOND, UA } from './story.js';
import { isoMicros } from './time.js';

/** What a kind needs to build events. */
export interface AuditWorld {
  readonly rng: Rng;
  readonly cast: Cast;
}

/** One kind of background request. */
export interface AuditKind {
  readonly name: string;
  readonly weight: number;
  emit(world: AuditWorld, t: Micros): TimedAudit[];
}

/** A resourceVersion that grows with time, as etcd revisions do. */
export function resourceVersion(rng: Rng, t: Micros): string {
  return String(48_213_000 + Math.floor((t - DAY_START) / 17_000) + rng.int(40));
}

const KCM_SA_UA = (sa: string): string => `${UA.kcm}/system:serviceaccount:kube-system:${sa}`;
const CP_B = CONTROL_PLANE[1] as (typeof CONTROL_PLANE)[number];

function kcmReason(sa: string): string {
  return rbacReason(
    { kind: 'ClusterRoleBinding', name: `system:controller:${sa}` },
    { kind: 'ClusterRole', name: `system:controller:${sa}` },
    { kind: 'ServiceAccount', name: `${sa}/kube-system` },
  );
}

function leaseObject(
  rng: Rng,
  t: Micros,
  namespace: string,
  name: string,
  holder: string,
  duration: number,
  owner?: Node,
): { req: object; resp: object } {
  const meta = {
    name,
    namespace,
    uid: rng.fork(`lease:${namespace}/${name}`).uuid(),
    resourceVersion: resourceVersion(rng, t - 10 * SECOND),
    creationTimestamp: '2024-04-02T08:15:31Z',
    ...(owner
      ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: owner.name, uid: owner.uid }] }
      : {}),
  };
  const spec = { holderIdentity: holder, leaseDurationSeconds: duration, renewTime: isoMicros(t) };
  return {
    req: { kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', metadata: meta, spec },
    resp: {
      kind: 'Lease',
      apiVersion: 'coordination.k8s.io/v1',
      metadata: { ...meta, resourceVersion: resourceVersion(rng, t) },
      spec,
    },
  };
}

function leaseUpdate(
  world: AuditWorld,
  t: Micros,
  o: {
    namespace: string;
    name: string;
    holder: string;
    duration: number;
    user: UserInfo;
    ip: string;
    userAgent: string;
    reason: string;
    owner?: Node;
  },
): TimedAudit {
  const { rng } = world;
  const r = ref('leases', { namespace: o.namespace, name: o.name, group: 'coordination.k8s.io' });
  const { req, resp } = leaseObject(rng, t, o.namespace, o.name, o.holder, o.duration, o.owner);
  return auditEvent({
    auditID: rng.uuid(),
    received: t,
    staged: t + latency(rng, 3),
    level: 'RequestResponse',
    verb: 'update',
    uri: resourceUri(r, 'timeout=10s'),
    user: o.user,
    ip: o.ip,
    userAgent: o.userAgent,
    objectRef: r,
    code: 200,
    requestObject: req,
    responseObject: resp,
    decision: 'allow',
    reason: o.reason,
  });
}

function simple(
  world: AuditWorld,
  t: Micros,
  o: {
    level: 'Metadata' | 'Request';
    verb: string;
    r: ObjectRef;
    query?: string;
    user: UserInfo;
    ip: string;
    userAgent: string;
    reason: string;
    code?: number;
    /** Long-running (watch) duration in µs: the event is written `duration` after it was received. */
    duration?: Micros;
  },
): TimedAudit {
  const { rng } = world;
  const received = o.duration ? t - o.duration : t;
  return auditEvent({
    auditID: rng.uuid(),
    received,
    staged: o.duration ? t : t + latency(rng, o.verb === 'list' ? 9 : 3),
    level: o.level,
    verb: o.verb,
    uri: resourceUri(o.r, o.query ?? ''),
    user: o.user,
    ip: o.ip,
    userAgent: o.userAgent,
    objectRef: o.r,
    code: o.code ?? 200,
    decision: 'allow',
    reason: o.reason,
  });
}

function watchQuery(rng: Rng, t: Micros, selector?: string): { query: string; duration: Micros } {
  const seconds = rng.between(300, 599);
  const sel = selector ? `&fieldSelector=${encodeURIComponent(selector)}` : '';
  return {
    query: `allowWatchBookmarks=true${sel}&resourceVersion=${resourceVersion(rng, t - seconds * SECOND)}&timeout=${Math.floor(seconds / 60)}m${seconds % 60}s&timeoutSeconds=${seconds}&watch=true`,
    duration: seconds * SECOND,
  };
}

function podsOf(world: AuditWorld, key: string): readonly Pod[] {
  return world.cast.pods.get(key) ?? [];
}

function saReason(role: string, sa: string, ns = 'kube-system'): string {
  return rbacReason(
    { kind: 'ClusterRoleBinding', name: role },
    { kind: 'ClusterRole', name: role },
    { kind: 'ServiceAccount', name: `${sa}/${ns}` },
  );
}

const NAMESPACES = ['default', 'kube-system', 'payments', 'storefront', 'monitoring'] as const;
const CONFIGMAP_NAMESPACES = ['kube-system', 'payments', 'storefront', 'monitoring'] as const;
const GC_RESOURCES: readonly ObjectRef[] = [
  ref('replicasets', { group: 'apps' }),
  ref('deployments', { group: 'apps' }),
  ref('controllerrevisions', { group: 'apps' }),
  ref('jobs', { group: 'batch' }),
  ref('poddisruptionbudgets', { group: 'policy' }),
  ref('endpointslices', { group: 'discovery.k8s.io' }),
  ref('serviceaccounts'),
  ref('podtemplates'),
  ref('limitranges'),
];
const SERVICES = [
  ['payments', 'payments-api'],
  ['storefront', 'checkout-web'],
  ['kube-system', 'kube-dns'],
  ['monitoring', 'prometheus'],
  ['default', 'kubernetes'],
] as const;

/** The background kinds and their relative weights. */
export const AUDIT_KINDS: readonly AuditKind[] = [
  {
    name: 'node-lease',
    weight: 30,
    emit: (w, t) => {
      const i = w.rng.int(NODES.length);
      const node = NODES[i] as Node;
      return [
        leaseUpdate(w, t, {
          namespace: 'kube-node-lease',
          name: node.name,
          holder: node.name,
          duration: 40,
          user: w.cast.nodeUser(i, t),
          ip: node.ip,
          userAgent: UA.kubelet,
          reason: '',
          owner: node,
        }),
      ];
    },
  },
  {
    name: 'node-status',
    weight: 5,
    emit: (w, t) => {
      const { rng } = w;
      const i = rng.int(NODES.length);
      const node = NODES[i] as Node;
      const r = ref('nodes', { name: node.name, subresource: 'status' });
      const hb = isoMicros(t).slice(0, 19) + 'Z';
      const types = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'];
      const conditions = types.map((type) => ({ lastHeartbeatTime: hb, type }));
      return [
        auditEvent({
          auditID: rng.uuid(),
          received: t,
          staged: t + latency(rng, 6),
          level: 'RequestResponse',
          verb: 'patch',
          uri: resourceUri(r, 'timeout=10s'),
          user: w.cast.nodeUser(i, t),
          ip: node.ip,
          userAgent: UA.kubelet,
          objectRef: r,
          code: 200,
          requestObject: {
            status: { '$setElementOrder/conditions': types.map((type) => ({ type })), conditions },
          },
          responseObject: {
            kind: 'Node',
            apiVersion: 'v1',
            metadata: {
              name: node.name,
              uid: node.uid,
              resourceVersion: resourceVersion(rng, t),
              labels: {
                'eks.amazonaws.com/nodegroup': 'general-2024041',
                'kubernetes.io/hostname': node.name,
                'node.kubernetes.io/instance-type': 'm6i.xlarge',
                'topology.kubernetes.io/zone': `us-west-2${'abcd'[i]}`,
              },
            },
            spec: { providerID: `aws:///us-west-2${'abcd'[i]}/${node.instanceId}` },
            status: {
              conditions: types.map((type) => ({
                type,
                status: type === 'Ready' ? 'True' : 'False',
                lastHeartbeatTime: hb,
                lastTransitionTime: '2024-04-02T08:16:02Z',
                reason:
                  type === 'Ready'
                    ? 'KubeletReady'
                    : `KubeletHas${type === 'PIDPressure' ? 'SufficientPID' : `No${type}`}`,
              })),
            },
          },
          decision: 'allow',
          reason: '',
        }),
      ];
    },
  },
  {
    name: 'kubelet-watch',
    weight: 6,
    emit: (w, t) => {
      const { rng } = w;
      const i = rng.int(NODES.length);
      const node = NODES[i] as Node;
      const user = w.cast.nodeUser(i, t);
      const choice = rng.int(4);
      if (choice === 0) {
        const { query, duration } = watchQuery(rng, t, `spec.nodeName=${node.name}`);
        return [
          simple(w, t, {
            level: 'Request',
            verb: 'watch',
            r: ref('pods'),
            query,
            user,
            ip: node.ip,
            userAgent: UA.kubelet,
            reason: '',
            duration,
          }),
        ];
      }
      if (choice === 1) {
        const ns = rng.pick(CONFIGMAP_NAMESPACES);
        const { query, duration } = watchQuery(rng, t, 'metadata.name=kube-root-ca.crt');
        return [
          simple(w, t, {
            level: 'Metadata',
            verb: 'watch',
            r: ref('configmaps', { namespace: ns }),
            query,
            user,
            ip: node.ip,
            userAgent: UA.kubelet,
            reason: '',
            duration,
          }),
        ];
      }
      if (choice === 2) {
        const { query, duration } = watchQuery(rng, t);
        return [
          simple(w, t, {
            level: 'Request',
            verb: 'watch',
            r: ref('services'),
            query,
            user,
            ip: node.ip,
            userAgent: UA.kubelet,
            reason: '',
            duration,
          }),
        ];
      }
      return [
        simple(w, t, {
          level: 'Request',
          verb: 'get',
          r: ref('csinodes', { name: node.name, group: 'storage.k8s.io' }),
          user,
          ip: node.ip,
          userAgent: UA.kubelet,
          reason: '',
        }),
      ];
    },
  },
  {
    name: 'kubelet-secret',
    weight: 1.2,
    emit: (w, t) => {
      const { rng } = w;
      const [ns, name, nodeIndex] = rng.pick([
        ['payments', 'payments-api-tls', 1],
        ['payments', 'payments-db-credentials', 1],
        ['storefront', 'checkout-web-tls', 2],
        ['monitoring', 'grafana-admin', 3],
      ] as const);
      const node = NODES[nodeIndex] as Node;
      const { query, duration } = watchQuery(rng, t, `metadata.name=${name}`);
      return [
        simple(w, t, {
          level: 'Metadata',
          verb: 'watch',
          r: ref('secrets', { namespace: ns }),
          query,
          user: w.cast.nodeUser(nodeIndex, t),
          ip: node.ip,
          userAgent: UA.kubelet,
          reason: '',
          duration,
        }),
      ];
    },
  },
  {
    name: 'kubelet-token',
    weight: 1,
    emit: (w, t) => {
      const { rng, cast } = w;
      const pod = rng.pick([
        ...podsOf(w, 'aws-node'),
        ...podsOf(w, 'kube-proxy'),
        ...podsOf(w, 'coredns'),
        ...podsOf(w, 'ebs-csi-controller'),
      ]);
      const nodeIndex = NODES.indexOf(pod.node);
      const irsa = pod.serviceAccount === 'aws-node' || pod.serviceAccount === 'ebs-csi-controller-sa';
      const r = ref('serviceaccounts', {
        namespace: pod.namespace,
        name: pod.serviceAccount,
        subresource: 'token',
      });
      return [
        auditEvent({
          auditID: rng.uuid(),
          received: t,
          staged: t + latency(rng, 4),
          level: 'Request',
          verb: 'create',
          uri: resourceUri(r),
          user: cast.nodeUser(nodeIndex, t),
          ip: pod.node.ip,
          userAgent: UA.kubelet,
          objectRef: r,
          code: 201,
          requestObject: {
            kind: 'TokenRequest',
            apiVersion: 'authentication.k8s.io/v1',
            metadata: { creationTimestamp: null },
            spec: {
              audiences: irsa ? ['sts.amazonaws.com'] : ['https://kubernetes.default.svc'],
              expirationSeconds: irsa ? 86400 : 3607,
              boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod.name, uid: pod.uid },
            },
            status: { token: '', expirationTimestamp: null },
          },
          decision: 'allow',
          reason: '',
          annotations: { 'authentication.kubernetes.io/issued-credential-id': `JTI=${rng.uuid()}` },
        }),
      ];
    },
  },
  {
    name: 'kcm-lease',
    weight: 7,
    emit: (w, t) => [
      leaseUpdate(w, t, {
        namespace: 'kube-system',
        name: 'kube-controller-manager',
        holder: `ip-172-16-87-205.us-west-2.compute.internal_${w.rng.fork('kcm-holder').uuid()}`,
        duration: 15,
        user: plainUser('system:kube-controller-manager'),
        ip: CP_B.ip,
        userAgent: `${UA.kcm}/leader-election`,
        reason: rbacReason(
          { kind: 'ClusterRoleBinding', name: 'system:kube-controller-manager' },
          { kind: 'ClusterRole', name: 'system:kube-controller-manager' },
          { kind: 'User', name: 'system:kube-controller-manager' },
        ),
      }),
    ],
  },
  {
    name: 'scheduler-lease',
    weight: 7,
    emit: (w, t) => [
      leaseUpdate(w, t, {
        namespace: 'kube-system',
        name: 'kube-scheduler',
        holder: `ip-172-16-87-205.us-west-2.compute.internal_${w.rng.fork('sched-holder').uuid()}`,
        duration: 15,
        user: plainUser('system:kube-scheduler'),
        ip: CP_B.ip,
        userAgent: `${UA.scheduler}/leader-election`,
        reason: rbacReason(
          { kind: 'ClusterRoleBinding', name: 'system:kube-scheduler' },
          { kind: 'ClusterRole', name: 'system:kube-scheduler' },
          { kind: 'User', name: 'system:kube-scheduler' },
        ),
      }),
    ],
  },
  {
    name: 'apiserver-identity-lease',
    weight: 4,
    emit: (w, t) => {
      const cp = w.rng.pick(aliveAt(t));
      const name = `apiserver-${w.rng.fork(`apiserver-lease:${cp.id}`).chars(26, 'abcdefghijklmnopqrstuvwxyz234567')}`;
      return [
        {
          ...leaseUpdate(w, t, {
            namespace: 'kube-system',
            name,
            holder: `${name}_${w.rng.fork(`apiserver-holder:${cp.id}`).uuid()}`,
            duration: 3600,
            user: plainUser('system:apiserver', ['system:masters']),
            ip: '::1',
            userAgent: 'kube-apiserver/v1.29.3 (linux/amd64) kubernetes/5f3c2d1',
            reason: MASTERS_REASON,
          }),
          instance: cp.id,
        },
      ];
    },
  },
  {
    name: 'endpointslice-controller',
    weight: 3,
    emit: (w, t) => {
      const { rng } = w;
      const [ns, svc] = rng.pick(SERVICES);
      const r = ref('endpointslices', {
        namespace: ns,
        name: `${svc}-${rng.fork(`eps:${svc}`).chars(5, 'bcdfghjklmnpqrstvwxz2456789')}`,
        group: 'discovery.k8s.io',
      });
      const slice = {
        kind: 'EndpointSlice',
        apiVersion: 'discovery.k8s.io/v1',
        metadata: {
          name: r.name,
          namespace: ns,
          resourceVersion: resourceVersion(rng, t),
          labels: {
            'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
            'kubernetes.io/service-name': svc,
          },
        },
        addressType: 'IPv4',
        endpoints: [0, 1].map((k) => ({
          addresses: [`10.0.${rng.between(10, 110)}.${rng.between(2, 250)}`],
          conditions: { ready: true, serving: true, terminating: false },
          nodeName: (NODES[(k + rng.int(3)) % NODES.length] as Node).name,
        })),
        ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
      };
      return [
        auditEvent({
          auditID: rng.uuid(),
          received: t,
          staged: t + latency(rng, 5),
          level: 'RequestResponse',
          verb: 'update',
          uri: resourceUri(r),
          user: w.cast.saUser('kube-system', 'endpointslice-controller', t),
          ip: CP_B.ip,
          userAgent: KCM_SA_UA('endpointslice-controller'),
          objectRef: r,
          code: 200,
          requestObject: slice,
          responseObject: slice,
          decision: 'allow',
          reason: kcmReason('endpointslice-controller'),
        }),
      ];
    },
  },
  {
    name: 'controller-lists',
    weight: 2.5,
    emit: (w, t) => {
      const { rng } = w;
      const sa = rng.pick([
        'generic-garbage-collector',
        'resourcequota-controller',
        'namespace-controller',
        'horizontal-pod-autoscaler',
        'cronjob-controller',
      ]);
      const r = sa === 'cronjob-controller' ? ref('cronjobs', { group: 'batch' }) : rng.pick(GC_RESOURCES);
      return [
        simple(w, t, {
          level: 'Request',
          verb: 'list',
          r,
          query: 'limit=500&resourceVersion=0',
          user: w.cast.saUser('kube-system', sa, t),
          ip: CP_B.ip,
          userAgent: KCM_SA_UA(sa),
          reason: kcmReason(sa),
        }),
      ];
    },
  },
  {
    name: 'coredns',
    weight: 2,
    emit: (w, t) => {
      const { rng } = w;
      const pod = rng.pick(podsOf(w, 'coredns'));
      const r = rng.pick([
        ref('endpointslices', { group: 'discovery.k8s.io' }),
        ref('services'),
        ref('namespaces'),
      ]);
      const { query, duration } = watchQuery(rng, t);
      return [
        simple(w, t, {
          level: 'Request',
          verb: 'watch',
          r,
          query,
          user: w.cast.saUser('kube-system', 'coredns', t, pod),
          ip: `10.0.${rng.between(10, 110)}.${rng.between(2, 250)}`,
          userAgent: UA.coredns,
          reason: saReason('system:coredns', 'coredns'),
          duration,
        }),
      ];
    },
  },
  {
    name: 'kube-proxy',
    weight: 2,
    emit: (w, t) => {
      const { rng } = w;
      const pod = rng.pick(podsOf(w, 'kube-proxy'));
      const r = rng.pick([ref('endpointslices', { group: 'discovery.k8s.io' }), ref('services')]);
      const { query, duration } = watchQuery(rng, t);
      return [
        simple(w, t, {
          level: 'Request',
          verb: 'watch',
          r,
          query: `labelSelector=%21service.kubernetes.io%2Fheadless%2C%21service.kubernetes.io%2Fservice-proxy-name&${query}`,
          user: w.cast.saUser('kube-system', 'kube-proxy', t, pod),
          ip: pod.node.ip,
          userAgent: UA.kubeProxy,
          reason: saReason('eks:kube-proxy', 'kube-proxy'),
          duration,
        }),
      ];
    },
  },
  {
    name: 'aws-node',
    weight: 3,
    emit: (w, t) => {
      const { rng } = w;
      const pod = rng.pick(podsOf(w, 'aws-node'));
      const user = w.cast.saUser('kube-system', 'aws-node', t, pod);
      const reason = saReason('aws-node', 'aws-node');
      const c = rng.int(3);
      if (c === 0)
        return [
          simple(w, t, {
            level: 'Request',
            verb: 'get',
            r: ref('nodes', { name: pod.node.name }),
            user,
            ip: pod.node.ip,
            userAgent: UA.awsNode,
            reason,
          }),
        ];
      if (c === 1)
        return [
          simple(w, t, {
            level: 'Request',
            verb: 'list',
            r: ref('eniconfigs', { group: 'crd.k8s.amazonaws.com', version: 'v1alpha1' }),
            query: 'limit=500',
            user,
            ip: pod.node.ip,
            userAgent: UA.awsNode,
            reason,
          }),
        ];
      const { query, duration } = watchQuery(rng, t, `spec.nodeName=${pod.node.name}`);
      return [
        simple(w, t, {
          level: 'Request',
          verb: 'watch',
          r: ref('pods'),
          query,
          user,
          ip: pod.node.ip,
          userAgent: UA.awsNode,
          reason,
          duration,
        }),
      ];
    },
  },
  {
    name: 'eks-internal',
    weight: 2,
    emit: (w, t) => {
      const { rng } = w;
      const c = rng.int(3);
      if (c === 0) {
        return [
          simple(w, t, {
            level: 'Request',
            verb: 'list',
            r: ref('deployments', {
              namespace: 'kube-system',
              name: 'vpc-resource-controller',
              group: 'apps',
            }),
            query: 'fieldSelector=metadata.name%3Dvpc-resource-controller',
            user: plainUser('eks:k8s-metrics'),
            ip: '172.16.33.233',
            userAgent: UA.metrics,
            reason: rbacReason(
              { kind: 'ClusterRoleBinding', name: 'eks:k8s-metrics' },
              { kind: 'ClusterRole', name: 'eks:k8s-metrics' },
              { kind: 'User', name: 'eks:k8s-metrics' },
            ),
          }),
        ];
      }
      if (c === 1) {
        return [
          simple(w, t, {
            level: 'Request',
            verb: 'list',
            r: ref('certificatesigningrequests', { group: 'certificates.k8s.io' }),
            query: 'limit=500&resourceVersion=0',
            user: plainUser('eks:certificate-controller'),
            ip: '172.16.33.233',
            userAgent: UA.certController,
            reason: rbacReason(
              { kind: 'ClusterRoleBinding', name: 'eks:certificate-controller' },
              { kind: 'ClusterRole', name: 'system:controller:certificate-controller' },
              { kind: 'User', name: 'eks:certificate-controller' },
            ),
          }),
        ];
      }
      return [
        simple(w, t, {
          level: 'Request',
          verb: 'get',
          r: ref('namespaces', { name: rng.pick(NAMESPACES) }),
          user: plainUser('eks:addon-manager'),
          ip: '172.16.33.233',
          userAgent: 'eks-addon-manager/v0.0.0 (linux/amd64) kubernetes/$Format',
          reason: rbacReason(
            { kind: 'ClusterRoleBinding', name: 'eks:addon-manager' },
            { kind: 'ClusterRole', name: 'eks:addon-manager' },
            { kind: 'User', name: 'eks:addon-manager' },
          ),
        }),
      ];
    },
  },
  {
    name: 'metrics-server-reviews',
    weight: 1.5,
    emit: (w, t) => {
      const { rng } = w;
      const pod = rng.pick(podsOf(w, 'metrics-server'));
      const resource = rng.chance(0.5) ? 'tokenreviews' : 'subjectaccessreviews';
      const group = resource === 'tokenreviews' ? 'authentication.k8s.io' : 'authorization.k8s.io';
      const r = ref(resource, { group });
      return [
        auditEvent({
          auditID: rng.uuid(),
          received: t,
          staged: t + latency(rng, 2),
          level: 'Metadata',
          verb: 'create',
          uri: resourceUri(r),
          user: w.cast.saUser('kube-system', 'metrics-server', t, pod),
          ip: pod.node.ip,
          userAgent: 'metrics-server/v0.7.1 (linux/amd64) kubernetes/$Format',
          objectRef: r,
          code: 201,
          decision: 'allow',
          reason: saReason('system:auth-delegator', 'metrics-server').replace(
            'ClusterRoleBinding "system:auth-delegator"',
            'ClusterRoleBinding "metrics-server:system:auth-delegator"',
          ),
        }),
      ];
    },
  },
  {
    name: 'workload-config',
    weight: 1,
    emit: (w, t) => {
      const { rng } = w;
      const node = NODES[1] as Node;
      const pod: Pod = {
        namespace: 'payments',
        name: 'payments-api-7c9d8f6b5-x2x9k',
        uid: 'e2a4c6e8-0b1d-4f3a-8c5e-7a9b1d3f5e70',
        node,
        serviceAccount: 'payments-api',
      };
      const { query, duration } = watchQuery(rng, t, 'metadata.name=payments-api-config');
      return [
        simple(w, t, {
          level: 'Metadata',
          verb: 'watch',
          r: ref('configmaps', { namespace: 'payments' }),
          query,
          user: w.cast.saUser('payments', 'payments-api', t, pod),
          ip: '10.0.47.18',
          userAgent: 'payments-api/2.14.0 (linux/amd64) kubernetes/$Format',
          reason: rbacReason(
            { kind: 'RoleBinding', name: 'payments-api-config-reader', namespace: 'payments' },
            { kind: 'Role', name: 'config-reader' },
            { kind: 'ServiceAccount', name: 'payments-api/payments' },
          ),
          duration,
        }),
      ];
    },
  },
];

/** Draws one background kind and emits its events. */
export function emitBackground(world: AuditWorld, t: Micros): TimedAudit[] {
  const kind = world.rng.weighted(AUDIT_KINDS.map((k) => [k, k.weight] as const));
  return kind.emit(world, t);
}
