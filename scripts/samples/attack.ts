/**
 * The embedded attack and the API-server 5xx incident, with their ground truth.
 *
 * @module
 */
import {
  ANONYMOUS,
  auditEvent,
  forbidden,
  type IamPrincipal,
  MASTERS_REASON,
  type ObjectRef,
  plainUser,
  rbacReason,
  ref,
  resourceUri,
  type TimedAudit,
  type UserInfo,
} from './audit.js';
import type { AuditWorld } from './background-audit.js';
import { resourceVersion } from './background-audit.js';
import { irsaAssume, legacyUserIdentity, record, type TimedRecord, type TrailWorld } from './cloudtrail.js';
import { authenticatorDenied, authenticatorGranted, klog, type TextLine } from './eks-lines.js';
import { discovery, type Emission, userOf } from './episodes.js';
import type { Rng } from './prng.js';
import {
  at,
  CLUSTER,
  CONTROL_PLANE,
  DATA,
  IAM,
  IPS,
  IRSA,
  type IrsaServiceAccount,
  type Micros,
  NODES,
  type Node,
  SECOND,
  TARGET_POD,
  UA,
} from './story.js';
import { isoMicros, isoSeconds } from './time.js';

/** Where a ground-truth step's evidence lives. */
export type EvidenceLog = 'audit' | 'authenticator' | 'cloudtrail' | 'api';

/** One documented step of the story. */
export interface GroundTruthStep {
  readonly step: string;
  readonly title: string;
  /** Attack step or the (benign) 5xx incident. */
  readonly attack: boolean;
  /** First event time (ISO). */
  readonly time: string;
  readonly principal: string;
  readonly sourceIp: string;
  readonly log: EvidenceLog;
  /** auditIDs (audit) or eventIDs (cloudtrail); empty for text lines. */
  readonly ids: readonly string[];
}

const ATTACKER_IP = IPS.attacker;
const SCANNER_IP = IPS.scanner;
const SCANNER_UA = 'Go-http-client/1.1';

/** The legacy IAM user as aws-iam-authenticator sees it. */
export function legacyPrincipal(): IamPrincipal {
  const u = IAM.legacyUser;
  return {
    username: u.username,
    groups: ['legacy-deployers'],
    accountId: CLUSTER.accountId,
    principalId: u.principalId,
    arn: u.arn,
    canonicalArn: u.arn,
    sessionName: '',
    accessKeyId: u.accessKeyId,
  };
}

function backdoorPrincipal(rng: Rng): IamPrincipal {
  const b = IAM.backdoorRole;
  return {
    username: b.username,
    groups: ['system:masters'],
    accountId: b.accountId,
    principalId: b.principalId,
    arn: `arn:aws:sts::${b.accountId}:assumed-role/support-automation/${b.session}`,
    canonicalArn: b.arn,
    sessionName: b.session,
    accessKeyId: `ASIA${rng.chars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
  };
}

/** The aws-auth ConfigMap before and after the attacker's edit. */
export function awsAuthData(withBackdoor: boolean): { mapRoles: string; mapUsers: string } {
  const roles = [
    `- groups:\n  - system:bootstrappers\n  - system:nodes\n  rolearn: ${IAM.nodeRole.arn}\n  username: system:node:{{EC2PrivateDNSName}}\n`,
    `- groups:\n  - system:masters\n  rolearn: ${IAM.admin.canonicalArn}\n  username: '{{SessionName}}'\n`,
    `- groups:\n  - ci-deployers\n  rolearn: ${IAM.ci.arn}\n  username: ci-deployer\n`,
  ];
  if (withBackdoor)
    roles.push(
      `- groups:\n  - system:masters\n  rolearn: ${IAM.backdoorRole.arn}\n  username: support-automation\n`,
    );
  return {
    mapRoles: roles.join(''),
    mapUsers: `- groups:\n  - legacy-deployers\n  userarn: ${IAM.legacyUser.arn}\n  username: ci-legacy\n`,
  };
}

/** The audit-side emission of the attack and the 5xx incident, with ground truth. */
export interface StoryAudit extends Emission {
  readonly truth: GroundTruthStep[];
}

/**
 * Builds the attack's audit events, authenticator lines and api-server lines.
 *
 * @example
 * ```ts
 * const story = storyAudit(world);
 * story.truth.map((s) => s.step);
 * ```
 */
export function storyAudit(world: AuditWorld): StoryAudit {
  const rng = world.rng.fork('attack-audit');
  const audit: TimedAudit[] = [];
  const lines: TextLine[] = [];
  const truth: GroundTruthStep[] = [];

  // Step 1: anonymous probing.
  {
    const ids403: string[] = [];
    const ids401: string[] = [];
    const probes: [ObjectRef | string, string][] = [
      ['/api', 'get'],
      ['/apis', 'get'],
      [ref('secrets', { namespace: 'kube-system' }), 'list'],
      [ref('secrets'), 'list'],
      [ref('pods'), 'list'],
      [ref('nodes'), 'list'],
      [ref('configmaps', { namespace: 'kube-system', name: 'aws-auth' }), 'get'],
      [ref('clusterrolebindings', { group: 'rbac.authorization.k8s.io' }), 'list'],
      [ref('deployments', { group: 'apps' }), 'list'],
      [ref('namespaces'), 'list'],
      [ref('serviceaccounts', { namespace: 'kube-system' }), 'list'],
      ['/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', 'create'],
    ];
    let t = at('02:14:05.218734');
    for (let round = 0; round < 2; round++) {
      for (const [target, verb] of probes) {
        const withToken = round === 1;
        t += rng.between(400, 9000) * 1000;
        const auditID = rng.uuid();
        const isPath = typeof target === 'string';
        const uri = isPath ? target : resourceUri(target);
        const common = {
          auditID,
          received: t,
          staged: t + rng.between(300, 2500),
          level: 'Metadata' as const,
          verb,
          uri,
          ip: SCANNER_IP,
          userAgent: SCANNER_UA,
          ...(isPath ? {} : { objectRef: target }),
        };
        if (withToken) {
          audit.push({
            ...auditEvent({
              ...common,
              user: {},
              code: 401,
              failure: { reason: 'Unauthorized', message: 'Unauthorized' },
            }),
            instance: 'a',
          });
          lines.push(
            authenticatorDenied(
              t + 200,
              rng.between(32768, 60999),
              'sts getCallerIdentity failed: error from AWS (expected 200, got 403)',
              'a',
            ),
          );
          ids401.push(auditID);
        } else {
          const failure = isPath
            ? {
                reason: 'Forbidden',
                message: `forbidden: User "system:anonymous" cannot ${verb} path "${target}"`,
                details: {},
              }
            : forbidden('system:anonymous', verb, target);
          audit.push({
            ...auditEvent({ ...common, user: ANONYMOUS, code: 403, failure, decision: 'forbid', reason: '' }),
            instance: 'a',
          });
          ids403.push(auditID);
        }
      }
    }
    truth.push({
      step: '1a',
      title: 'Anonymous probing, no credentials: 403 as system:anonymous',
      attack: true,
      time: (audit[0] as TimedAudit).event.requestReceivedTimestamp,
      principal: 'system:anonymous',
      sourceIp: SCANNER_IP,
      log: 'audit',
      ids: ids403,
    });
    truth.push({
      step: '1b',
      title:
        'Probing with forged bearer tokens: 401 Unauthorized (user is empty; authenticator logs "access denied")',
      attack: true,
      time: (audit[probes.length] as TimedAudit).event.requestReceivedTimestamp,
      principal: '(unauthenticated)',
      sourceIp: SCANNER_IP,
      log: 'audit',
      ids: ids401,
    });
  }

  const legacy = legacyPrincipal();
  const legacyUser: UserInfo = userOf(legacy);
  const legacyReason = (ns?: string): string =>
    ns
      ? rbacReason(
          { kind: 'RoleBinding', name: 'legacy-deployer', namespace: ns },
          { kind: 'ClusterRole', name: 'legacy-deployer' },
          { kind: 'User', name: 'ci-legacy' },
        )
      : rbacReason(
          { kind: 'ClusterRoleBinding', name: 'legacy-deployer' },
          { kind: 'ClusterRole', name: 'legacy-deployer' },
          { kind: 'User', name: 'ci-legacy' },
        );
  const adminReason = rbacReason(
    { kind: 'ClusterRoleBinding', name: 'eks-ops-maintenance' },
    { kind: 'ClusterRole', name: 'cluster-admin' },
    { kind: 'User', name: 'ci-legacy' },
  );
  const call = (
    t: Micros,
    o: {
      verb: string;
      r?: ObjectRef;
      uri?: string;
      query?: string;
      level?: 'Metadata' | 'Request' | 'RequestResponse';
      code?: number;
      reason?: string;
      forbid?: boolean;
      req?: unknown;
      resp?: unknown;
      user?: UserInfo;
      ua?: string;
      dur?: Micros;
      stage?: 'ResponseStarted' | 'ResponseComplete';
      auditID?: string;
      received?: Micros;
    },
  ): TimedAudit => {
    const user = o.user ?? legacyUser;
    const code = o.code ?? 200;
    const received = o.received ?? t;
    return auditEvent({
      auditID: o.auditID ?? rng.uuid(),
      received,
      staged: t + (o.dur ?? rng.between(2000, 14000)),
      level: o.level ?? 'Request',
      ...(o.stage ? { stage: o.stage } : {}),
      verb: o.verb,
      uri: o.uri ?? resourceUri(o.r as ObjectRef, o.query ?? ''),
      user,
      ip: ATTACKER_IP,
      userAgent: o.ua ?? UA.kubectlAttacker,
      ...(o.r ? { objectRef: o.r } : {}),
      code,
      ...(o.forbid && o.r ? { failure: forbidden(user.username ?? '', o.verb, o.r) } : {}),
      ...(o.req !== undefined ? { requestObject: o.req } : {}),
      ...(o.resp !== undefined ? { responseObject: o.resp } : {}),
      decision: o.forbid ? 'forbid' : 'allow',
      reason: o.reason ?? '',
    });
  };

  // Step 2: the stolen kubeconfig.
  {
    const t0 = at('13:41:02.530117');
    const first = discovery(rng, t0, legacyUser, ATTACKER_IP, UA.kubectlAttacker);
    lines.push(...authenticatorGranted(t0 - 2_000, legacy, 51234, undefined, first[0]?.event.auditID));
    audit.push(...first);
    const ids: string[] = first.map((e) => e.event.auditID);
    const push = (e: TimedAudit): void => {
      audit.push(e);
      ids.push(e.event.auditID);
    };
    push(
      call(at('13:41:09.104552'), {
        verb: 'create',
        r: ref('selfsubjectrulesreviews', { group: 'authorization.k8s.io' }),
        code: 201,
        reason: rbacReason(
          { kind: 'ClusterRoleBinding', name: 'system:basic-user' },
          { kind: 'ClusterRole', name: 'system:basic-user' },
          { kind: 'Group', name: 'system:authenticated' },
        ),
        req: {
          kind: 'SelfSubjectRulesReview',
          apiVersion: 'authorization.k8s.io/v1',
          metadata: { creationTimestamp: null },
          spec: { namespace: 'default' },
          status: { resourceRules: null, nonResourceRules: null, incomplete: false },
        },
      }),
    );
    push(
      call(at('13:41:40.662310'), {
        verb: 'list',
        r: ref('namespaces'),
        query: 'limit=500',
        reason: legacyReason(),
      }),
    );
    push(
      call(at('13:42:10.019283'), {
        verb: 'list',
        r: ref('secrets'),
        query: 'limit=500',
        level: 'Metadata',
        code: 403,
        forbid: true,
      }),
    );
    push(
      call(at('13:42:31.447006'), {
        verb: 'list',
        r: ref('secrets', { namespace: 'payments' }),
        query: 'limit=500',
        level: 'Metadata',
        reason: legacyReason('payments'),
      }),
    );
    push(
      call(at('13:42:55.870431'), {
        verb: 'get',
        r: ref('secrets', { namespace: 'payments', name: 'payments-db-credentials' }),
        level: 'Metadata',
        reason: legacyReason('payments'),
      }),
    );
    push(
      call(at('13:43:12.301977'), {
        verb: 'get',
        r: ref('secrets', { namespace: 'payments', name: 'stripe-webhook-secret' }),
        level: 'Metadata',
        reason: legacyReason('payments'),
      }),
    );
    push(
      call(at('13:43:40.955120'), {
        verb: 'list',
        r: ref('clusterrolebindings', { group: 'rbac.authorization.k8s.io' }),
        query: 'limit=500',
        reason: legacyReason(),
      }),
    );
    truth.push({
      step: '2',
      title:
        'Stolen kubeconfig (IAM user ci-legacy, access key AKIA3EXAMPLELEGACY77): discovery, can-i, secrets listed and read (cluster-wide list denied)',
      attack: true,
      time: isoMicros(t0),
      principal: `ci-legacy (${IAM.legacyUser.arn})`,
      sourceIp: ATTACKER_IP,
      log: 'audit',
      ids,
    });
    truth.push({
      step: '2-auth',
      title: 'aws-iam-authenticator maps the stolen key to ci-legacy',
      attack: true,
      time: isoSeconds(t0 - 2_000),
      principal: IAM.legacyUser.arn,
      sourceIp: '(127.0.0.1: the API server)',
      log: 'authenticator',
      ids: [],
    });
  }

  // Step 3: RBAC escalation.
  {
    const crb = {
      kind: 'ClusterRoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'eks-ops-maintenance', creationTimestamp: null },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'ci-legacy' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    };
    const t1 = at('13:47:18.220641');
    const e1 = call(t1, {
      verb: 'create',
      r: ref('clusterrolebindings', { group: 'rbac.authorization.k8s.io' }),
      query: 'fieldManager=kubectl-create&fieldValidation=Strict',
      level: 'RequestResponse',
      code: 201,
      reason: legacyReason(),
      req: crb,
      resp: {
        ...crb,
        metadata: {
          name: 'eks-ops-maintenance',
          uid: rng.uuid(),
          resourceVersion: resourceVersion(rng, t1),
          creationTimestamp: isoSeconds(t1),
        },
      },
    });
    audit.push(e1);
    truth.push({
      step: '3a',
      title: 'ClusterRoleBinding eks-ops-maintenance grants cluster-admin to User ci-legacy',
      attack: true,
      time: e1.event.requestReceivedTimestamp,
      principal: 'ci-legacy',
      sourceIp: ATTACKER_IP,
      log: 'audit',
      ids: [e1.event.auditID],
    });
    const rb = {
      kind: 'RoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'payments-debug', namespace: 'payments', creationTimestamp: null },
      subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'payments' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    };
    const t2 = at('13:48:02.775309');
    const e2 = call(t2, {
      verb: 'create',
      r: ref('rolebindings', { namespace: 'payments', group: 'rbac.authorization.k8s.io' }),
      query: 'fieldManager=kubectl-create&fieldValidation=Strict',
      level: 'RequestResponse',
      code: 201,
      reason: adminReason,
      req: rb,
      resp: {
        ...rb,
        metadata: {
          name: 'payments-debug',
          namespace: 'payments',
          uid: rng.uuid(),
          resourceVersion: resourceVersion(rng, t2),
          creationTimestamp: isoSeconds(t2),
        },
      },
    });
    audit.push(e2);
    truth.push({
      step: '3b',
      title:
        'RoleBinding payments/payments-debug grants ClusterRole cluster-admin to ServiceAccount payments:default',
      attack: true,
      time: e2.event.requestReceivedTimestamp,
      principal: 'ci-legacy',
      sourceIp: ATTACKER_IP,
      log: 'audit',
      ids: [e2.event.auditID],
    });
    const e3 = call(at('13:49:30.118002'), {
      verb: 'list',
      r: ref('secrets'),
      query: 'limit=500',
      level: 'Metadata',
      reason: adminReason,
    });
    const e4 = call(at('13:49:51.640388'), {
      verb: 'get',
      r: ref('secrets', { namespace: 'kube-system', name: 'aws-load-balancer-tls' }),
      level: 'Metadata',
      reason: adminReason,
    });
    audit.push(e3, e4);
    truth.push({
      step: '3c',
      title: 'With cluster-admin: every Secret in the cluster listed, one in kube-system read',
      attack: true,
      time: e3.event.requestReceivedTimestamp,
      principal: 'ci-legacy',
      sourceIp: ATTACKER_IP,
      log: 'audit',
      ids: [e3.event.auditID, e4.event.auditID],
    });
  }

  // Step 4: exec into the payments pod.
  {
    const podRef = ref('pods', { namespace: TARGET_POD.namespace, name: TARGET_POD.name });
    const execRef = ref('pods', {
      namespace: TARGET_POD.namespace,
      name: TARGET_POD.name,
      subresource: 'exec',
    });
    const ids: string[] = [];
    const g = call(at('13:53:10.402177'), { verb: 'get', r: podRef, reason: adminReason });
    audit.push(g);
    const execs: [Micros, string, Micros][] = [
      [
        at('13:53:12.918406'),
        'command=sh&container=payments-api&stdin=true&stdout=true&tty=true',
        95 * SECOND + 412_000,
      ],
      [
        at('13:55:40.307729'),
        'command=cat&command=%2Fvar%2Frun%2Fsecrets%2Feks.amazonaws.com%2Fserviceaccount%2Ftoken&container=payments-api&stderr=true&stdout=true',
        1_204_000,
      ],
    ];
    for (const [t, query, duration] of execs) {
      const auditID = rng.uuid();
      const uri = resourceUri(execRef, query);
      audit.push(
        call(t, {
          verb: 'get',
          r: execRef,
          uri,
          code: 101,
          reason: adminReason,
          stage: 'ResponseStarted',
          dur: 38_000,
          auditID,
        }),
      );
      audit.push(
        call(t + duration, {
          verb: 'get',
          r: execRef,
          uri,
          code: 101,
          reason: adminReason,
          stage: 'ResponseComplete',
          dur: 0,
          auditID,
          received: t,
        }),
      );
      ids.push(auditID);
    }
    truth.push({
      step: '4',
      title: `kubectl exec into ${TARGET_POD.namespace}/${TARGET_POD.name} (verb get on pods/exec, code 101, ResponseStarted + ResponseComplete): a shell, then cat of the IRSA token`,
      attack: true,
      time: isoMicros(execs[0]?.[0] ?? 0),
      principal: 'ci-legacy',
      sourceIp: ATTACKER_IP,
      log: 'audit',
      ids,
    });
  }

  // Step 5: aws-auth edit.
  {
    const cmRef = ref('configmaps', { namespace: 'kube-system', name: 'aws-auth' });
    const g = call(at('13:58:20.551093'), { verb: 'get', r: cmRef, level: 'Metadata', reason: adminReason });
    const t = at('13:59:05.093814');
    const before = awsAuthData(false);
    const after = awsAuthData(true);
    const cmUid = rng.fork('aws-auth-uid').uuid();
    const p = call(t, {
      verb: 'patch',
      r: cmRef,
      query: 'fieldManager=kubectl-edit&fieldValidation=Strict',
      level: 'RequestResponse',
      reason: adminReason,
      req: { data: { mapRoles: after.mapRoles } },
      resp: {
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: {
          name: 'aws-auth',
          namespace: 'kube-system',
          uid: cmUid,
          resourceVersion: resourceVersion(rng, t),
          creationTimestamp: '2024-04-02T08:09:44Z',
        },
        data: { mapRoles: after.mapRoles, mapUsers: before.mapUsers },
      },
    });
    audit.push(g, p);
    truth.push({
      step: '5',
      title: `aws-auth ConfigMap patched: foreign role ${IAM.backdoorRole.arn} mapped to system:masters`,
      attack: true,
      time: p.event.requestReceivedTimestamp,
      principal: 'ci-legacy',
      sourceIp: ATTACKER_IP,
      log: 'audit',
      ids: [p.event.auditID],
    });
  }

  // Step 7: the backdoor role used.
  {
    const b = backdoorPrincipal(rng.fork('backdoor-key'));
    const user = userOf(b);
    const t0 = at('14:21:44.310442');
    const e1 = call(t0, { verb: 'list', r: ref('nodes'), query: 'limit=500', user, reason: MASTERS_REASON });
    const e2 = call(t0 + 14 * SECOND, {
      verb: 'list',
      r: ref('pods'),
      query: 'limit=500',
      user,
      reason: MASTERS_REASON,
    });
    const e3 = call(t0 + 31 * SECOND, {
      verb: 'get',
      r: ref('configmaps', { namespace: 'kube-system', name: 'aws-auth' }),
      level: 'Metadata',
      user,
      reason: MASTERS_REASON,
    });
    lines.push(...authenticatorGranted(t0 - 2_500, b, 49876, undefined, e1.event.auditID));
    audit.push(e1, e2, e3);
    truth.push({
      step: '7',
      title: 'Backdoor used: support-automation (account 444455556666) acts as system:masters',
      attack: true,
      time: e1.event.requestReceivedTimestamp,
      principal: `support-automation (${IAM.backdoorRole.arn})`,
      sourceIp: ATTACKER_IP,
      log: 'audit',
      ids: [e1.event.auditID, e2.event.auditID, e3.event.auditID],
    });
  }

  // The 5xx incident on instance a.
  {
    const cpA = CONTROL_PLANE[0] as (typeof CONTROL_PLANE)[number];
    const ids: string[] = [];
    const n2 = NODES[2] as Node;
    const fail = (
      t: Micros,
      o: {
        verb: string;
        r: ObjectRef;
        query?: string;
        user: UserInfo;
        ip: string;
        ua: string;
        code: number;
        reason: string;
        message: string;
        level?: 'Metadata' | 'Request';
      },
    ) => {
      const auditID = rng.uuid();
      const e = auditEvent({
        auditID,
        received: t,
        staged: t + (o.code === 504 ? 60 * SECOND : rng.between(4000, 9000)),
        level: o.level ?? 'Request',
        verb: o.verb,
        uri: resourceUri(o.r, o.query ?? ''),
        user: o.user,
        ip: o.ip,
        userAgent: o.ua,
        objectRef: o.r,
        code: o.code,
        failure: {
          reason: o.reason,
          message: o.message,
          ...(o.code === 500
            ? { details: { causes: [{ message: o.message.replace('Internal error occurred: ', '') }] } }
            : {}),
        },
        decision: 'allow',
        reason: '',
      });
      audit.push({ ...e, instance: 'a' });
      ids.push(auditID);
      return e;
    };
    const leader = 'Internal error occurred: etcdserver: leader changed';
    const timeout = 'Timeout: request did not complete within the allotted timeout';
    const e1 = fail(at('06:31:07.412093'), {
      verb: 'update',
      r: ref('leases', { namespace: 'kube-node-lease', name: n2.name, group: 'coordination.k8s.io' }),
      query: 'timeout=10s',
      user: world.cast.nodeUser(2, at('06:31')),
      ip: n2.ip,
      ua: UA.kubelet,
      code: 500,
      reason: 'InternalError',
      message: leader,
    });
    fail(at('06:31:09.880145'), {
      verb: 'list',
      r: ref('pods'),
      query: 'limit=500&resourceVersion=0',
      user: world.cast.saUser('kube-system', 'generic-garbage-collector', at('06:31')),
      ip: cpA.ip,
      ua: `${UA.kcm}/system:serviceaccount:kube-system:generic-garbage-collector`,
      code: 504,
      reason: 'Timeout',
      message: timeout,
    });
    fail(at('06:31:12.301276'), {
      verb: 'list',
      r: ref('pods', { namespace: 'payments', group: 'metrics.k8s.io', version: 'v1beta1' }),
      query: 'labelSelector=app%3Dpayments-api',
      user: world.cast.saUser('kube-system', 'horizontal-pod-autoscaler', at('06:31')),
      ip: cpA.ip,
      ua: `${UA.kcm}/system:serviceaccount:kube-system:horizontal-pod-autoscaler`,
      code: 503,
      reason: 'ServiceUnavailable',
      message: 'the server is currently unable to handle the request (get pods.metrics.k8s.io)',
    });
    fail(at('06:31:15.077412'), {
      verb: 'patch',
      r: ref('nodes', { name: n2.name, subresource: 'status' }),
      query: 'timeout=10s',
      user: world.cast.nodeUser(2, at('06:31')),
      ip: n2.ip,
      ua: UA.kubelet,
      code: 500,
      reason: 'InternalError',
      message: leader,
    });
    fail(at('06:32:02.640981'), {
      verb: 'update',
      r: ref('leases', {
        namespace: 'kube-system',
        name: 'kube-controller-manager',
        group: 'coordination.k8s.io',
      }),
      query: 'timeout=5s',
      user: plainUser('system:kube-controller-manager'),
      ip: cpA.ip,
      ua: `${UA.kcm}/leader-election`,
      code: 504,
      reason: 'Timeout',
      message: timeout,
    });
    fail(at('06:32:40.118830'), {
      verb: 'list',
      r: ref('endpointslices', { group: 'discovery.k8s.io' }),
      query: 'limit=500&resourceVersion=0',
      user: world.cast.saUser('kube-system', 'endpointslice-controller', at('06:32')),
      ip: cpA.ip,
      ua: `${UA.kcm}/system:serviceaccount:kube-system:endpointslice-controller`,
      code: 500,
      reason: 'InternalError',
      message: 'Internal error occurred: etcdserver: request timed out',
    });
    fail(at('06:32:41.902277'), {
      verb: 'create',
      r: ref('serviceaccounts', { namespace: 'kube-system', name: 'aws-node', subresource: 'token' }),
      user: world.cast.nodeUser(0, at('06:32')),
      ip: (NODES[0] as Node).ip,
      ua: UA.kubelet,
      code: 500,
      reason: 'InternalError',
      message: 'Internal error occurred: etcdserver: request timed out',
    });
    truth.push({
      step: '5xx',
      title:
        'API server 5xx errors during an etcd leader change (instance a, replaced at 06:33): 500 ×4, 503 ×1, 504 ×2',
      attack: false,
      time: e1.event.requestReceivedTimestamp,
      principal: '(system components)',
      sourceIp: '(internal)',
      log: 'audit',
      ids,
    });
    const api = (t: Micros, level: 'I' | 'W' | 'E', src: string, msg: string): void => {
      lines.push(klog(t, 'api', level, 10, src, msg, 'a'));
    };
    api(
      at('06:31:06.980112'),
      'W',
      'logging.go:59',
      '[core] [Channel #311 SubChannel #312] grpc: addrConn.createTransport failed to connect to {Addr: "127.0.0.1:2379", ServerName: "127.0.0.1", }. Err: connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:2379: connect: connection refused"',
    );
    api(
      at('06:31:07.419003'),
      'E',
      'status.go:71',
      'apiserver received an error that is not an metav1.Status: &errors.errorString{s:"etcdserver: leader changed"}: etcdserver: leader changed',
    );
    api(
      at('06:31:15.083320'),
      'E',
      'status.go:71',
      'apiserver received an error that is not an metav1.Status: &errors.errorString{s:"etcdserver: leader changed"}: etcdserver: leader changed',
    );
    api(
      at('06:32:09.881020'),
      'E',
      'timeout.go:142',
      'post-timeout activity - time-elapsed: 3.102ms, GET "/api/v1/pods" result: <nil>',
    );
    api(
      at('06:32:40.127741'),
      'E',
      'status.go:71',
      'apiserver received an error that is not an metav1.Status: rpctypes.EtcdError{code:0xe, desc:"etcdserver: request timed out"}: etcdserver: request timed out',
    );
    api(
      at('06:32:58.000412'),
      'I',
      'genericapiserver.go:689',
      '[graceful-termination] shutdown event name="ShutdownInitiated"',
    );
    truth.push({
      step: '5xx-api',
      title: 'kube-apiserver log lines for the same errors (etcd leader change, post-timeout activity)',
      attack: false,
      time: isoMicros(at('06:31:06.980112')),
      principal: '-',
      sourceIp: '-',
      log: 'api',
      ids: [],
    });
  }
  return { audit, lines, truth };
}

/** The attack's CloudTrail records, with ground truth. */
export function storyTrail(world: TrailWorld): { records: TimedRecord[]; truth: GroundTruthStep[] } {
  const rng = world.rng.fork('attack-trail');
  const records: TimedRecord[] = [];
  const truth: GroundTruthStep[] = [];
  const cli = (cmd: string): string =>
    `aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-35-generic exe/x86_64.ubuntu.22 prompt/off command/${cmd}`;
  const idOf = (r: TimedRecord): string => r.record.eventID as string;
  {
    const a = record(rng, {
      t: at('13:40:12'),
      userIdentity: legacyUserIdentity(),
      source: 'sts.amazonaws.com',
      name: 'GetCallerIdentity',
      ip: ATTACKER_IP,
      userAgent: cli('sts.get-caller-identity'),
      requestParameters: null,
      responseElements: null,
      readOnly: true,
    });
    const b = record(rng, {
      t: at('13:40:31'),
      userIdentity: legacyUserIdentity(),
      source: 'eks.amazonaws.com',
      name: 'DescribeCluster',
      ip: ATTACKER_IP,
      userAgent: cli('eks.update-kubeconfig'),
      requestParameters: { name: CLUSTER.name },
      responseElements: null,
      readOnly: true,
    });
    const c = record(rng, {
      t: at('13:44:50'),
      region: 'us-east-1',
      userIdentity: legacyUserIdentity(),
      source: 'iam.amazonaws.com',
      name: 'ListAttachedUserPolicies',
      ip: ATTACKER_IP,
      userAgent: cli('iam.list-attached-user-policies'),
      errorCode: 'AccessDenied',
      errorMessage: `User: ${IAM.legacyUser.arn} is not authorized to perform: iam:ListAttachedUserPolicies on resource: user ci-legacy because no identity-based policy allows the iam:ListAttachedUserPolicies action`,
      requestParameters: null,
      responseElements: null,
      readOnly: true,
      host: 'iam.amazonaws.com',
    });
    records.push(a, b, c);
    truth.push({
      step: '2-aws',
      title:
        'The stolen access key used in AWS: GetCallerIdentity, eks:DescribeCluster (update-kubeconfig), a denied IAM call',
      attack: true,
      time: isoSeconds(a.t),
      principal: IAM.legacyUser.arn,
      sourceIp: ATTACKER_IP,
      log: 'cloudtrail',
      ids: [idOf(a), idOf(b), idOf(c)],
    });
  }
  {
    const sa = IRSA[0] as IrsaServiceAccount;
    const t0 = at('14:10:05');
    const session = 'botocore-session-1715695805';
    const key = `ASIA${rng.chars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
    const { rec, identity } = irsaAssume(rng, t0, sa, {
      ip: ATTACKER_IP,
      userAgent: cli('sts.assume-role-with-web-identity'),
      sessionName: session,
      accessKeyId: key,
    });
    records.push(rec);
    truth.push({
      step: '6a',
      title: `IRSA token replayed off-cluster: AssumeRoleWithWebIdentity as system:serviceaccount:payments:payments-api for ${sa.roleArn} (new session key ${key})`,
      attack: true,
      time: isoSeconds(t0),
      principal: 'system:serviceaccount:payments:payments-api',
      sourceIp: ATTACKER_IP,
      log: 'cloudtrail',
      ids: [idOf(rec)],
    });
    const ids: string[] = [];
    const add = (r: TimedRecord): void => {
      records.push(r);
      ids.push(idOf(r));
    };
    add(
      record(rng, {
        t: at('14:10:40'),
        userIdentity: identity,
        source: 'sts.amazonaws.com',
        name: 'GetCallerIdentity',
        ip: ATTACKER_IP,
        userAgent: cli('sts.get-caller-identity'),
        requestParameters: null,
        responseElements: null,
        readOnly: true,
      }),
    );
    add(
      record(rng, {
        t: at('14:11:02'),
        userIdentity: identity,
        source: 's3.amazonaws.com',
        name: 'ListBuckets',
        ip: ATTACKER_IP,
        userAgent: cli('s3.ls'),
        requestParameters: { Host: 's3.us-west-2.amazonaws.com' },
        responseElements: null,
        additionalEventData: {
          SignatureVersion: 'SigV4',
          CipherSuite: 'TLS_AES_128_GCM_SHA256',
          bytesTransferredIn: 0,
          AuthenticationMethod: 'AuthHeader',
          bytesTransferredOut: 612,
        },
        readOnly: true,
        host: 's3.us-west-2.amazonaws.com',
      }),
    );
    add(
      record(rng, {
        t: at('14:11:40'),
        userIdentity: identity,
        source: 's3.amazonaws.com',
        name: 'ListObjects',
        ip: ATTACKER_IP,
        userAgent: cli('s3.ls'),
        requestParameters: {
          bucketName: DATA.bucket,
          Host: `${DATA.bucket}.s3.us-west-2.amazonaws.com`,
          prefix: 'exports/',
          delimiter: '/',
        },
        responseElements: null,
        readOnly: true,
        management: false,
        resources: [
          { accountId: CLUSTER.accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${DATA.bucket}` },
        ],
        host: `${DATA.bucket}.s3.us-west-2.amazonaws.com`,
      }),
    );
    DATA.objects.forEach((key, k) => {
      add(
        record(rng, {
          t: at(k === 0 ? '14:12:10' : '14:12:52'),
          userIdentity: identity,
          source: 's3.amazonaws.com',
          name: 'GetObject',
          ip: ATTACKER_IP,
          userAgent: cli('s3.cp'),
          requestParameters: {
            bucketName: DATA.bucket,
            Host: `${DATA.bucket}.s3.us-west-2.amazonaws.com`,
            key,
          },
          responseElements: null,
          additionalEventData: {
            SignatureVersion: 'SigV4',
            CipherSuite: 'TLS_AES_128_GCM_SHA256',
            bytesTransferredIn: 0,
            AuthenticationMethod: 'AuthHeader',
            bytesTransferredOut: 4_812_331 + k * 1_002_817,
          },
          readOnly: true,
          management: false,
          resources: [
            { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${DATA.bucket}/${key}` },
            { accountId: CLUSTER.accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${DATA.bucket}` },
          ],
          host: `${DATA.bucket}.s3.us-west-2.amazonaws.com`,
        }),
      );
    });
    truth.push({
      step: '6b',
      title: 'S3 with the stolen IRSA session: ListBuckets, ListObjects, GetObject ×2 on the exports bucket',
      attack: true,
      time: isoSeconds(at('14:10:40')),
      principal: `${sa.roleName}/${session}`,
      sourceIp: ATTACKER_IP,
      log: 'cloudtrail',
      ids: ids.splice(0),
    });
    DATA.secrets.forEach((secret, k) => {
      add(
        record(rng, {
          t: at(k === 0 ? '14:13:30' : '14:13:48'),
          userIdentity: identity,
          source: 'secretsmanager.amazonaws.com',
          name: 'GetSecretValue',
          ip: ATTACKER_IP,
          userAgent: cli('secretsmanager.get-secret-value'),
          requestParameters: { secretId: secret },
          responseElements: null,
          readOnly: true,
        }),
      );
    });
    add(
      record(rng, {
        t: at('14:14:05'),
        userIdentity: identity,
        source: 'secretsmanager.amazonaws.com',
        name: 'GetSecretValue',
        ip: ATTACKER_IP,
        userAgent: cli('secretsmanager.get-secret-value'),
        errorCode: 'AccessDeniedException',
        errorMessage: `User: arn:aws:sts::111122223333:assumed-role/${sa.roleName}/${session} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${DATA.deniedSecret} because no identity-based policy allows the secretsmanager:GetSecretValue action`,
        requestParameters: { secretId: DATA.deniedSecret },
        responseElements: null,
        readOnly: true,
      }),
    );
    truth.push({
      step: '6c',
      title:
        'Secrets Manager with the stolen IRSA session: GetSecretValue ×2, then one AccessDeniedException',
      attack: true,
      time: isoSeconds(at('14:13:30')),
      principal: `${sa.roleName}/${session}`,
      sourceIp: ATTACKER_IP,
      log: 'cloudtrail',
      ids,
    });
  }
  return { records, truth };
}
