/**
 * One merged, time-ordered view of audit, authenticator and CloudTrail
 * events for a principal, an IP address or a namespace.
 *
 * @module
 */
import type { LogEvent } from '../log-event.js';
import { eventRow } from '../query/row.js';
import { DEFAULT_MEMORY_BUDGET_BYTES, estimateRowBytes } from '../query/spill.js';
import { DetectError } from './errors.js';
import { auditIdentity, cloudTrailIdentity } from './pivot.js';
import { getPath, getString, getStrings, toAsync } from './record.js';

/**
 * What to build a timeline for; every given criterion must hold.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { buildTimeline, type TimelineSelector } from 'kubetrail/detect';
 * const selector: TimelineSelector = { ip: '203.0.113.45', namespace: 'payments' };
 * const entries = await buildTimeline(readLogs('samples/incident/'), selector);
 * ```
 */
export interface TimelineSelector {
  /**
   * A principal: Kubernetes username, IAM ARN (session, user or role),
   * access key id, session name, principal id, or service account
   * (`system:serviceaccount:ns:name`, also matched on IRSA/Pod Identity calls).
   */
  readonly principal?: string;
  /** A source IP address. */
  readonly ip?: string;
  /** A Kubernetes namespace (audit objectRef or service-account namespace; IRSA and Pod Identity calls). */
  readonly namespace?: string;
}

/**
 * Options of {@link buildTimeline}.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { buildTimeline, type TimelineOptions } from 'kubetrail/detect';
 * const options: TimelineOptions = {
 *   startTime: Date.parse('2024-05-14T13:40:00Z'),
 *   endTime: Date.parse('2024-05-14T14:30:00Z'),
 *   maxEntries: 1000,
 * };
 * const entries = await buildTimeline(readLogs('samples/incident/'), { principal: 'ci-legacy' }, options);
 * ```
 */
export interface TimelineOptions {
  /** Inclusive time window (epoch ms). */
  readonly startTime?: number;
  readonly endTime?: number;
  /** Cap on matching entries. @defaultValue 100000 */
  readonly maxEntries?: number;
  /**
   * Byte budget of the entries held (each entry keeps its event): the
   * estimate is the engine's row estimate of the event plus 256 bytes (see
   * docs/performance.md). A timeline is returned whole, so it does not
   * spill: going over stops with `resource_limit`.
   * @defaultValue 64 MiB (`DEFAULT_MEMORY_BUDGET_BYTES`)
   */
  readonly memoryBudgetBytes?: number;
}

/**
 * One line of the timeline.
 *
 * @example
 * ```ts
 * import { readLogs } from 'kubetrail';
 * import { buildTimeline, type TimelineEntry } from 'kubetrail/detect';
 * const entries: TimelineEntry[] = await buildTimeline(readLogs('samples/incident/'), { ip: '203.0.113.45' });
 * for (const e of entries) console.log(new Date(e.timestamp).toISOString(), e.kind, e.actor, e.action, e.outcome);
 * ```
 */
export interface TimelineEntry {
  readonly timestamp: number;
  readonly kind: 'kubernetes-audit' | 'cloudtrail' | 'authenticator';
  /** Who: username or IAM ARN. */
  readonly actor?: string;
  /** What: `verb resource/subresource` or `eventSource:eventName` or the authenticator message. */
  readonly action: string;
  /** On what: namespace/name, or a role or bucket where CloudTrail names one. */
  readonly target?: string;
  readonly sourceIp?: string;
  /** Response code or error code; `ok` for successful CloudTrail calls. */
  readonly outcome?: string;
  readonly event: LogEvent;
}

/**
 * Builds a timeline: reads the input once, keeps the events that match the
 * selector and returns them oldest first as uniform entries.
 *
 * @example
 * ```ts
 * const entries = await buildTimeline(events, { principal: 'arn:aws:iam::111122223333:role/dev' });
 * entries.map((e) => `${new Date(e.timestamp).toISOString()} ${e.kind} ${e.action}`);
 * ```
 */
export async function buildTimeline(
  events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
  selector: TimelineSelector,
  options: TimelineOptions = {},
): Promise<TimelineEntry[]> {
  if (selector.principal === undefined && selector.ip === undefined && selector.namespace === undefined) {
    throw new DetectError(
      'invalid_investigation_option',
      'a timeline needs a principal, an ip or a namespace',
    );
  }
  const max = options.maxEntries ?? 100_000;
  const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  let bytes = 0;
  const out: TimelineEntry[] = [];
  for await (const e of toAsync(events)) {
    if (options.startTime !== undefined && e.timestamp < options.startTime) continue;
    if (options.endTime !== undefined && e.timestamp > options.endTime) continue;
    const entry = toEntry(e);
    if (entry === undefined || !matches(e, entry, selector)) continue;
    if (out.length >= max)
      throw new DetectError(
        'resource_limit',
        `more than ${max} timeline entries; narrow the selector or the time window, or raise maxEntries (--limit)`,
      );
    bytes += 256 + estimateRowBytes(eventRow(e, 0));
    if (bytes > budget)
      throw new DetectError(
        'resource_limit',
        `the timeline would hold more than its memory budget of ${budget} bytes (${out.length} entries so far); narrow the selector or the time window, or raise memoryBudgetBytes`,
      );
    out.push(entry);
  }
  return out.sort((a, b) => a.timestamp - b.timestamp);
}

/**
 * Turns one event into a timeline entry (`undefined` for kinds the
 * timeline does not show).
 *
 * @example
 * ```ts
 * toTimelineEntry(auditEvent)?.action; //=> 'get pods/exec'
 * ```
 */
export function toTimelineEntry(e: LogEvent): TimelineEntry | undefined {
  return toEntry(e);
}

function toEntry(e: LogEvent): TimelineEntry | undefined {
  const r = e.record;
  const base = { timestamp: e.timestamp, event: e };
  if (e.kind === 'kubernetes-audit') {
    const resource = getString(r, 'objectRef', 'resource');
    const sub = getString(r, 'objectRef', 'subresource');
    const ns = getString(r, 'objectRef', 'namespace');
    const name = getString(r, 'objectRef', 'name');
    const code = getPath(r, 'responseStatus', 'code');
    return compact({
      ...base,
      kind: 'kubernetes-audit',
      actor: getString(r, 'user', 'username'),
      action: `${getString(r, 'verb') ?? '?'} ${resource === undefined ? (getString(r, 'requestURI') ?? '') : sub === undefined ? resource : `${resource}/${sub}`}`,
      target: ns === undefined ? name : name === undefined ? ns : `${ns}/${name}`,
      sourceIp: getStrings(r, 'sourceIPs')[0],
      outcome: typeof code === 'number' || typeof code === 'string' ? String(code) : undefined,
    });
  }
  if (e.kind === 'cloudtrail') {
    const err = getString(r, 'errorCode');
    return compact({
      ...base,
      kind: 'cloudtrail',
      actor:
        getString(r, 'userIdentity', 'arn') ??
        getString(r, 'userIdentity', 'userName') ??
        getString(r, 'userIdentity', 'invokedBy'),
      action: `${getString(r, 'eventSource') ?? '?'}:${getString(r, 'eventName') ?? '?'}`,
      target:
        getString(r, 'requestParameters', 'roleArn') ??
        getString(r, 'requestParameters', 'name') ??
        getString(r, 'requestParameters', 'clusterName') ??
        getString(r, 'requestParameters', 'bucketName') ??
        getString(r, 'requestParameters', 'userName'),
      sourceIp: getString(r, 'sourceIPAddress'),
      outcome: err ?? 'ok',
    });
  }
  if (e.kind === 'authenticator') {
    return compact({
      ...base,
      kind: 'authenticator',
      actor: getString(r, 'username') ?? getString(r, 'arn'),
      action: `authenticator ${getString(r, 'msg') ?? e.message}`,
      target: getString(r, 'arn'),
      sourceIp: undefined,
      outcome: getString(r, 'error'),
    });
  }
  return undefined;
}

function compact(entry: Record<string, unknown>): TimelineEntry {
  for (const k of Object.keys(entry)) if (entry[k] === undefined) delete entry[k];
  return entry as unknown as TimelineEntry;
}

function matches(e: LogEvent, entry: TimelineEntry, s: TimelineSelector): boolean {
  if (s.ip !== undefined) {
    const ips =
      e.kind === 'kubernetes-audit'
        ? getStrings(e.record, 'sourceIPs')
        : entry.sourceIp === undefined
          ? []
          : [entry.sourceIp];
    if (!ips.includes(s.ip)) return false;
  }
  if (s.namespace !== undefined && !namespacesOf(e).includes(s.namespace)) return false;
  if (s.principal !== undefined && !principalsOf(e).includes(s.principal)) return false;
  return true;
}

function namespacesOf(e: LogEvent): string[] {
  const r = e.record;
  const out: string[] = [];
  const saNs = (sa: string | undefined): void => {
    if (sa?.startsWith('system:serviceaccount:')) out.push(sa.split(':')[2] ?? '');
  };
  if (e.kind === 'kubernetes-audit') {
    const ns = getString(r, 'objectRef', 'namespace');
    if (ns !== undefined) out.push(ns);
    saNs(getString(r, 'user', 'username'));
  } else if (e.kind === 'cloudtrail') {
    saNs(getString(r, 'userIdentity', 'userName'));
    const tags = getPath(r, 'requestParameters', 'tags');
    if (Array.isArray(tags)) {
      for (const t of tags)
        if (getString(t, 'key') === 'kubernetes-namespace') out.push(getString(t, 'value') ?? '');
    }
    const subject = getString(r, 'responseElements', 'subject', 'namespace');
    if (subject !== undefined) out.push(subject);
  }
  return out;
}

function principalsOf(e: LogEvent): string[] {
  const r = e.record;
  if (e.kind === 'kubernetes-audit') {
    const a = auditIdentity(r);
    return [
      ...(a.username === undefined ? [] : [a.username]),
      ...a.accessKeyIds,
      ...a.arns,
      ...a.roleArns,
      ...a.sessionNames,
      ...a.principalIds,
    ];
  }
  if (e.kind === 'cloudtrail') {
    const c = cloudTrailIdentity(r);
    const out = [
      c.accessKeyId,
      c.arn,
      c.roleArn,
      c.principalId,
      c.sessionName,
      getString(r, 'userIdentity', 'userName'),
    ];
    out.push(
      getString(r, 'responseElements', 'credentials', 'accessKeyId'),
      getString(r, 'responseElements', 'assumedRoleUser', 'arn'),
    );
    return out.filter((x): x is string => x !== undefined);
  }
  if (e.kind === 'authenticator') {
    return [
      getString(r, 'arn'),
      getString(r, 'username'),
      getString(r, 'accesskeyid'),
      getString(r, 'session'),
      getString(r, 'userid'),
    ].filter((x): x is string => x !== undefined);
  }
  return [];
}
