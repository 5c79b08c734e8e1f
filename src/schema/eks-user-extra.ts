/**
 * The EKS-specific `user.extra` keys that aws-iam-authenticator adds to the
 * audit event's UserInfo, and a helper to read them.
 *
 * @module
 */

/**
 * `user.extra` keys set by aws-iam-authenticator (values are string arrays).
 *
 * @example
 * ```ts
 * event.user.extra?.[EKS_USER_EXTRA_KEYS.canonicalArn]?.[0];
 * ```
 */
export const EKS_USER_EXTRA_KEYS = Object.freeze({
  /** The STS session ARN (`arn:aws:sts::<acct>:assumed-role/<role>/<session>`) or IAM user ARN. */
  arn: 'arn',
  /** The IAM role or user ARN (session stripped). */
  canonicalArn: 'canonicalArn',
  /** The access key the caller signed the token with. */
  accessKeyId: 'accessKeyId',
  /** The STS session name (`[""]` for IAM users). */
  sessionName: 'sessionName',
  /** The principal id (`AROA…`, `AIDA…`). */
  principalId: 'principalId',
  /** Newer authenticators repeat the principal id under this namespaced key. */
  namespacedPrincipalId: 'sigs.k8s.io/aws-iam-authenticator/principalId',
} as const);

/**
 * The IAM identity behind an EKS Kubernetes user, from `user.extra`.
 *
 * @example
 * ```ts
 * import { type AuditEvent, type EksUserExtra, readEksUserExtra } from 'kubetrail/schema';
 * function iamRole(event: AuditEvent): string | undefined {
 *   const iam: EksUserExtra | undefined = readEksUserExtra(event.user); // undefined for service accounts
 *   return iam?.canonicalArn; // e.g. 'arn:aws:iam::111122223333:role/github-actions-deployer'
 * }
 * ```
 */
export interface EksUserExtra {
  readonly arn?: string;
  readonly canonicalArn?: string;
  readonly accessKeyId?: string;
  readonly sessionName?: string;
  readonly principalId?: string;
}

/** Anything shaped like a UserInfo (strict or lenient). */
export interface HasExtra {
  readonly extra?: Readonly<Record<string, unknown>> | undefined;
  readonly [key: string]: unknown;
}

function first(extra: Readonly<Record<string, unknown>>, key: string): string | undefined {
  if (!Object.hasOwn(extra, key)) return undefined;
  const value = extra[key];
  const item = Array.isArray(value) ? value[0] : value;
  return typeof item === 'string' && item.length > 0 ? item : undefined;
}

/**
 * Reads the aws-iam-authenticator identity from a UserInfo's `extra`: the
 * first non-empty value of each key (`principalId` falls back to the
 * namespaced key). Returns `undefined` when none is present (not an IAM
 * principal, e.g. a service account or an EKS-internal user).
 *
 * @example
 * ```ts
 * readEksUserExtra({ username: 'admin', extra: {
 *   arn: ['arn:aws:sts::111122223333:assumed-role/Admin/alice'],
 *   canonicalArn: ['arn:aws:iam::111122223333:role/Admin'],
 *   sessionName: ['alice'], accessKeyId: ['ASIAEXAMPLE'], principalId: ['AROAEXAMPLE'],
 * } });
 * //=> { arn: 'arn:aws:sts::…/alice', canonicalArn: 'arn:aws:iam::…:role/Admin', accessKeyId: 'ASIAEXAMPLE', sessionName: 'alice', principalId: 'AROAEXAMPLE' }
 * ```
 */
export function readEksUserExtra(user: HasExtra | undefined): EksUserExtra | undefined {
  const extra = user?.extra;
  if (typeof extra !== 'object' || extra === null) return undefined;
  const out: { -readonly [K in keyof EksUserExtra]: EksUserExtra[K] } = {};
  const arn = first(extra, EKS_USER_EXTRA_KEYS.arn);
  const canonicalArn = first(extra, EKS_USER_EXTRA_KEYS.canonicalArn);
  const accessKeyId = first(extra, EKS_USER_EXTRA_KEYS.accessKeyId);
  const sessionName = first(extra, EKS_USER_EXTRA_KEYS.sessionName);
  const principalId =
    first(extra, EKS_USER_EXTRA_KEYS.principalId) ?? first(extra, EKS_USER_EXTRA_KEYS.namespacedPrincipalId);
  if (arn !== undefined) out.arn = arn;
  if (canonicalArn !== undefined) out.canonicalArn = canonicalArn;
  if (accessKeyId !== undefined) out.accessKeyId = accessKeyId;
  if (sessionName !== undefined) out.sessionName = sessionName;
  if (principalId !== undefined) out.principalId = principalId;
  return Object.keys(out).length === 0 ? undefined : out;
}
