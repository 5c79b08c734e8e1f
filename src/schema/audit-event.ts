/**
 * Zod schemas and inferred types for Kubernetes audit events
 * (`audit.k8s.io/v1`, tolerating `v1beta1`/`v1alpha1` shapes and a missing
 * `apiVersion`). Every object is loose: unknown fields are kept.
 *
 * These are the **strict** schemas; lenient validation (see `validate.ts`)
 * derives a relaxed structural schema from them.
 *
 * @module
 */

import { z } from 'zod';
import { Rfc3339Schema } from './timestamps.js';

/** Audit `apiVersion` values, newest first. v1beta1/v1alpha1 were removed from the apiserver in 1.24. */
export const AUDIT_API_VERSIONS = [
  'audit.k8s.io/v1',
  'audit.k8s.io/v1beta1',
  'audit.k8s.io/v1alpha1',
] as const;

/** Audit levels (`None` is defined but never emitted). */
export const AUDIT_LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;

/** Audit stages. `ResponseStarted` only appears for long-running requests. */
export const AUDIT_STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;

/**
 * `authentication.k8s.io/v1` UserInfo. `extra` values are **arrays** of strings;
 * on EKS they carry the aws-iam-authenticator keys (see `readEksUserExtra`).
 *
 * @example
 * ```ts
 * UserInfoSchema.parse({ username: 'kubernetes-admin', groups: ['system:masters'], extra: { arn: ['arn:aws:…'] } });
 * ```
 */
export const UserInfoSchema = z.looseObject({
  username: z.string().optional(),
  uid: z.string().optional(),
  groups: z.array(z.string()).optional(),
  extra: z.record(z.string(), z.array(z.string())).optional(),
});
/**
 * The user an audit event attributes a request to (`user`, `impersonatedUser`), as parsed by `UserInfoSchema`.
 *
 * @example
 * ```ts
 * import { type UserInfo, UserInfoSchema } from 'kubetrail/schema';
 * const user: UserInfo = UserInfoSchema.parse({
 *   username: 'ci-legacy',
 *   groups: ['system:authenticated'],
 *   extra: { accessKeyId: ['AKIA3EXAMPLELEGACY77'] },
 * });
 * user.extra?.accessKeyId?.[0]; //=> 'AKIA3EXAMPLELEGACY77'
 * ```
 * @see UserInfoSchema
 */
export type UserInfo = z.infer<typeof UserInfoSchema>;

/**
 * The audit flavour of ObjectReference (not core/v1): all fields optional.
 * `apiGroup` is empty/absent for the core group; v1alpha1 had no `apiGroup`
 * and put `group/version` in `apiVersion`.
 *
 * @example
 * ```ts
 * ObjectReferenceSchema.parse({ resource: 'pods', subresource: 'exec', namespace: 'default', name: 'web-0' });
 * ```
 */
export const ObjectReferenceSchema = z.looseObject({
  resource: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  uid: z.string().optional(),
  apiGroup: z.string().optional(),
  apiVersion: z.string().optional(),
  resourceVersion: z.string().optional(),
  subresource: z.string().optional(),
});
/**
 * The object an audit event's request targeted (`objectRef`), as parsed by `ObjectReferenceSchema`.
 *
 * @example
 * ```ts
 * import type { AuditEvent, ObjectReference } from 'kubetrail/schema';
 * function target(event: AuditEvent): string {
 *   const ref: ObjectReference | undefined = event.objectRef;
 *   if (ref === undefined) return event.requestURI; // a non-resource request such as /healthz
 *   return [ref.namespace, ref.resource, ref.subresource, ref.name].filter((part) => part !== undefined).join('/');
 * }
 * ```
 * @see ObjectReferenceSchema
 */
export type ObjectReference = z.infer<typeof ObjectReferenceSchema>;

/**
 * metav1.ListMeta as found in `responseStatus.metadata` and `EventList.metadata`.
 *
 * @example
 * ```ts
 * ListMetaSchema.parse({});
 * ```
 */
export const ListMetaSchema = z.looseObject({
  selfLink: z.string().optional(),
  resourceVersion: z.string().optional(),
  continue: z.string().optional(),
  remainingItemCount: z.number().int().optional(),
});
/** @see ListMetaSchema */
export type ListMeta = z.infer<typeof ListMetaSchema>;

/**
 * metav1.StatusCause. The JSON key of the cause type is `reason`.
 *
 * @example
 * ```ts
 * StatusCauseSchema.parse({ reason: 'FieldValueInvalid', field: 'spec.replicas', message: 'must be >= 0' });
 * ```
 */
export const StatusCauseSchema = z.looseObject({
  reason: z.string().optional(),
  message: z.string().optional(),
  field: z.string().optional(),
});
/** @see StatusCauseSchema */
export type StatusCause = z.infer<typeof StatusCauseSchema>;

/**
 * metav1.StatusDetails.
 *
 * @example
 * ```ts
 * StatusDetailsSchema.parse({ kind: 'secrets', name: 'db' });
 * ```
 */
export const StatusDetailsSchema = z.looseObject({
  name: z.string().optional(),
  group: z.string().optional(),
  kind: z.string().optional(),
  uid: z.string().optional(),
  causes: z.array(StatusCauseSchema).optional(),
  retryAfterSeconds: z.number().int().optional(),
});
/** @see StatusDetailsSchema */
export type StatusDetails = z.infer<typeof StatusDetailsSchema>;

/**
 * metav1.Status, the audit event's `responseStatus`. Successful responses are
 * usually just `{ metadata: {}, code: 200 }`. `reason` is an open set.
 *
 * @example
 * ```ts
 * StatusSchema.parse({ metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403 });
 * ```
 */
export const StatusSchema = z.looseObject({
  kind: z.string().optional(),
  apiVersion: z.string().optional(),
  metadata: ListMetaSchema.optional(),
  status: z.enum(['Success', 'Failure']).optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  details: StatusDetailsSchema.optional(),
  code: z.number().int().optional(),
});
/**
 * The response status of an audit event (`responseStatus`, a `metav1.Status`), as parsed by `StatusSchema`.
 *
 * @example
 * ```ts
 * import type { AuditEvent, Status } from 'kubetrail/schema';
 * function denied(event: AuditEvent): boolean {
 *   const status: Status | undefined = event.responseStatus;
 *   return status?.code === 403 || status?.reason === 'Forbidden';
 * }
 * ```
 * @see StatusSchema
 */
export type Status = z.infer<typeof StatusSchema>;

/**
 * `authenticationMetadata` (Kubernetes 1.35+, constrained impersonation).
 *
 * @example
 * ```ts
 * AuthenticationMetadataSchema.parse({ impersonationConstraint: 'impersonate:user-info' });
 * ```
 */
export const AuthenticationMetadataSchema = z.looseObject({
  impersonationConstraint: z.string().optional(),
});
/** @see AuthenticationMetadataSchema */
export type AuthenticationMetadata = z.infer<typeof AuthenticationMetadataSchema>;

/**
 * metav1.MicroTime: RFC 3339 (the apiserver writes 6 fractional digits); a
 * zero value serialises as `null`.
 *
 * @example
 * ```ts
 * MicroTimeSchema.parse('2023-08-19T13:30:53.957200Z');
 * MicroTimeSchema.parse(null);
 * ```
 */
export const MicroTimeSchema = Rfc3339Schema.nullable();

/**
 * The pre-v1 `metadata` (ObjectMeta; only `creationTimestamp` is used).
 *
 * @example
 * ```ts
 * LegacyEventMetadataSchema.parse({ creationTimestamp: '2018-10-26T14:26:34Z' });
 * ```
 */
export const LegacyEventMetadataSchema = z.looseObject({
  creationTimestamp: Rfc3339Schema.nullable().optional(),
});

/**
 * A Kubernetes audit `Event`.
 *
 * Strict mode requires the fields the apiserver always writes (`level`,
 * `auditID`, `stage`, `requestURI`, `verb`, `user`, and `requestReceivedTimestamp`
 * plus `stageTimestamp`, possibly `null`, unless the event has the pre-v1
 * `timestamp` field instead), closes the `level`/`stage`/
 * `apiVersion`/`kind` enums and checks timestamp formats. `verb` is an open
 * string (non-resource requests use lower-cased HTTP methods). The v1beta1
 * fields `timestamp` and `metadata` are accepted on any version.
 *
 * @example
 * ```ts
 * const event: AuditEvent = AuditEventSchema.parse({
 *   kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: '7e0c…',
 *   stage: 'ResponseComplete', requestURI: '/api/v1/namespaces/default/pods', verb: 'list',
 *   user: { username: 'kubernetes-admin' },
 *   requestReceivedTimestamp: '2023-08-19T13:30:53.957200Z', stageTimestamp: '2023-08-19T13:30:53.960000Z',
 * });
 * ```
 */
export const AuditEventSchema = z
  .looseObject({
    kind: z.literal('Event').optional(),
    apiVersion: z.enum(AUDIT_API_VERSIONS).optional(),
    level: z.enum(AUDIT_LEVELS),
    auditID: z.string().min(1),
    stage: z.enum(AUDIT_STAGES),
    requestURI: z.string(),
    verb: z.string().min(1),
    user: UserInfoSchema,
    impersonatedUser: UserInfoSchema.optional(),
    authenticationMetadata: AuthenticationMetadataSchema.optional(),
    sourceIPs: z.array(z.string()).optional(),
    userAgent: z.string().optional(),
    objectRef: ObjectReferenceSchema.optional(),
    responseStatus: StatusSchema.optional(),
    requestObject: z.unknown().optional(),
    responseObject: z.unknown().optional(),
    requestReceivedTimestamp: MicroTimeSchema.optional(),
    stageTimestamp: MicroTimeSchema.optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    timestamp: Rfc3339Schema.nullable().optional(),
    metadata: LegacyEventMetadataSchema.optional(),
  })
  .superRefine((event, ctx) => {
    // v1 events always carry both MicroTimes (possibly null); pre-v1 shapes
    // (1.7/1.8-era v1beta1, sometimes relabelled v1) carry `timestamp` instead.
    if (event.timestamp !== undefined) return;
    for (const field of ['requestReceivedTimestamp', 'stageTimestamp'] as const) {
      if (event[field] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `${field} is required (or the pre-v1 timestamp field)`,
        });
      }
    }
  });
/**
 * One Kubernetes audit event (`audit.k8s.io/v1`, tolerating `v1beta1`), as parsed by `AuditEventSchema`.
 *
 * @example
 * ```ts
 * const event: AuditEvent = parseAuditEvent(JSON.parse(line));
 * console.log(event.verb, event.user.username, event.objectRef?.resource);
 * ```
 * @see AuditEventSchema
 */
export type AuditEvent = z.infer<typeof AuditEventSchema>;

/**
 * An audit `EventList`: what the webhook backend POSTs (one batch per request).
 *
 * @example
 * ```ts
 * AuditEventListSchema.parse({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: [] });
 * ```
 */
export const AuditEventListSchema = z.looseObject({
  kind: z.literal('EventList'),
  apiVersion: z.enum(AUDIT_API_VERSIONS).optional(),
  metadata: ListMetaSchema.optional(),
  items: z.array(AuditEventSchema),
});
/**
 * A Kubernetes audit `EventList` (a webhook batch), as parsed by `AuditEventListSchema`.
 *
 * @example
 * ```ts
 * import { type AuditEventList, parseAuditEventList } from 'kubetrail/schema';
 * const batch: AuditEventList = parseAuditEventList({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [] });
 * for (const event of batch.items) console.log(event.auditID, event.verb);
 * ```
 * @see AuditEventListSchema
 */
export type AuditEventList = z.infer<typeof AuditEventListSchema>;
