/**
 * `kubetrail/schema`: the typed records.
 *
 * zod schemas and inferred types for Kubernetes audit events and CloudTrail
 * records (strict and lenient), their JSON Schemas, validation with warnings,
 * record classification, annotation accessors and the EKS log-line parsers
 * (authenticator, klog). See docs/schemas.md.
 *
 * @example
 * ```ts
 * import { classifyRecord, validateAuditEvent } from 'kubetrail/schema';
 * ```
 *
 * @module
 */

export type {
  LogEvent,
  LogKind,
  LogSource,
} from '../log-event.js';
export {
  AUDIT_ANNOTATION_PREFIXES,
  AUDIT_ANNOTATIONS,
  type AuditEvent,
  type AuditEventList,
  AuditEventListSchema,
  AuditEventSchema,
  type AuthenticatorLine,
  auditEventJsonSchema,
  type CloudTrailDigest,
  CloudTrailDigestSchema,
  type CloudTrailFile,
  CloudTrailFileSchema,
  type CloudTrailRecord,
  CloudTrailRecordSchema,
  classifyRecord,
  cloudTrailRecordJsonSchema,
  EKS_USER_EXTRA_KEYS,
  type EksUserExtra,
  getAnnotation,
  getAuthorizationDecision,
  getAuthorizationReason,
  getDeprecation,
  getLatencyAnnotations,
  getPodSecurityEnforcePolicy,
  getWebhookAnnotations,
  isAuditEvent,
  isAuditEventList,
  isCloudTrailDigest,
  isCloudTrailFile,
  isCloudTrailRecord,
  isTruncated,
  isValidationError,
  type KlogLine,
  type KlogParseOptions,
  type Lenient,
  type LenientAuditEvent,
  type LenientAuditEventList,
  type LenientCloudTrailFile,
  type LenientCloudTrailRecord,
  type ObjectReference,
  ObjectReferenceSchema,
  parseAuditEvent,
  parseAuditEventList,
  parseAuthenticatorLine,
  parseCloudTrailFile,
  parseCloudTrailRecord,
  parseKlogLine,
  type RecordClass,
  readEksUserExtra,
  SCHEMA_ERROR_CODES,
  type Status,
  StatusSchema,
  type UserIdentity,
  UserIdentitySchema,
  type UserInfo,
  UserInfoSchema,
  type ValidateOptions,
  ValidationError,
  type ValidationMode,
  type ValidationResult,
  type ValidationWarning,
  validateAuditEvent,
  validateAuditEventList,
  validateCloudTrailFile,
  validateCloudTrailRecord,
} from '../schema/index.js';
