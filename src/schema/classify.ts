/**
 * A cheap structural classifier for parsed JSON values: is this a Kubernetes
 * audit event, an audit `EventList`, a CloudTrail record, a CloudTrail log
 * file (`{"Records":[…]}`), a CloudTrail digest file, or something else?
 *
 * It runs per record on the readers' hot path, so it only looks at a few
 * discriminating own keys (no zod, no deep walk). Classification is not
 * validation: use `validateAuditEvent` / `validateCloudTrailRecord` to get a
 * typed, checked value.
 *
 * @module
 */

/**
 * The kinds {@link classifyRecord} tells apart.
 *
 * @example
 * ```ts
 * import { classifyRecord, type RecordClass } from 'kubetrail/schema';
 * const kind: RecordClass = classifyRecord(JSON.parse('{"Records":[]}'));
 * kind; //=> 'cloudtrail-file'
 * ```
 */
export type RecordClass =
  | 'kubernetes-audit-event'
  | 'kubernetes-audit-event-list'
  | 'cloudtrail-record'
  | 'cloudtrail-file'
  | 'cloudtrail-digest'
  | 'unknown';

/** A JSON object as the guards narrow it: keys known, values not yet validated. */
export type JsonObject = { readonly [key: string]: unknown };

function own(o: JsonObject, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys only a Kubernetes audit event has (beyond `kind`/`apiVersion`). */
const AUDIT_KEYS = ['auditID', 'stage', 'requestURI', 'verb', 'level', 'objectRef', 'user'] as const;

function auditApiVersionOk(apiVersion: unknown): boolean {
  return (
    apiVersion === undefined || (typeof apiVersion === 'string' && apiVersion.startsWith('audit.k8s.io/'))
  );
}

function looksLikeAuditEvent(o: JsonObject): boolean {
  const kind = own(o, 'kind');
  if (kind !== undefined && kind !== 'Event') return false;
  if (!auditApiVersionOk(own(o, 'apiVersion'))) return false;
  if (typeof own(o, 'auditID') === 'string') return true;
  if (kind !== 'Event') return false;
  // `kind: "Event"` alone is also the core/v1 Event; require an audit-only key.
  for (const key of AUDIT_KEYS) {
    if (Object.hasOwn(o, key)) return true;
  }
  return false;
}

function looksLikeCloudTrailRecord(o: JsonObject): boolean {
  if (typeof own(o, 'eventVersion') === 'string') return true;
  if (typeof own(o, 'eventSource') === 'string' && typeof own(o, 'eventName') === 'string') return true;
  if (isPlainObject(own(o, 'insightDetails'))) return true;
  if (isPlainObject(own(o, 'userIdentity')) && typeof own(o, 'eventTime') === 'string') return true;
  // Partial records (SIEM rule tests, redacted excerpts): an eventName with one companion key.
  return (
    typeof own(o, 'eventName') === 'string' &&
    (isPlainObject(own(o, 'userIdentity')) ||
      typeof own(o, 'awsRegion') === 'string' ||
      typeof own(o, 'sourceIPAddress') === 'string' ||
      Object.hasOwn(o, 'requestParameters') ||
      Object.hasOwn(o, 'responseElements'))
  );
}

/**
 * Says what kind of record a parsed JSON value is, looking only at a few keys.
 *
 * Rules, in order: `Records` array → `cloudtrail-file`; `digestS3Object`
 * string, or `logFiles` array with `digestEndTime` → `cloudtrail-digest`;
 * `kind: "EventList"` with an `items` array and an absent or `audit.k8s.io/*`
 * `apiVersion` → `kubernetes-audit-event-list`; CloudTrail keys
 * (`eventVersion`, or `eventSource`+`eventName`, or `insightDetails`, or
 * `eventTime`+`userIdentity`, or `eventName` with `userIdentity`/`awsRegion`/
 * `sourceIPAddress`/`requestParameters`/`responseElements`) → `cloudtrail-record`; an `auditID` string, or
 * `kind: "Event"` with an audit-only key, with an absent or `audit.k8s.io/*`
 * `apiVersion` → `kubernetes-audit-event`; else `unknown`. Arrays and
 * primitives are `unknown` (iterate arrays yourself).
 *
 * @example
 * ```ts
 * classifyRecord({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID: 'a1', verb: 'get' });
 * //=> 'kubernetes-audit-event'
 * classifyRecord({ eventVersion: '1.08', eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole' });
 * //=> 'cloudtrail-record'
 * classifyRecord({ Records: [] }); //=> 'cloudtrail-file'
 * classifyRecord({ kind: 0 }); //=> 'unknown'
 * ```
 */
export function classifyRecord(value: unknown): RecordClass {
  if (!isPlainObject(value)) return 'unknown';
  if (Array.isArray(own(value, 'Records'))) return 'cloudtrail-file';
  if (
    typeof own(value, 'digestS3Object') === 'string' ||
    (Array.isArray(own(value, 'logFiles')) && typeof own(value, 'digestEndTime') === 'string')
  ) {
    return 'cloudtrail-digest';
  }
  const kind = own(value, 'kind');
  if (kind === 'EventList') {
    return Array.isArray(own(value, 'items')) && auditApiVersionOk(own(value, 'apiVersion'))
      ? 'kubernetes-audit-event-list'
      : 'unknown';
  }
  if (kind === undefined || kind === 'Event') {
    // An audit event never has CloudTrail's keys and vice versa; when a value
    // carries both, the audit markers (`kind`/`auditID`) win only if there
    // is no `eventVersion`.
    if (typeof own(value, 'eventVersion') !== 'string' && looksLikeAuditEvent(value)) {
      return 'kubernetes-audit-event';
    }
    if (kind === undefined && looksLikeCloudTrailRecord(value)) return 'cloudtrail-record';
  }
  return 'unknown';
}

/**
 * Structural guard: the value classifies as a Kubernetes audit `Event`.
 * Not a validation; see `validateAuditEvent`.
 *
 * @example
 * ```ts
 * isAuditEvent({ auditID: 'x', verb: 'get' }); //=> true
 * ```
 */
export function isAuditEvent(value: unknown): value is JsonObject {
  return classifyRecord(value) === 'kubernetes-audit-event';
}

/**
 * Structural guard: the value classifies as an audit `EventList` (webhook batch).
 *
 * @example
 * ```ts
 * isAuditEventList({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [] }); //=> true
 * ```
 */
export function isAuditEventList(
  value: unknown,
): value is JsonObject & { readonly items: readonly unknown[] } {
  return classifyRecord(value) === 'kubernetes-audit-event-list';
}

/**
 * Structural guard: the value classifies as a single CloudTrail record.
 *
 * @example
 * ```ts
 * isCloudTrailRecord({ eventVersion: '1.11', eventName: 'GetCallerIdentity' }); //=> true
 * ```
 */
export function isCloudTrailRecord(value: unknown): value is JsonObject {
  return classifyRecord(value) === 'cloudtrail-record';
}

/**
 * Structural guard: the value classifies as a CloudTrail log file `{"Records":[…]}`.
 *
 * @example
 * ```ts
 * isCloudTrailFile({ Records: [] }); //=> true
 * ```
 */
export function isCloudTrailFile(
  value: unknown,
): value is JsonObject & { readonly Records: readonly unknown[] } {
  return classifyRecord(value) === 'cloudtrail-file';
}

/**
 * Structural guard: the value classifies as a CloudTrail digest file (to be skipped).
 *
 * @example
 * ```ts
 * isCloudTrailDigest({ digestS3Object: 'AWSLogs/…', logFiles: [] }); //=> true
 * ```
 */
export function isCloudTrailDigest(value: unknown): value is JsonObject {
  return classifyRecord(value) === 'cloudtrail-digest';
}
