/**
 * Pivots between Kubernetes audit events and CloudTrail: the IAM identity
 * behind a kubectl user (EKS `user.extra`) joined to CloudTrail
 * `userIdentity`, in both directions.
 *
 * @module
 */
import type { LogEvent } from '../log-event.js';
import { DetectError } from './errors.js';
import { getString, getStrings, toAsync } from './record.js';

/**
 * The IAM keys that tie one principal's events together.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { type PivotIdentity, pivotFromKubernetesUser } from 'kubetrail/detect';
 * const { identity } = await pivotFromKubernetesUser(readLogs('samples/incident/'), { username: 'ci-legacy' });
 * const keys: PivotIdentity = identity;
 * keys.accessKeyIds; //=> ['AKIA3EXAMPLELEGACY77']
 * ```
 */
export interface PivotIdentity {
  readonly usernames: readonly string[];
  /** Temporary or long-term access key ids (`ASIA…`, `AKIA…`). */
  readonly accessKeyIds: readonly string[];
  /** Session ARNs (`arn:aws:sts::…:assumed-role/…/…`) or user ARNs. */
  readonly arns: readonly string[];
  /** Canonical role/user ARNs (`arn:aws:iam::…:role/…`). */
  readonly roleArns: readonly string[];
  readonly sessionNames: readonly string[];
  readonly principalIds: readonly string[];
}

/**
 * The joined activity of a principal.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { type PivotResult, pivotFromKubernetesUser } from 'kubetrail/detect';
 * const result: PivotResult = await pivotFromKubernetesUser(readLogs('samples/incident/'), { username: 'ci-legacy' });
 * console.log(result.kubernetes.length, 'kubectl requests,', result.aws.length, 'CloudTrail calls');
 * ```
 */
export interface PivotResult {
  readonly identity: PivotIdentity;
  /** The principal's Kubernetes audit events, oldest first. */
  readonly kubernetes: readonly LogEvent[];
  /** The principal's CloudTrail events (and the calls that issued its keys), oldest first. */
  readonly aws: readonly LogEvent[];
}

/**
 * Which Kubernetes user to pivot from: any one key is enough.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { type KubernetesUserSelector, pivotFromKubernetesUser } from 'kubetrail/detect';
 * const selector: KubernetesUserSelector = { accessKeyId: 'AKIA3EXAMPLELEGACY77' };
 * const { aws } = await pivotFromKubernetesUser(readLogs('samples/incident/'), selector);
 * ```
 */
export interface KubernetesUserSelector {
  /** `user.username` in the audit log (`kubernetes-admin`, an SSO role mapping, …). */
  readonly username?: string;
  readonly accessKeyId?: string;
  /** Session ARN (`user.extra.arn`) or canonical ARN (`user.extra.canonicalArn`). */
  readonly arn?: string;
  readonly sessionName?: string;
  readonly principalId?: string;
}

/**
 * Which AWS principal to pivot from: any one key is enough.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { type AwsPrincipalSelector, pivotFromAwsPrincipal } from 'kubetrail/detect';
 * const selector: AwsPrincipalSelector = { arn: 'arn:aws:iam::111122223333:user/ci-legacy' };
 * const { kubernetes } = await pivotFromAwsPrincipal(readLogs('samples/incident/'), selector);
 * kubernetes.length; // kubectl requests made as that IAM user
 * ```
 */
export interface AwsPrincipalSelector {
  readonly accessKeyId?: string;
  /** `userIdentity.arn` (session or user ARN). */
  readonly arn?: string;
  /** The role behind sessions (`sessionContext.sessionIssuer.arn`); matches every session of the role. */
  readonly roleArn?: string;
  readonly principalId?: string;
}

/**
 * Options of the pivots.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { type PivotOptions, pivotFromKubernetesUser } from 'kubetrail/detect';
 * const options: PivotOptions = { maxBufferedEvents: 500_000 };
 * const result = await pivotFromKubernetesUser(readLogs('samples/incident/'), { username: 'ci-legacy' }, options);
 * ```
 */
export interface PivotOptions {
  /** Cap on events buffered while the identity is being learnt. @defaultValue 2000000 */
  readonly maxBufferedEvents?: number;
}

interface MutableIdentity {
  usernames: Set<string>;
  accessKeyIds: Set<string>;
  arns: Set<string>;
  roleArns: Set<string>;
  sessionNames: Set<string>;
  principalIds: Set<string>;
}

const emptyIdentity = (): MutableIdentity => ({
  usernames: new Set(),
  accessKeyIds: new Set(),
  arns: new Set(),
  roleArns: new Set(),
  sessionNames: new Set(),
  principalIds: new Set(),
});

/** The EKS authenticator identity of an audit event (`user.extra`, `user.uid`). @internal */
export function auditIdentity(record: unknown): {
  username?: string;
  accessKeyIds: string[];
  arns: string[];
  roleArns: string[];
  sessionNames: string[];
  principalIds: string[];
} {
  const uid = getString(record, 'user', 'uid');
  const fromUid =
    uid !== undefined && /^(aws-iam|heptio)-authenticator(-aws)?:\d+:/.test(uid)
      ? uid.slice(uid.lastIndexOf(':') + 1)
      : undefined;
  const username = getString(record, 'user', 'username');
  return {
    ...(username === undefined ? {} : { username }),
    accessKeyIds: getStrings(record, 'user', 'extra', 'accessKeyId'),
    arns: getStrings(record, 'user', 'extra', 'arn'),
    roleArns: getStrings(record, 'user', 'extra', 'canonicalArn'),
    sessionNames: getStrings(record, 'user', 'extra', 'sessionName'),
    principalIds: [
      ...getStrings(record, 'user', 'extra', 'principalId'),
      ...getStrings(record, 'user', 'extra', 'sigs.k8s.io/aws-iam-authenticator/principalId'),
      ...(fromUid === undefined ? [] : [fromUid]),
    ],
  };
}

/** The CloudTrail identity of a record (`userIdentity`). @internal */
export function cloudTrailIdentity(record: unknown): {
  accessKeyId?: string;
  arn?: string;
  roleArn?: string;
  principalId?: string;
  sessionName?: string;
} {
  const out: Record<string, string> = {};
  const arn = getString(record, 'userIdentity', 'arn');
  const principalId = getString(record, 'userIdentity', 'principalId');
  for (const [k, v] of [
    ['accessKeyId', getString(record, 'userIdentity', 'accessKeyId')],
    ['arn', arn],
    ['roleArn', getString(record, 'userIdentity', 'sessionContext', 'sessionIssuer', 'arn')],
    ['principalId', principalId],
  ] as const) {
    if (v !== undefined) out[k] = v;
  }
  if (arn?.includes(':assumed-role/')) out.sessionName = arn.slice(arn.lastIndexOf('/') + 1);
  return out;
}

/** Role-level principal id (`AROA…`) of an assumed-role principal id (`AROA…:session`). */
const rolePrincipal = (principalId: string): string => principalId.split(':')[0] ?? principalId;

/**
 * "What else did this kubectl user do in AWS?" Collects the user's audit
 * events, learns its IAM keys from `user.extra` (access key id, session
 * ARN, canonical ARN, session name, principal id), then returns the
 * CloudTrail records made with the same access key or session ARN (or the
 * same session of the same role), plus the calls whose response issued the
 * key. Reads the input once, buffering CloudTrail events.
 *
 * @example
 * ```ts
 * const { identity, kubernetes, aws } = await pivotFromKubernetesUser(events, { username: 'alice' });
 * aws.map((e) => (e.record as { eventName: string }).eventName);
 * ```
 */
export async function pivotFromKubernetesUser(
  events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
  selector: KubernetesUserSelector,
  options: PivotOptions = {},
): Promise<PivotResult> {
  const id = emptyIdentity();
  const kubernetes: LogEvent[] = [];
  const cloudtrail: LogEvent[] = [];
  const max = options.maxBufferedEvents ?? 2_000_000;
  for await (const e of toAsync(events)) {
    if (e.kind === 'kubernetes-audit') {
      const a = auditIdentity(e.record);
      if (!matchesKubernetesUser(a, selector)) continue;
      kubernetes.push(e);
      if (a.username !== undefined) id.usernames.add(a.username);
      for (const k of a.accessKeyIds) id.accessKeyIds.add(k);
      for (const k of a.arns) id.arns.add(k);
      for (const k of a.roleArns) id.roleArns.add(k);
      for (const k of a.sessionNames) id.sessionNames.add(k);
      for (const k of a.principalIds) id.principalIds.add(k);
    } else if (e.kind === 'cloudtrail') {
      if (cloudtrail.length >= max)
        throw new DetectError(
          'invalid_investigation_option',
          `more than ${max} CloudTrail events; raise maxBufferedEvents`,
        );
      cloudtrail.push(e);
    }
  }
  const aws = cloudtrail.filter((e) => {
    const c = cloudTrailIdentity(e.record);
    if (c.accessKeyId !== undefined && id.accessKeyIds.has(c.accessKeyId)) return true;
    if (c.arn !== undefined && id.arns.has(c.arn)) return true;
    if (
      c.roleArn !== undefined &&
      c.sessionName !== undefined &&
      id.roleArns.has(c.roleArn) &&
      id.sessionNames.has(c.sessionName)
    )
      return true;
    const issued = getString(e.record, 'responseElements', 'credentials', 'accessKeyId');
    return issued !== undefined && id.accessKeyIds.has(issued);
  });
  return { identity: freeze(id), kubernetes: byTime(kubernetes), aws: byTime(aws) };
}

/**
 * The reverse pivot: an AWS principal's CloudTrail records, and the
 * Kubernetes audit events made with the same IAM session (matched on
 * `user.extra.accessKeyId`, `user.extra.arn`, or — when a role ARN is given —
 * `user.extra.canonicalArn`). Reads the input once, buffering audit events.
 *
 * @example
 * ```ts
 * const { kubernetes } = await pivotFromAwsPrincipal(events, { accessKeyId: 'ASIAEXAMPLE' });
 * kubernetes.length; // kubectl requests made with that key
 * ```
 */
export async function pivotFromAwsPrincipal(
  events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
  selector: AwsPrincipalSelector,
  options: PivotOptions = {},
): Promise<PivotResult> {
  const id = emptyIdentity();
  const aws: LogEvent[] = [];
  const audit: LogEvent[] = [];
  const max = options.maxBufferedEvents ?? 2_000_000;
  for await (const e of toAsync(events)) {
    if (e.kind === 'cloudtrail') {
      const c = cloudTrailIdentity(e.record);
      const issued = getString(e.record, 'responseElements', 'credentials', 'accessKeyId');
      const issuedArn = getString(e.record, 'responseElements', 'assumedRoleUser', 'arn');
      const own =
        (selector.accessKeyId !== undefined && c.accessKeyId === selector.accessKeyId) ||
        (selector.arn !== undefined && c.arn === selector.arn) ||
        (selector.roleArn !== undefined && c.roleArn === selector.roleArn) ||
        (selector.principalId !== undefined && c.principalId === selector.principalId);
      const issuing =
        (selector.accessKeyId !== undefined && issued === selector.accessKeyId) ||
        (selector.arn !== undefined && issuedArn === selector.arn);
      if (!own && !issuing) continue;
      aws.push(e);
      if (!own) continue;
      if (c.accessKeyId !== undefined) id.accessKeyIds.add(c.accessKeyId);
      if (c.arn !== undefined) id.arns.add(c.arn);
      if (c.roleArn !== undefined) id.roleArns.add(c.roleArn);
      if (c.principalId !== undefined) id.principalIds.add(c.principalId);
      if (c.sessionName !== undefined) id.sessionNames.add(c.sessionName);
    } else if (e.kind === 'kubernetes-audit') {
      if (audit.length >= max)
        throw new DetectError(
          'invalid_investigation_option',
          `more than ${max} audit events; raise maxBufferedEvents`,
        );
      audit.push(e);
    }
  }
  if (selector.accessKeyId !== undefined) id.accessKeyIds.add(selector.accessKeyId);
  if (selector.arn !== undefined) id.arns.add(selector.arn);
  if (selector.roleArn !== undefined) id.roleArns.add(selector.roleArn);
  const rolePrincipals = new Set([...id.principalIds].map(rolePrincipal));
  const kubernetes = audit.filter((e) => {
    const a = auditIdentity(e.record);
    if (a.accessKeyIds.some((k) => id.accessKeyIds.has(k))) return true;
    if (a.arns.some((k) => id.arns.has(k))) return true;
    if (selector.roleArn !== undefined && a.roleArns.includes(selector.roleArn)) return true;
    if (
      selector.principalId !== undefined &&
      a.principalIds.some((p) => rolePrincipals.has(p)) &&
      a.sessionNames.some((s) => id.sessionNames.has(s))
    )
      return true;
    return false;
  });
  for (const e of kubernetes) {
    const u = getString(e.record, 'user', 'username');
    if (u !== undefined) id.usernames.add(u);
  }
  return { identity: freeze(id), kubernetes: byTime(kubernetes), aws: byTime(aws) };
}

function matchesKubernetesUser(a: ReturnType<typeof auditIdentity>, s: KubernetesUserSelector): boolean {
  return (
    (s.username !== undefined && a.username === s.username) ||
    (s.accessKeyId !== undefined && a.accessKeyIds.includes(s.accessKeyId)) ||
    (s.arn !== undefined && (a.arns.includes(s.arn) || a.roleArns.includes(s.arn))) ||
    (s.sessionName !== undefined && a.sessionNames.includes(s.sessionName)) ||
    (s.principalId !== undefined && a.principalIds.includes(s.principalId))
  );
}

function freeze(id: MutableIdentity): PivotIdentity {
  return {
    usernames: [...id.usernames],
    accessKeyIds: [...id.accessKeyIds],
    arns: [...id.arns],
    roleArns: [...id.roleArns],
    sessionNames: [...id.sessionNames],
    principalIds: [...id.principalIds],
  };
}

const byTime = (events: LogEvent[]): LogEvent[] => events.sort((a, b) => a.timestamp - b.timestamp);
