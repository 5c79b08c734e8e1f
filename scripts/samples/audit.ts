/**
 * Kubernetes audit events (`audit.k8s.io/v1`) as EKS writes them, and the
 * identities that appear in them.
 *
 * Key order follows the apiserver's Go structs; map-valued fields (`extra`,
 * `annotations`) are sorted, as Go's JSON encoder sorts map keys.
 *
 * @module
 */
import type { Rng } from './prng.js';
import { CLUSTER, type Micros, type Node } from './story.js';
import { isoMicros } from './time.js';

/** `authentication.k8s.io/v1` UserInfo. */
export interface UserInfo {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** The audit flavour of ObjectReference. */
export interface ObjectRef {
  readonly resource?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly uid?: string;
  readonly apiGroup?: string;
  readonly apiVersion?: string;
  readonly resourceVersion?: string;
  readonly subresource?: string;
}

/** `metav1.Status` as it appears in `responseStatus`. */
export interface ResponseStatus {
  readonly metadata: Record<string, never>;
  readonly status?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly code: number;
}

/** One audit event. */
export interface AuditEvent {
  readonly kind: 'Event';
  readonly apiVersion: 'audit.k8s.io/v1';
  readonly level: 'Metadata' | 'Request' | 'RequestResponse';
  readonly auditID: string;
  readonly stage: 'ResponseStarted' | 'ResponseComplete';
  readonly requestURI: string;
  readonly verb: string;
  readonly user: UserInfo;
  readonly sourceIPs: readonly string[];
  readonly userAgent: string;
  readonly objectRef?: ObjectRef;
  readonly responseStatus: ResponseStatus;
  readonly requestObject?: unknown;
  readonly responseObject?: unknown;
  readonly requestReceivedTimestamp: string;
  readonly stageTimestamp: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** An audit event with its stage time kept as a number for ordering. */
export interface TimedAudit {
  /** `stageTimestamp` in microseconds: when the event was written. */
  readonly t: Micros;
  readonly event: AuditEvent;
  /** Pins the event to one API server instance (`a`, `b` or `c`); otherwise chosen by auditID. */
  readonly instance?: 'a' | 'b' | 'c';
}

/** Everything needed to build one audit event. */
export interface AuditSpec {
  readonly auditID: string;
  /** Request received, µs. */
  readonly received: Micros;
  /** Stage written, µs. */
  readonly staged: Micros;
  readonly level: AuditEvent['level'];
  readonly stage?: AuditEvent['stage'];
  readonly verb: string;
  readonly uri: string;
  readonly user: UserInfo;
  readonly ip: string;
  readonly userAgent: string;
  readonly objectRef?: ObjectRef;
  readonly code: number;
  readonly failure?: { readonly reason: string; readonly message: string; readonly details?: object };
  readonly requestObject?: unknown;
  readonly responseObject?: unknown;
  /** `undefined` omits the authorization annotations (authentication failures). */
  readonly decision?: 'allow' | 'forbid';
  readonly reason?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

function sortedRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const list = [...entries].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: Record<string, T> = {};
  for (const [k, v] of list) out[k] = v;
  return out;
}

/**
 * Builds an audit event in the apiserver's field order.
 *
 * @example
 * ```ts
 * const { event } = auditEvent({ auditID: 'x', received: 0, staged: 1000, level: 'Metadata',
 *   verb: 'get', uri: '/api/v1/namespaces', user: { username: 'alice' }, ip: '192.0.2.200',
 *   userAgent: 'kubectl', code: 200, decision: 'allow', reason: '' });
 * ```
 */
export function auditEvent(spec: AuditSpec): TimedAudit {
  const responseStatus: ResponseStatus = spec.failure
    ? {
        metadata: {},
        status: 'Failure',
        message: spec.failure.message,
        reason: spec.failure.reason,
        ...(spec.failure.details ? { details: spec.failure.details as Record<string, unknown> } : {}),
        code: spec.code,
      }
    : { metadata: {}, code: spec.code };
  const annotationEntries: [string, string][] = [];
  if (spec.decision !== undefined) {
    annotationEntries.push(['authorization.k8s.io/decision', spec.decision]);
    annotationEntries.push(['authorization.k8s.io/reason', spec.reason ?? '']);
  }
  if (spec.annotations) annotationEntries.push(...Object.entries(spec.annotations));
  const event: AuditEvent = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: spec.level,
    auditID: spec.auditID,
    stage: spec.stage ?? 'ResponseComplete',
    requestURI: spec.uri,
    verb: spec.verb,
    user: spec.user,
    sourceIPs: [spec.ip],
    userAgent: spec.userAgent,
    ...(spec.objectRef ? { objectRef: spec.objectRef } : {}),
    responseStatus,
    ...(spec.requestObject !== undefined && spec.level !== 'Metadata'
      ? { requestObject: spec.requestObject }
      : {}),
    ...(spec.responseObject !== undefined && spec.level === 'RequestResponse'
      ? { responseObject: spec.responseObject }
      : {}),
    requestReceivedTimestamp: isoMicros(spec.received),
    stageTimestamp: isoMicros(spec.staged),
    ...(annotationEntries.length > 0 ? { annotations: sortedRecord(annotationEntries) } : {}),
  };
  return { t: spec.staged, event };
}

/** Builds an objectRef in the apiserver's field order, leaving out empty parts. */
export function ref(
  resource: string,
  opts: {
    namespace?: string;
    name?: string;
    group?: string;
    version?: string;
    subresource?: string;
    uid?: string;
  } = {},
): ObjectRef {
  return {
    resource,
    ...(opts.namespace ? { namespace: opts.namespace } : {}),
    ...(opts.name ? { name: opts.name } : {}),
    ...(opts.uid ? { uid: opts.uid } : {}),
    ...(opts.group ? { apiGroup: opts.group } : {}),
    apiVersion: opts.version ?? 'v1',
    ...(opts.subresource ? { subresource: opts.subresource } : {}),
  };
}

/** The request URI for a resource path, e.g. `/apis/apps/v1/namespaces/x/deployments/y`. */
export function resourceUri(r: ObjectRef, query = ''): string {
  const base = r.apiGroup ? `/apis/${r.apiGroup}/${r.apiVersion}` : `/api/${r.apiVersion}`;
  const ns = r.namespace ? `/namespaces/${r.namespace}` : '';
  const name = r.name ? `/${r.name}` : '';
  const sub = r.subresource ? `/${r.subresource}` : '';
  return `${base}${ns}/${r.resource}${name}${sub}${query ? `?${query}` : ''}`;
}

/** An IAM principal authenticated by aws-iam-authenticator. */
export interface IamPrincipal {
  readonly username: string;
  readonly groups: readonly string[];
  readonly accountId: string;
  /** `AROA…`/`AIDA…`. */
  readonly principalId: string;
  /** The STS ARN (assumed-role session) or the IAM user ARN. */
  readonly arn: string;
  /** The IAM role or user ARN. */
  readonly canonicalArn: string;
  /** Empty for IAM users. */
  readonly sessionName: string;
  readonly accessKeyId: string;
}

/**
 * The UserInfo aws-iam-authenticator produces for an IAM principal, with the
 * EKS `extra` keys (sorted as Go writes them).
 *
 * @example
 * ```ts
 * iamUser({ username: 'alice', groups: ['system:masters'], accountId: '111122223333',
 *   principalId: 'AROAEXAMPLE', arn: 'arn:aws:sts::111122223333:assumed-role/r/alice',
 *   canonicalArn: 'arn:aws:iam::111122223333:role/r', sessionName: 'alice', accessKeyId: 'ASIAEXAMPLE' });
 * ```
 */
export function iamUser(p: IamPrincipal): UserInfo {
  return {
    username: p.username,
    uid: `aws-iam-authenticator:${p.accountId}:${p.principalId}`,
    groups: [...p.groups, 'system:authenticated'],
    extra: sortedRecord<readonly string[]>([
      ['accessKeyId', [p.accessKeyId]],
      ['arn', [p.arn]],
      ['canonicalArn', [p.canonicalArn]],
      ['principalId', [p.principalId]],
      ['sessionName', [p.sessionName]],
      ['sigs.k8s.io/aws-iam-authenticator/principalId', [p.principalId]],
    ]),
  };
}

/** A service account's UserInfo; `pod` adds the bound-token pod and node claims. */
export function serviceAccountUser(
  namespace: string,
  name: string,
  uid: string,
  credentialId: string,
  pod?: { readonly name: string; readonly uid: string; readonly node: Node },
): UserInfo {
  const extra: [string, readonly string[]][] = [
    ['authentication.kubernetes.io/credential-id', [`JTI=${credentialId}`]],
  ];
  if (pod) {
    extra.push(['authentication.kubernetes.io/node-name', [pod.node.name]]);
    extra.push(['authentication.kubernetes.io/node-uid', [pod.node.uid]]);
    extra.push(['authentication.kubernetes.io/pod-name', [pod.name]]);
    extra.push(['authentication.kubernetes.io/pod-uid', [pod.uid]]);
  }
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
    extra: sortedRecord(extra),
  };
}

/** A plain user with only a name and groups (control-plane components, `eks:*`). */
export function plainUser(username: string, groups: readonly string[] = ['system:authenticated']): UserInfo {
  return { username, groups };
}

/** `system:anonymous`, as the apiserver records unauthenticated requests. */
export const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

/** A node's UserInfo (mapped from the node role by aws-auth). */
export function nodeUser(
  node: Node,
  accessKeyId: string,
  rolePrincipalId: string,
  roleArn: string,
): UserInfo {
  const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  return iamUser({
    username: `system:node:${node.name}`,
    groups: ['system:bootstrappers', 'system:nodes'],
    accountId: CLUSTER.accountId,
    principalId: rolePrincipalId,
    arn: `arn:aws:sts::${CLUSTER.accountId}:assumed-role/${roleName}/${node.instanceId}`,
    canonicalArn: roleArn,
    sessionName: node.instanceId,
    accessKeyId,
  });
}

/** The RBAC allow reason the authorizer writes. */
export function rbacReason(
  binding: {
    readonly kind: 'ClusterRoleBinding' | 'RoleBinding';
    readonly name: string;
    readonly namespace?: string;
  },
  role: { readonly kind: 'ClusterRole' | 'Role'; readonly name: string },
  subject: { readonly kind: 'User' | 'Group' | 'ServiceAccount'; readonly name: string },
): string {
  const b = binding.namespace ? `${binding.name}/${binding.namespace}` : binding.name;
  return `RBAC: allowed by ${binding.kind} "${b}" of ${role.kind} "${role.name}" to ${subject.kind} "${subject.name}"`;
}

/** The reason for members of `system:masters`. */
export const MASTERS_REASON = rbacReason(
  { kind: 'ClusterRoleBinding', name: 'cluster-admin' },
  { kind: 'ClusterRole', name: 'cluster-admin' },
  { kind: 'Group', name: 'system:masters' },
);

/** The `Forbidden` status text for a denied request. */
export function forbidden(
  user: string,
  verb: string,
  r: ObjectRef,
): { reason: string; message: string; details: object } {
  const group = r.apiGroup ?? '';
  const scope = r.namespace ? ` in the namespace "${r.namespace}"` : ' at the cluster scope';
  const what = r.name ? `${r.resource} "${r.name}"` : (r.resource ?? '');
  const res = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
  return {
    reason: 'Forbidden',
    message: `${what} is forbidden: User "${user}" cannot ${verb} resource "${res}" in API group "${group}"${scope}`,
    details: {
      ...(r.name ? { name: r.name } : {}),
      ...(r.apiGroup ? { group: r.apiGroup } : {}),
      kind: r.resource,
    },
  };
}

/** A short random latency in µs (log-normal-ish around a few ms). */
export function latency(rng: Rng, medianMs = 4): Micros {
  const f = Math.exp((rng.next() - 0.5) * 2.2);
  return Math.max(300, Math.round(medianMs * 1000 * f));
}
