/**
 * Typed schemas for every record kind kubetrail reads: Kubernetes audit
 * events, CloudTrail records/files/digests, and the EKS control-plane text
 * lines; plus the classifier, the two validation modes and the JSON Schemas.
 *
 * Imports nothing from `node:`.
 *
 * @module
 */

export {
  AUDIT_ANNOTATION_PREFIXES,
  AUDIT_ANNOTATIONS,
  getAnnotation,
  getAuthorizationDecision,
  getAuthorizationReason,
  getDeprecation,
  getLatencyAnnotations,
  getPodSecurityEnforcePolicy,
  getWebhookAnnotations,
  type HasAnnotations,
  isTruncated,
  type WebhookAnnotation,
} from './audit-annotations.js';
export {
  AUDIT_API_VERSIONS,
  AUDIT_LEVELS,
  AUDIT_STAGES,
  type AuditEvent,
  type AuditEventList,
  AuditEventListSchema,
  AuditEventSchema,
  type AuthenticationMetadata,
  AuthenticationMetadataSchema,
  LegacyEventMetadataSchema,
  type ListMeta,
  ListMetaSchema,
  MicroTimeSchema,
  type ObjectReference,
  ObjectReferenceSchema,
  type Status,
  type StatusCause,
  StatusCauseSchema,
  type StatusDetails,
  StatusDetailsSchema,
  StatusSchema,
  type UserInfo,
  UserInfoSchema,
} from './audit-event.js';
export {
  classifyRecord,
  isAuditEvent,
  isAuditEventList,
  isCloudTrailDigest,
  isCloudTrailFile,
  isCloudTrailRecord,
  type JsonObject,
  type RecordClass,
} from './classify.js';
export {
  type CloudTrailDigest,
  CloudTrailDigestLogFileSchema,
  CloudTrailDigestSchema,
} from './cloudtrail-digest.js';
export {
  type Addendum,
  AddendumSchema,
  CLOUDTRAIL_EVENT_CATEGORIES,
  CLOUDTRAIL_EVENT_TYPES,
  CLOUDTRAIL_REQUIRED_SINCE,
  CLOUDTRAIL_REQUIRED_UNLESS_INSIGHT,
  type CloudTrailFile,
  CloudTrailFileSchema,
  type CloudTrailRecord,
  CloudTrailRecordSchema,
  CloudTrailRecordShapeSchema,
  type CloudTrailResource,
  CloudTrailResourceSchema,
  EVENT_VERSION_PATTERN,
  EventContextSchema,
  InsightAttributionSchema,
  type InsightDetails,
  InsightDetailsSchema,
  parseEventVersion,
  type SessionAttributes,
  SessionAttributesSchema,
  type SessionContext,
  SessionContextSchema,
  type SessionIssuer,
  SessionIssuerSchema,
  type TlsDetails,
  TlsDetailsSchema,
  USER_IDENTITY_TYPES,
  type UserIdentity,
  UserIdentitySchema,
  type UserIdentityType,
  type WebIdFederationData,
  WebIdFederationDataSchema,
} from './cloudtrail-record.js';
export {
  type AuthenticatorLine,
  type KlogLine,
  type KlogParseOptions,
  type KlogSeverity,
  parseAuthenticatorLine,
  parseKlogLine,
} from './eks-lines.js';
export { EKS_USER_EXTRA_KEYS, type EksUserExtra, type HasExtra, readEksUserExtra } from './eks-user-extra.js';
export { auditEventJsonSchema, cloudTrailRecordJsonSchema, type JsonSchemaDocument } from './json-schema.js';
export { formatPath, type Lenient, type ValidationWarning } from './lenient.js';
export { RFC3339_PATTERN, Rfc3339Schema } from './timestamps.js';
export {
  type LenientAuditEvent,
  type LenientAuditEventList,
  type LenientCloudTrailFile,
  type LenientCloudTrailRecord,
  parseAuditEvent,
  parseAuditEventList,
  parseCloudTrailFile,
  parseCloudTrailRecord,
  type ValidateOptions,
  type ValidationMode,
  type ValidationResult,
  validateAuditEvent,
  validateAuditEventList,
  validateCloudTrailFile,
  validateCloudTrailRecord,
} from './validate.js';
export {
  isValidationError,
  SCHEMA_ERROR_CODES,
  type SchemaErrorCode,
  ValidationError,
} from './validation-error.js';
