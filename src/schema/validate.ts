/**
 * Strict and lenient validation of audit events, audit event lists,
 * CloudTrail records and CloudTrail files.
 *
 * - **strict**: the value must match the strict schema; any type, enum,
 *   format or required-field violation fails with the zod issues and the path
 *   of the first one. Unknown fields are allowed and kept. On success `value`
 *   is the input itself (not a copy).
 * - **lenient**: never fails on a JSON object. The documented type traps are
 *   coerced, strict violations become warnings, and a value that still has the
 *   wrong type is moved out of the record into a `quarantined` warning. Unknown
 *   fields are kept. `value` is the input, or a copy where something changed.
 *
 * @module
 */

import type { z } from 'zod';
import {
  type AuditEvent,
  type AuditEventList,
  AuditEventListSchema,
  AuditEventSchema,
} from './audit-event.js';
import {
  type CloudTrailFile,
  CloudTrailFileSchema,
  type CloudTrailRecord,
  CloudTrailRecordSchema,
} from './cloudtrail-record.js';
import {
  coerceTraps,
  formatPath,
  type Lenient,
  relaxSchema,
  removeAt,
  type ValidationWarning,
} from './lenient.js';
import { ValidationError } from './validation-error.js';

/**
 * `strict` rejects off-schema data; `lenient` keeps every record and reports warnings.
 *
 * @example
 * ```ts
 * import { type ValidationMode, validateCloudTrailRecord } from 'kubetrail/schema';
 * const modes: ValidationMode[] = ['strict', 'lenient'];
 * modes.map((mode) => validateCloudTrailRecord({ eventVersion: '1.08', readOnly: 'true' }, { mode }).ok); //=> [false, true]
 * ```
 */
export type ValidationMode = 'strict' | 'lenient';

/**
 * Options of the validators.
 *
 * @example
 * ```ts
 * import { type ValidateOptions, validateAuditEvent } from 'kubetrail/schema';
 * const options: ValidateOptions<'lenient'> = { mode: 'lenient' };
 * const result = validateAuditEvent({ auditID: 'a1', verb: 'get', level: 'Everything' }, options);
 * result.ok; //=> true, with warnings for the missing and off-schema fields
 * ```
 */
export interface ValidateOptions<M extends ValidationMode = ValidationMode> {
  /** Defaults to `strict`. */
  readonly mode?: M;
}

/**
 * The outcome of a validation.
 *
 * @example
 * ```ts
 * import { type AuditEvent, type ValidationResult, validateAuditEvent } from 'kubetrail/schema';
 * const result: ValidationResult<AuditEvent> = validateAuditEvent({ auditID: 'x' });
 * if (result.ok) console.log(result.value.verb);
 * else console.log(result.path, result.issues.length); // path ['level']: the first issue's
 * ```
 */
export type ValidationResult<T> =
  | { readonly ok: true; readonly value: T; readonly warnings: readonly ValidationWarning[] }
  | {
      readonly ok: false;
      readonly issues: readonly z.core.$ZodIssue[];
      readonly path: readonly PropertyKey[];
    };

/**
 * A lenient audit event: every field optional, enums widened, unknown fields kept.
 *
 * @example
 * ```ts
 * import { type LenientAuditEvent, parseAuditEvent } from 'kubetrail/schema';
 * const event: LenientAuditEvent = parseAuditEvent({ auditID: 'a1', verb: 'get', level: 'Everything' }, { mode: 'lenient' });
 * event.level; //=> 'Everything' (enums are widened to strings)
 * event.user?.username; //=> undefined (every field is optional)
 * ```
 */
export type LenientAuditEvent = Lenient<AuditEvent>;
/**
 * A lenient audit EventList.
 *
 * @example
 * ```ts
 * import { type LenientAuditEventList, parseAuditEventList } from 'kubetrail/schema';
 * const list: LenientAuditEventList = parseAuditEventList({ kind: 'EventList', items: [{ auditID: 'a1' }] }, { mode: 'lenient' });
 * list.items?.map((e) => e.auditID); //=> ['a1']
 * ```
 */
export type LenientAuditEventList = Lenient<AuditEventList>;
/**
 * A lenient CloudTrail record.
 *
 * @example
 * ```ts
 * import { type LenientCloudTrailRecord, parseCloudTrailRecord } from 'kubetrail/schema';
 * const record: LenientCloudTrailRecord = parseCloudTrailRecord(
 *   { eventVersion: '1.08', eventName: 'GetObject', readOnly: 'true' },
 *   { mode: 'lenient' },
 * );
 * record.readOnly; //=> true (coerced from the string)
 * record.userIdentity?.arn; //=> undefined
 * ```
 */
export type LenientCloudTrailRecord = Lenient<CloudTrailRecord>;
/**
 * A lenient CloudTrail file.
 *
 * @example
 * ```ts
 * import { type LenientCloudTrailFile, parseCloudTrailFile } from 'kubetrail/schema';
 * const file: LenientCloudTrailFile = parseCloudTrailFile({ Records: [{ eventName: 'ListBuckets' }] }, { mode: 'lenient' });
 * file.Records?.[0]?.eventName; //=> 'ListBuckets'
 * ```
 */
export type LenientCloudTrailFile = Lenient<CloudTrailFile>;

/** Picks the value type from the mode. */
type ByMode<M extends ValidationMode, Strict, Loose> = M extends 'lenient' ? Loose : Strict;

const MAX_QUARANTINE_ROUNDS = 256;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function notAnObject(value: unknown): ValidationResult<never> {
  const received = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  const issue = {
    code: 'invalid_type',
    expected: 'object',
    path: [],
    message: `Invalid input: expected object, received ${received}`,
    input: value,
  } as unknown as z.core.$ZodIssue;
  return { ok: false, issues: [issue], path: [] };
}

function strictCheck<T>(schema: z.ZodType, value: unknown): ValidationResult<T> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: value as T, warnings: [] };
  const issues = result.error.issues;
  return { ok: false, issues, path: issues[0]?.path ?? [] };
}

type Prepare = (value: Record<string, unknown>, warnings: ValidationWarning[]) => Record<string, unknown>;

function lenientCheck<T>(
  strict: z.ZodType,
  relaxed: z.ZodType,
  value: unknown,
  prepare?: Prepare,
): ValidationResult<T> {
  if (!isPlainObject(value)) return notAnObject(value);
  const warnings: ValidationWarning[] = [];
  let current: unknown = prepare ? prepare(value, warnings) : value;
  current = coerceTraps(strict, current, [], warnings);
  const strictResult = strict.safeParse(current);
  // The relaxed schema accepts everything the strict one does: skip it.
  if (strictResult.success) return { ok: true, value: current as T, warnings };
  for (const issue of strictResult.error.issues) {
    warnings.push({
      path: issue.path,
      code: issue.code,
      message: `${formatPath(issue.path)}: ${issue.message}`,
    });
  }
  for (let round = 0; round < MAX_QUARANTINE_ROUNDS; round++) {
    const result = relaxed.safeParse(current);
    if (result.success) return { ok: true, value: current as T, warnings };
    let progressed = false;
    for (const issue of result.error.issues) {
      const removed = removeAt(current, issue.path);
      if (removed === undefined) continue;
      current = removed.root;
      progressed = true;
      warnings.push({
        path: removed.removed,
        code: 'quarantined',
        message: `${formatPath(removed.removed)}: ${issue.message}; value moved out of the record`,
        value: removed.value,
      });
      // Later issues may point into what was just removed: re-check.
      break;
    }
    if (!progressed)
      return { ok: false, issues: result.error.issues, path: result.error.issues[0]?.path ?? [] };
  }
  const last = relaxed.safeParse(current);
  if (last.success) return { ok: true, value: current as T, warnings };
  return { ok: false, issues: last.error.issues, path: last.error.issues[0]?.path ?? [] };
}

const RelaxedAuditEventSchema = relaxSchema(AuditEventSchema);
const RelaxedCloudTrailRecordSchema = relaxSchema(CloudTrailRecordSchema);

/**
 * Lenient CloudTrail fix-up: Logstash pipelines rename `eventTime` to
 * `@timestamp`; fill it back (with a `filled` warning).
 */
const prepareCloudTrail: Prepare = (value, warnings) => {
  if (!Object.hasOwn(value, 'eventTime') && typeof value['@timestamp'] === 'string') {
    warnings.push({
      path: ['eventTime'],
      code: 'filled',
      message: 'eventTime: missing; filled from @timestamp',
    });
    return { ...value, eventTime: value['@timestamp'] };
  }
  return value;
};

function prefixWarnings(
  prefix: readonly PropertyKey[],
  warnings: readonly ValidationWarning[],
): ValidationWarning[] {
  return warnings.map((w) => ({
    ...w,
    path: [...prefix, ...w.path],
    message: `${formatPath(prefix)}.${w.message}`,
  }));
}

function lenientContainer<T>(
  value: unknown,
  key: 'items' | 'Records',
  envelope: z.ZodType,
  relaxedEnvelope: z.ZodType,
  validateItem: (item: unknown) => ValidationResult<unknown>,
): ValidationResult<T> {
  if (!isPlainObject(value)) return notAnObject(value);
  const items = value[key];
  const head = lenientCheck<Record<string, unknown>>(envelope, relaxedEnvelope, { ...value, [key]: [] });
  if (!head.ok) return head;
  const warnings: ValidationWarning[] = [...head.warnings];
  if (!Array.isArray(items)) {
    warnings.push({ path: [key], code: 'invalid_type', message: `${key}: expected an array`, value: items });
    return { ok: true, value: { ...head.value, [key]: [] } as T, warnings };
  }
  const out: unknown[] = [];
  for (let i = 0; i < items.length; i++) {
    const result = validateItem(items[i]);
    if (result.ok) {
      out.push(result.value);
      warnings.push(...prefixWarnings([key, i], result.warnings));
    } else {
      warnings.push({
        path: [key, i],
        code: 'quarantined',
        message: `${key}[${i}]: not a JSON object; item moved out of the list`,
        value: items[i],
      });
    }
  }
  return { ok: true, value: { ...head.value, [key]: out } as T, warnings };
}

const RelaxedAuditEventListSchema = relaxSchema(AuditEventListSchema);
const RelaxedCloudTrailFileSchema = relaxSchema(CloudTrailFileSchema);

/**
 * Validates a Kubernetes audit event.
 *
 * @example
 * ```ts
 * const r = validateAuditEvent(JSON.parse(line), { mode: 'lenient' });
 * if (r.ok) use(r.value, r.warnings);
 * const s = validateAuditEvent({ auditID: 'x' }); // strict by default
 * s.ok; //=> false — s.path is ['level']
 * ```
 */
export function validateAuditEvent<M extends ValidationMode = 'strict'>(
  value: unknown,
  options: ValidateOptions<M> = {},
): ValidationResult<ByMode<M, AuditEvent, LenientAuditEvent>> {
  return options.mode === 'lenient'
    ? lenientCheck(AuditEventSchema, RelaxedAuditEventSchema, value)
    : strictCheck(AuditEventSchema, value);
}

/**
 * Validates an audit `EventList`; in lenient mode each item is validated
 * leniently and its warnings are prefixed with `items[i]`.
 *
 * @example
 * ```ts
 * validateAuditEventList({ kind: 'EventList', items: [] }).ok; //=> true
 * ```
 */
export function validateAuditEventList<M extends ValidationMode = 'strict'>(
  value: unknown,
  options: ValidateOptions<M> = {},
): ValidationResult<ByMode<M, AuditEventList, LenientAuditEventList>> {
  if (options.mode !== 'lenient') return strictCheck(AuditEventListSchema, value);
  return lenientContainer(value, 'items', AuditEventListSchema, RelaxedAuditEventListSchema, (item) =>
    validateAuditEvent(item, { mode: 'lenient' }),
  );
}

/**
 * Validates a CloudTrail record. Lenient mode also fills a missing `eventTime`
 * from a Logstash `@timestamp`.
 *
 * @example
 * ```ts
 * const r = validateCloudTrailRecord({ eventVersion: '1.08', readOnly: 'true' }, { mode: 'lenient' });
 * r.ok && r.value.readOnly; //=> true
 * ```
 */
export function validateCloudTrailRecord<M extends ValidationMode = 'strict'>(
  value: unknown,
  options: ValidateOptions<M> = {},
): ValidationResult<ByMode<M, CloudTrailRecord, LenientCloudTrailRecord>> {
  return options.mode === 'lenient'
    ? lenientCheck(CloudTrailRecordSchema, RelaxedCloudTrailRecordSchema, value, prepareCloudTrail)
    : strictCheck(CloudTrailRecordSchema, value);
}

/**
 * Validates a CloudTrail file `{"Records":[…]}`; in lenient mode each record is
 * validated leniently and its warnings are prefixed with `Records[i]`.
 *
 * @example
 * ```ts
 * validateCloudTrailFile({ Records: [] }).ok; //=> true
 * ```
 */
export function validateCloudTrailFile<M extends ValidationMode = 'strict'>(
  value: unknown,
  options: ValidateOptions<M> = {},
): ValidationResult<ByMode<M, CloudTrailFile, LenientCloudTrailFile>> {
  if (options.mode !== 'lenient') return strictCheck(CloudTrailFileSchema, value);
  return lenientContainer(value, 'Records', CloudTrailFileSchema, RelaxedCloudTrailFileSchema, (item) =>
    validateCloudTrailRecord(item, { mode: 'lenient' }),
  );
}

function unwrapOrThrow<T>(what: string, result: ValidationResult<T>): T {
  if (result.ok) return result.value;
  throw new ValidationError(what, result.issues);
}

/**
 * Like {@link validateAuditEvent} but returns the value or throws a `ValidationError` (`invalid_record`).
 *
 * @example
 * ```ts
 * const event = parseAuditEvent(JSON.parse(line)); // throws on an off-schema event
 * ```
 */
export function parseAuditEvent<M extends ValidationMode = 'strict'>(
  value: unknown,
  options: ValidateOptions<M> = {},
): ByMode<M, AuditEvent, LenientAuditEvent> {
  return unwrapOrThrow('Kubernetes audit event', validateAuditEvent(value, options));
}

/**
 * Like {@link validateAuditEventList} but throwing.
 *
 * @example
 * ```ts
 * parseAuditEventList({ kind: 'EventList', items: [] }).items; //=> []
 * ```
 */
export function parseAuditEventList<M extends ValidationMode = 'strict'>(
  value: unknown,
  options: ValidateOptions<M> = {},
): ByMode<M, AuditEventList, LenientAuditEventList> {
  return unwrapOrThrow('Kubernetes audit EventList', validateAuditEventList(value, options));
}

/**
 * Like {@link validateCloudTrailRecord} but throwing.
 *
 * @example
 * ```ts
 * parseCloudTrailRecord({ eventVersion: '1.0' }); // throws ValidationError: Invalid CloudTrail record at eventTime: …
 * ```
 */
export function parseCloudTrailRecord<M extends ValidationMode = 'strict'>(
  value: unknown,
  options: ValidateOptions<M> = {},
): ByMode<M, CloudTrailRecord, LenientCloudTrailRecord> {
  return unwrapOrThrow('CloudTrail record', validateCloudTrailRecord(value, options));
}

/**
 * Like {@link validateCloudTrailFile} but throwing.
 *
 * @example
 * ```ts
 * parseCloudTrailFile({ Records: [] }).Records; //=> []
 * ```
 */
export function parseCloudTrailFile<M extends ValidationMode = 'strict'>(
  value: unknown,
  options: ValidateOptions<M> = {},
): ByMode<M, CloudTrailFile, LenientCloudTrailFile> {
  return unwrapOrThrow('CloudTrail file', validateCloudTrailFile(value, options));
}
