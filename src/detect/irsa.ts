/**
 * IRSA and EKS Pod Identity investigation: which service accounts assumed
 * which IAM roles, and where those sessions were used.
 *
 * @module
 */
import type { LogEvent } from '../log-event.js';
import { isCloudTrailRecord } from '../schema/classify.js';
import { ipv4InCidr, parseCidr, parseIpv4 } from './cidr.js';
import { DetectError } from './errors.js';
import { getPath, getString, toAsync } from './record.js';

/**
 * One role assumption by a Kubernetes service account.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { type ServiceAccountAssumption, toServiceAccountAssumption } from 'kubetrail/detect';
 * for await (const event of readLogs('samples/incident/')) {
 *   const a: ServiceAccountAssumption | undefined = toServiceAccountAssumption(event);
 *   if (a !== undefined) console.log(a.mechanism, a.serviceAccount, a.roleArn, a.sourceIp);
 * }
 * ```
 */
export interface ServiceAccountAssumption {
  readonly timestamp: number;
  /** `irsa` (AssumeRoleWithWebIdentity) or `pod-identity` (EKS Pod Identity). */
  readonly mechanism: 'irsa' | 'pod-identity';
  /** `system:serviceaccount:<namespace>:<name>`. */
  readonly serviceAccount: string;
  readonly namespace: string;
  readonly name: string;
  readonly roleArn?: string;
  /** The OIDC provider (IRSA) or cluster ARN/name (Pod Identity). */
  readonly provider?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly errorCode?: string;
  /** The temporary key the call returned (`ASIA…`), joined to later calls. */
  readonly accessKeyId?: string;
  /** The assumed-role session ARN the call returned. */
  readonly assumedRoleArn?: string;
  readonly eventId?: string;
  readonly event: LogEvent;
}

/**
 * A later CloudTrail call made with an assumed session.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { investigateIrsa, type SessionUse } from 'kubetrail/detect';
 * const allowedCidrs = ['10.0.0.0/16', '192.0.2.10/32', '192.0.2.11/32']; // the VPC and its NAT gateways
 * const { findings } = await investigateIrsa(readLogs('samples/incident/'), { allowedCidrs });
 * const uses: SessionUse[] = findings.flatMap((f) => f.uses ?? []);
 * uses.map((u) => `${u.eventSource}:${u.eventName} from ${u.sourceIp}`);
 * ```
 */
export interface SessionUse {
  readonly timestamp: number;
  readonly eventSource?: string;
  readonly eventName?: string;
  readonly sourceIp?: string;
  readonly accessKeyId?: string;
  readonly arn?: string;
  readonly errorCode?: string;
}

/**
 * What the IRSA investigation flags.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { investigateIrsa, type IrsaFindingType } from 'kubetrail/detect';
 * const wanted: IrsaFindingType = 'session-from-unexpected-network';
 * const allowedCidrs = ['10.0.0.0/16', '192.0.2.10/32', '192.0.2.11/32']; // the VPC and its NAT gateways
 * const { findings } = await investigateIrsa(readLogs('samples/incident/'), { allowedCidrs });
 * findings.filter((f) => f.type === wanted).map((f) => f.serviceAccount);
 * ```
 */
export type IrsaFindingType =
  | 'service-account-not-allowed'
  | 'session-from-unexpected-network'
  | 'new-role-for-service-account'
  | 'failed-assumption';

/**
 * One flagged assumption, with the evidence.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { investigateIrsa, type IrsaFinding } from 'kubetrail/detect';
 * const allowedCidrs = ['10.0.0.0/16', '192.0.2.10/32', '192.0.2.11/32']; // the VPC and its NAT gateways
 * const report = await investigateIrsa(readLogs('samples/incident/'), { allowedCidrs });
 * const findings: readonly IrsaFinding[] = report.findings;
 * for (const f of findings) console.log(f.severity, f.type, f.serviceAccount, f.roleArn, f.message);
 * ```
 */
export interface IrsaFinding {
  readonly type: IrsaFindingType;
  readonly severity: 'low' | 'medium' | 'high';
  readonly serviceAccount: string;
  readonly roleArn?: string;
  readonly timestamp: number;
  readonly message: string;
  readonly assumption: ServiceAccountAssumption;
  /** For `session-from-unexpected-network`: the calls from outside the allowed CIDRs. */
  readonly uses?: readonly SessionUse[];
}

/**
 * Options of {@link investigateIrsa}.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { type IrsaOptions, investigateIrsa } from 'kubetrail/detect';
 * const options: IrsaOptions = {
 *   allowedServiceAccounts: ['payments:payments-api', 'kube-system:*'],
 *   allowedCidrs: ['10.0.0.0/16', '192.0.2.10/32', '192.0.2.11/32'],
 *   oidcProviders: ['5E1A9C0B7D3F2E4A6B8C0D1E2F3A4B5C'],
 * };
 * const report = await investigateIrsa(readLogs('samples/incident/'), options);
 * ```
 */
export interface IrsaOptions {
  /**
   * Service accounts allowed to assume roles: `system:serviceaccount:ns:name`,
   * `ns:name`, or with a trailing `*` as a prefix (`ns:*`). When omitted, no
   * allow-list finding is produced.
   */
  readonly allowedServiceAccounts?: readonly string[];
  /** Networks sessions may be used from (IPv4 CIDRs). When omitted, no network finding is produced. */
  readonly allowedCidrs?: readonly string[];
  /** Keep only IRSA calls whose provider contains one of these strings (the cluster's OIDC issuer id). */
  readonly oidcProviders?: readonly string[];
  /**
   * First-seen learning window in ms from the earliest assumption in the
   * data: (service account, role) pairs first seen after it are flagged.
   * @defaultValue 86400000 (one day)
   */
  readonly learningWindowMs?: number;
  /** Cap on session calls kept for the network check. @defaultValue 1000000 */
  readonly maxSessionCalls?: number;
}

/**
 * Result of {@link investigateIrsa}.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { type IrsaReport, investigateIrsa } from 'kubetrail/detect';
 * const allowedCidrs = ['10.0.0.0/16', '192.0.2.10/32', '192.0.2.11/32']; // the VPC and its NAT gateways
 * const report: IrsaReport = await investigateIrsa(readLogs('samples/incident/'), { allowedCidrs });
 * console.log(`${report.assumptions.length} assumptions, ${report.findings.length} findings`);
 * ```
 */
export interface IrsaReport {
  readonly assumptions: readonly ServiceAccountAssumption[];
  readonly findings: readonly IrsaFinding[];
}

const SA_PREFIX = 'system:serviceaccount:';

/**
 * Extracts a service-account role assumption from a CloudTrail record, or
 * `undefined`: `AssumeRoleWithWebIdentity` with a `system:serviceaccount:`
 * subject, STS `AssumeRole` invoked by `pods.eks.amazonaws.com` with Pod
 * Identity session tags, or `eks-auth` `AssumeRoleForPodIdentity` whose
 * response names the subject.
 *
 * @example
 * ```ts
 * toServiceAccountAssumption(event)?.serviceAccount; //=> 'system:serviceaccount:payments:api'
 * ```
 */
export function toServiceAccountAssumption(event: LogEvent): ServiceAccountAssumption | undefined {
  const r = event.record;
  if (event.kind !== 'cloudtrail' || !isCloudTrailRecord(r)) return undefined;
  const source = getString(r, 'eventSource');
  const name = getString(r, 'eventName');
  let mechanism: ServiceAccountAssumption['mechanism'];
  let sa: string | undefined;
  let provider: string | undefined;
  if (source === 'sts.amazonaws.com' && name === 'AssumeRoleWithWebIdentity') {
    mechanism = 'irsa';
    sa =
      getString(r, 'userIdentity', 'userName') ??
      getString(r, 'responseElements', 'subjectFromWebIdentityToken') ??
      saFromPrincipalId(getString(r, 'userIdentity', 'principalId'));
    provider =
      getString(r, 'userIdentity', 'identityProvider') ?? getString(r, 'responseElements', 'provider');
  } else if (
    source === 'sts.amazonaws.com' &&
    name === 'AssumeRole' &&
    getString(r, 'userIdentity', 'invokedBy') === 'pods.eks.amazonaws.com'
  ) {
    mechanism = 'pod-identity';
    const ns = tag(r, 'kubernetes-namespace');
    const account = tag(r, 'kubernetes-service-account');
    sa = ns !== undefined && account !== undefined ? `${SA_PREFIX}${ns}:${account}` : undefined;
    provider = tag(r, 'eks-cluster-arn') ?? tag(r, 'eks-cluster-name');
  } else if (source === 'eks-auth.amazonaws.com' && name === 'AssumeRoleForPodIdentity') {
    mechanism = 'pod-identity';
    const ns = getString(r, 'responseElements', 'subject', 'namespace');
    const account = getString(r, 'responseElements', 'subject', 'serviceAccount');
    sa = ns !== undefined && account !== undefined ? `${SA_PREFIX}${ns}:${account}` : undefined;
    provider = getString(r, 'requestParameters', 'clusterName');
  } else {
    return undefined;
  }
  if (sa === undefined || !sa.startsWith(SA_PREFIX)) return undefined;
  const rest = sa.slice(SA_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon <= 0) return undefined;
  const roleArn =
    getString(r, 'requestParameters', 'roleArn') ??
    getString(r, 'responseElements', 'podIdentityAssociation', 'associationArn');
  const optional = {
    roleArn,
    provider,
    sourceIp: getString(r, 'sourceIPAddress'),
    userAgent: getString(r, 'userAgent'),
    errorCode: getString(r, 'errorCode'),
    accessKeyId: getString(r, 'responseElements', 'credentials', 'accessKeyId'),
    assumedRoleArn: getString(r, 'responseElements', 'assumedRoleUser', 'arn'),
    eventId: getString(r, 'eventID'),
  };
  const out: Record<string, unknown> = {
    timestamp: event.timestamp,
    mechanism,
    serviceAccount: sa,
    namespace: rest.slice(0, colon),
    name: rest.slice(colon + 1),
    event,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) out[k] = v;
  return out as unknown as ServiceAccountAssumption;
}

/**
 * Investigates IRSA and Pod Identity over CloudTrail events: maps every
 * role assumption to its service account, then flags
 * - `failed-assumption`: the call returned an error;
 * - `service-account-not-allowed`: the service account is not on `allowedServiceAccounts`;
 * - `new-role-for-service-account`: a (service account, role) pair first seen after the learning window;
 * - `session-from-unexpected-network`: later calls made with the returned
 *   key (or session ARN) from an address outside `allowedCidrs`.
 * Reads the input once; keeps only assumptions and a compact record of
 * assumed-role calls.
 *
 * @example
 * ```ts
 * const report = await investigateIrsa(events, {
 *   allowedServiceAccounts: ['payments:*'],
 *   allowedCidrs: ['10.0.0.0/16', '52.1.2.3/32'],
 * });
 * report.findings.map((f) => f.type);
 * ```
 */
export async function investigateIrsa(
  events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
  options: IrsaOptions = {},
): Promise<IrsaReport> {
  const cidrs = options.allowedCidrs?.map(parseCidr);
  const learning = options.learningWindowMs ?? 86_400_000;
  if (!(learning >= 0))
    throw new DetectError('invalid_investigation_option', 'learningWindowMs must be >= 0');
  const maxCalls = options.maxSessionCalls ?? 1_000_000;
  const assumptions: ServiceAccountAssumption[] = [];
  const calls: SessionUse[] = [];
  for await (const event of toAsync(events)) {
    const a = toServiceAccountAssumption(event);
    if (a !== undefined) {
      if (a.mechanism === 'irsa' && options.oidcProviders !== undefined) {
        const p = a.provider ?? '';
        if (!options.oidcProviders.some((o) => p.includes(o))) continue;
      }
      assumptions.push(a);
      continue;
    }
    if (cidrs === undefined || event.kind !== 'cloudtrail') continue;
    const r = event.record;
    if (getString(r, 'userIdentity', 'type') !== 'AssumedRole') continue;
    const sourceIp = getString(r, 'sourceIPAddress');
    if (sourceIp === undefined || parseIpv4(sourceIp) === undefined) continue;
    if (calls.length >= maxCalls) {
      throw new DetectError(
        'invalid_investigation_option',
        `more than ${maxCalls} assumed-role calls; raise maxSessionCalls`,
      );
    }
    const use: Record<string, unknown> = { timestamp: event.timestamp, sourceIp };
    for (const [k, v] of [
      ['eventSource', getString(r, 'eventSource')],
      ['eventName', getString(r, 'eventName')],
      ['accessKeyId', getString(r, 'userIdentity', 'accessKeyId')],
      ['arn', getString(r, 'userIdentity', 'arn')],
      ['errorCode', getString(r, 'errorCode')],
    ] as const) {
      if (v !== undefined) use[k] = v;
    }
    calls.push(use as unknown as SessionUse);
  }
  assumptions.sort((a, b) => a.timestamp - b.timestamp);
  const findings: IrsaFinding[] = [];
  const firstAt = assumptions[0]?.timestamp ?? 0;
  const seenPairs = new Set<string>();
  const byKey = new Map<string, ServiceAccountAssumption>();
  const byArn = new Map<string, ServiceAccountAssumption>();
  for (const a of assumptions) {
    if (a.errorCode !== undefined) {
      findings.push(
        finding(
          'failed-assumption',
          'medium',
          a,
          `${a.serviceAccount} failed to assume ${a.roleArn ?? 'a role'} (${a.errorCode})`,
        ),
      );
      continue;
    }
    if (options.allowedServiceAccounts !== undefined && !allowed(a, options.allowedServiceAccounts)) {
      findings.push(
        finding(
          'service-account-not-allowed',
          'high',
          a,
          `${a.serviceAccount} is not on the allow-list but assumed ${a.roleArn ?? 'a role'}`,
        ),
      );
    }
    const pair = `${a.serviceAccount}\u0000${a.roleArn ?? ''}`;
    if (!seenPairs.has(pair)) {
      seenPairs.add(pair);
      if (a.timestamp > firstAt + learning) {
        findings.push(
          finding(
            'new-role-for-service-account',
            'medium',
            a,
            `${a.serviceAccount} assumed ${a.roleArn ?? 'a role'} for the first time`,
          ),
        );
      }
    }
    if (a.accessKeyId !== undefined) byKey.set(a.accessKeyId, a);
    if (a.assumedRoleArn !== undefined) byArn.set(a.assumedRoleArn, a);
  }
  if (cidrs !== undefined) {
    const outside = new Map<ServiceAccountAssumption, SessionUse[]>();
    for (const a of assumptions) {
      // The assumption call itself, when made from outside the allowed networks (a replayed token).
      if (a.errorCode !== undefined || a.sourceIp === undefined || parseIpv4(a.sourceIp) === undefined)
        continue;
      if (cidrs.some((cidr) => ipv4InCidr(a.sourceIp!, cidr))) continue;
      outside.set(a, [
        {
          timestamp: a.timestamp,
          eventSource: a.mechanism === 'irsa' ? 'sts.amazonaws.com' : 'eks-auth.amazonaws.com',
          eventName: a.mechanism === 'irsa' ? 'AssumeRoleWithWebIdentity' : 'AssumeRoleForPodIdentity',
          sourceIp: a.sourceIp,
          ...(a.accessKeyId === undefined ? {} : { accessKeyId: a.accessKeyId }),
        },
      ]);
    }
    for (const c of calls) {
      const a =
        (c.accessKeyId === undefined ? undefined : byKey.get(c.accessKeyId)) ??
        (c.arn === undefined ? undefined : byArn.get(c.arn));
      if (a === undefined || c.sourceIp === undefined) continue;
      if (cidrs.some((cidr) => ipv4InCidr(c.sourceIp!, cidr))) continue;
      const list = outside.get(a) ?? [];
      list.push(c);
      outside.set(a, list);
    }
    for (const [a, uses] of outside) {
      uses.sort((x, y) => x.timestamp - y.timestamp);
      const ips = [...new Set(uses.map((u) => u.sourceIp))].join(', ');
      findings.push({
        ...finding(
          'session-from-unexpected-network',
          'high',
          a,
          `session of ${a.serviceAccount} used from ${ips}`,
        ),
        timestamp: uses[0]!.timestamp,
        uses,
      });
    }
  }
  findings.sort((x, y) => x.timestamp - y.timestamp);
  return { assumptions, findings };
}

function finding(
  type: IrsaFindingType,
  severity: IrsaFinding['severity'],
  a: ServiceAccountAssumption,
  message: string,
): IrsaFinding {
  return {
    type,
    severity,
    serviceAccount: a.serviceAccount,
    ...(a.roleArn === undefined ? {} : { roleArn: a.roleArn }),
    timestamp: a.timestamp,
    message,
    assumption: a,
  };
}

function allowed(a: ServiceAccountAssumption, list: readonly string[]): boolean {
  const short = `${a.namespace}:${a.name}`;
  return list.some((entry) => {
    const e = entry.startsWith(SA_PREFIX) ? entry.slice(SA_PREFIX.length) : entry;
    return e.endsWith('*') ? short.startsWith(e.slice(0, -1)) : short === e;
  });
}

function tag(record: unknown, key: string): string | undefined {
  const tags = getPath(record, 'requestParameters', 'tags');
  if (!Array.isArray(tags)) return undefined;
  for (const t of tags) if (getString(t, 'key') === key) return getString(t, 'value');
  return undefined;
}

function saFromPrincipalId(principalId: string | undefined): string | undefined {
  if (principalId === undefined) return undefined;
  const i = principalId.indexOf(SA_PREFIX);
  return i < 0 ? undefined : principalId.slice(i);
}
