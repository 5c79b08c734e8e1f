/**
 * Zod schemas and inferred types for CloudTrail records (eventVersion 1.0 to
 * 1.11), including Insights events, and for the S3 log-file envelope
 * `{"Records":[…]}`. Every object is loose: unknown fields are kept.
 *
 * These are the **strict** schemas; lenient validation (see `validate.ts`)
 * derives a relaxed structural schema from them.
 *
 * @module
 */

import { z } from 'zod';
import { Rfc3339Schema } from './timestamps.js';

/** Every documented `userIdentity.type`. */
export const USER_IDENTITY_TYPES = [
  'Root',
  'IAMUser',
  'AssumedRole',
  'Role',
  'FederatedUser',
  'Directory',
  'AWSAccount',
  'AWSService',
  'IdentityCenterUser',
  'Unknown',
  'SAMLUser',
  'WebIdentityUser',
] as const;
/** A documented `userIdentity.type`. */
export type UserIdentityType = (typeof USER_IDENTITY_TYPES)[number];

/** `eventType` values (`AwsVpceEvent` is network activity; the docs misspell it `AwsVpceEvents`). */
export const CLOUDTRAIL_EVENT_TYPES = [
  'AwsApiCall',
  'AwsServiceEvent',
  'AwsConsoleAction',
  'AwsConsoleSignIn',
  'AwsCloudTrailInsight',
  'AwsVpceEvent',
] as const;

/** `eventCategory` values (since 1.07). */
export const CLOUDTRAIL_EVENT_CATEGORIES = ['Management', 'Data', 'NetworkActivity', 'Insight'] as const;

/** eventVersion is `<major>.<minor>`; `1.0`, `1.01` … `1.11`. */
export const EVENT_VERSION_PATTERN = /^\d{1,3}\.\d{1,3}$/;

const optionalString = () => z.string().optional();
const payload = () => z.record(z.string(), z.unknown());

/**
 * `sessionContext.sessionIssuer`: where temporary credentials came from (may be `{}`).
 *
 * @example
 * ```ts
 * SessionIssuerSchema.parse({ type: 'Role', arn: 'arn:aws:iam::111122223333:role/node', accountId: '111122223333' });
 * ```
 */
export const SessionIssuerSchema = z.looseObject({
  type: z.enum(['Root', 'IAMUser', 'Role']).optional(),
  principalId: optionalString(),
  arn: optionalString(),
  accountId: optionalString(),
  userName: optionalString(),
});
/** @see SessionIssuerSchema */
export type SessionIssuer = z.infer<typeof SessionIssuerSchema>;

/**
 * `sessionContext.webIdFederationData`: the OIDC/SAML provider (IRSA sets
 * `federatedProvider` to the cluster's OIDC provider ARN). May be `{}`.
 *
 * @example
 * ```ts
 * WebIdFederationDataSchema.parse({ federatedProvider: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks…', attributes: {} });
 * ```
 */
export const WebIdFederationDataSchema = z.looseObject({
  federatedProvider: optionalString(),
  attributes: payload().optional(),
});
/** @see WebIdFederationDataSchema */
export type WebIdFederationData = z.infer<typeof WebIdFederationDataSchema>;

/**
 * `sessionContext.attributes`. `mfaAuthenticated` is the **string** `"true"`/`"false"`.
 *
 * @example
 * ```ts
 * SessionAttributesSchema.parse({ creationDate: '2023-12-13T01:04:37Z', mfaAuthenticated: 'false' });
 * ```
 */
export const SessionAttributesSchema = z.looseObject({
  creationDate: optionalString(),
  mfaAuthenticated: z.enum(['true', 'false']).optional(),
});
/** @see SessionAttributesSchema */
export type SessionAttributes = z.infer<typeof SessionAttributesSchema>;

/**
 * `userIdentity.sessionContext` for temporary credentials.
 * `ec2RoleDelivery` is `"1.0"` (IMDSv1) or `"2.0"` (IMDSv2); `assumedRoot` is the string `"true"`.
 *
 * @example
 * ```ts
 * SessionContextSchema.parse({ sessionIssuer: {}, attributes: { mfaAuthenticated: 'false' }, ec2RoleDelivery: '2.0' });
 * ```
 */
export const SessionContextSchema = z.looseObject({
  sessionIssuer: SessionIssuerSchema.optional(),
  webIdFederationData: WebIdFederationDataSchema.optional(),
  attributes: SessionAttributesSchema.optional(),
  sourceIdentity: optionalString(),
  ec2RoleDelivery: optionalString(),
  assumedRoot: z.enum(['true', 'false']).optional(),
  signInSessionArn: optionalString(),
});
/** @see SessionContextSchema */
export type SessionContext = z.infer<typeof SessionContextSchema>;

/**
 * `userIdentity`: who made the request. Which fields appear depends on `type`:
 * `IAMUser` (principalId `AIDA…`, arn, accountId, accessKeyId, userName),
 * `AssumedRole` (principalId `AROA…:<session>`, arn `…:assumed-role/<role>/<session>`, sessionContext),
 * `Root`, `FederatedUser` (sessionContext.sessionIssuer = the IAM user),
 * `AWSService`/`AWSAccount` (invokedBy, accountId), `SAMLUser`/`WebIdentityUser`
 * (principalId `<issuer>:<aud>:<sub>`, userName, identityProvider),
 * `IdentityCenterUser` (onBehalfOf, credentialId), `Directory`, `Role`, `Unknown`.
 * `type` is absent in a few old events.
 *
 * @example
 * ```ts
 * UserIdentitySchema.parse({ type: 'AWSService', invokedBy: 'pods.eks.amazonaws.com' });
 * ```
 */
export const UserIdentitySchema = z.looseObject({
  type: z.enum(USER_IDENTITY_TYPES).optional(),
  principalId: optionalString(),
  arn: optionalString(),
  accountId: optionalString(),
  accessKeyId: optionalString(),
  userName: optionalString(),
  sessionContext: SessionContextSchema.optional(),
  invokedBy: optionalString(),
  invokedByDelegate: z.looseObject({ accountId: optionalString() }).optional(),
  onBehalfOf: z.looseObject({ userId: optionalString(), identityStoreArn: optionalString() }).optional(),
  inScopeOf: z
    .looseObject({
      sourceArn: optionalString(),
      sourceAccount: optionalString(),
      issuerType: optionalString(),
      credentialsIssuedTo: optionalString(),
    })
    .optional(),
  credentialId: optionalString(),
  identityProvider: optionalString(),
});
/**
 * The identity that made a CloudTrail request (`userIdentity`), as parsed by `UserIdentitySchema`.
 *
 * @example
 * ```ts
 * import type { CloudTrailRecord, UserIdentity } from 'kubetrail/schema';
 * function who(record: CloudTrailRecord): string | undefined {
 *   const identity: UserIdentity | undefined = record.userIdentity;
 *   if (identity?.type === 'AssumedRole') return identity.sessionContext?.sessionIssuer?.arn; // the role, not the session
 *   return identity?.arn ?? identity?.invokedBy;
 * }
 * ```
 * @see UserIdentitySchema
 */
export type UserIdentity = z.infer<typeof UserIdentitySchema>;

/**
 * One `resources[]` entry. Note the upper-case `ARN`.
 *
 * @example
 * ```ts
 * CloudTrailResourceSchema.parse({ ARN: 'arn:aws:iam::111122223333:role/app', accountId: '111122223333', type: 'AWS::IAM::Role' });
 * ```
 */
export const CloudTrailResourceSchema = z.looseObject({
  ARN: optionalString(),
  ARNPrefix: optionalString(),
  accountId: optionalString(),
  type: optionalString(),
});
/** @see CloudTrailResourceSchema */
export type CloudTrailResource = z.infer<typeof CloudTrailResourceSchema>;

/**
 * `tlsDetails` (since 1.08). Absent when a service calls on your behalf.
 *
 * @example
 * ```ts
 * TlsDetailsSchema.parse({ tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'sts.amazonaws.com' });
 * ```
 */
export const TlsDetailsSchema = z.looseObject({
  tlsVersion: optionalString(),
  cipherSuite: optionalString(),
  clientProvidedHostHeader: optionalString(),
  keyExchange: optionalString(),
});
/** @see TlsDetailsSchema */
export type TlsDetails = z.infer<typeof TlsDetailsSchema>;

/**
 * `addendum` (since 1.08): why a record was delivered late or updated.
 *
 * @example
 * ```ts
 * AddendumSchema.parse({ reason: 'DELIVERY_DELAY' });
 * ```
 */
export const AddendumSchema = z.looseObject({
  reason: z.enum(['DELIVERY_DELAY', 'UPDATED_DATA', 'SERVICE_OUTAGE']).optional(),
  updatedFields: optionalString(),
  originalRequestID: optionalString(),
  originalEventID: optionalString(),
});
/** @see AddendumSchema */
export type Addendum = z.infer<typeof AddendumSchema>;

/**
 * `eventContext` (1.11, CloudTrail Lake enriched events only).
 *
 * @example
 * ```ts
 * EventContextSchema.parse({ requestContext: {}, tagContext: {} });
 * ```
 */
export const EventContextSchema = z.looseObject({
  requestContext: z.unknown().optional(),
  tagContext: z.unknown().optional(),
});

const AverageSchema = z.looseObject({ average: z.number().optional() });
const AttributionValueSchema = z.looseObject({ value: optionalString(), average: z.number().optional() });

/**
 * An Insights attribution: which caller/user agent/error code drove the anomaly.
 * An error-code `value` can be the string `"null"`.
 *
 * @example
 * ```ts
 * InsightAttributionSchema.parse({ attribute: 'userAgent', insight: [{ value: 'aws-cli/2', average: 10 }], baseline: [] });
 * ```
 */
export const InsightAttributionSchema = z.looseObject({
  attribute: z.enum(['userIdentityArn', 'userAgent', 'errorCode']).optional(),
  insight: z.array(AttributionValueSchema).optional(),
  baseline: z.array(AttributionValueSchema).optional(),
});

/**
 * `insightDetails` of a CloudTrail Insights event (since 1.07). Start and End
 * events share `sharedEventID`.
 *
 * @example
 * ```ts
 * InsightDetailsSchema.parse({ state: 'Start', eventSource: 'ssm.amazonaws.com', eventName: 'UpdateInstanceInformation', insightType: 'ApiCallRateInsight' });
 * ```
 */
export const InsightDetailsSchema = z.looseObject({
  state: z.enum(['Start', 'End']),
  eventSource: z.string(),
  eventName: z.string(),
  insightType: z.enum(['ApiCallRateInsight', 'ApiErrorRateInsight']),
  errorCode: optionalString(),
  insightContext: z
    .looseObject({
      statistics: z
        .looseObject({
          baseline: AverageSchema.optional(),
          insight: AverageSchema.optional(),
          insightDuration: z.number().optional(),
          baselineDuration: z.number().optional(),
        })
        .optional(),
      attributions: z.array(InsightAttributionSchema).optional(),
    })
    .optional(),
});
/** @see InsightDetailsSchema */
export type InsightDetails = z.infer<typeof InsightDetailsSchema>;

/**
 * The structural shape of a CloudTrail record, without the version-dependent
 * requirements that {@link CloudTrailRecordSchema} adds.
 *
 * @example
 * ```ts
 * CloudTrailRecordShapeSchema.shape.eventVersion.parse('1.11');
 * ```
 */
export const CloudTrailRecordShapeSchema = z.looseObject({
  eventVersion: z.string().regex(EVENT_VERSION_PATTERN, { error: 'expected an eventVersion such as 1.08' }),
  userIdentity: UserIdentitySchema.optional(),
  eventTime: Rfc3339Schema,
  eventSource: optionalString(),
  eventName: optionalString(),
  awsRegion: z.string(),
  sourceIPAddress: optionalString(),
  userAgent: optionalString(),
  errorCode: optionalString(),
  errorMessage: optionalString(),
  requestParameters: payload().nullable().optional(),
  responseElements: payload().nullable().optional(),
  additionalEventData: payload().nullable().optional(),
  requestID: optionalString(),
  eventID: optionalString(),
  eventType: z.enum(CLOUDTRAIL_EVENT_TYPES).optional(),
  apiVersion: optionalString(),
  managementEvent: z.boolean().optional(),
  readOnly: z.boolean().optional(),
  resources: z.array(CloudTrailResourceSchema).optional(),
  recipientAccountId: optionalString(),
  serviceEventDetails: payload().nullable().optional(),
  sharedEventID: optionalString(),
  vpcEndpointId: optionalString(),
  vpcEndpointAccountId: optionalString(),
  eventCategory: z.enum(CLOUDTRAIL_EVENT_CATEGORIES).optional(),
  addendum: AddendumSchema.optional(),
  sessionCredentialFromConsole: z.enum(['true', 'false']).optional(),
  edgeDeviceDetails: payload().optional(),
  tlsDetails: TlsDetailsSchema.optional(),
  eventContext: EventContextSchema.optional(),
  insightDetails: InsightDetailsSchema.optional(),
});

/**
 * Parses `"1.08"` into `[1, 8]` (minor compared numerically, so `1.1` = `1.01`).
 *
 * @example
 * ```ts
 * parseEventVersion('1.10'); //=> [1, 10]
 * parseEventVersion('x'); //=> undefined
 * ```
 */
export function parseEventVersion(version: string): readonly [number, number] | undefined {
  if (!EVENT_VERSION_PATTERN.test(version)) return undefined;
  const dot = version.indexOf('.');
  return [Number(version.slice(0, dot)), Number(version.slice(dot + 1))];
}

/**
 * Fields a record must carry from a given eventVersion on (strict mode):
 * `eventID` from 1.01, `eventType` from 1.02, `eventCategory` from 1.07.
 */
export const CLOUDTRAIL_REQUIRED_SINCE: readonly (readonly [minor: number, field: string])[] = [
  [1, 'eventID'],
  [2, 'eventType'],
  [7, 'eventCategory'],
];

/** Fields every non-Insights record carries (Insights events have none of them). */
export const CLOUDTRAIL_REQUIRED_UNLESS_INSIGHT = [
  'userIdentity',
  'eventSource',
  'eventName',
  'sourceIPAddress',
] as const;

/**
 * A CloudTrail record. Strict mode requires `eventVersion`, `eventTime` (RFC
 * 3339) and `awsRegion`; `userIdentity`, `eventSource`, `eventName` and
 * `sourceIPAddress` unless it is an Insights event (which instead needs
 * `insightDetails`); and the fields each eventVersion introduced as always
 * present (`eventID` ≥ 1.01, `eventType` ≥ 1.02, `eventCategory` ≥ 1.07).
 * `eventType`, `eventCategory` and `userIdentity.type` are closed enums;
 * regions and IP addresses are never checked against real lists.
 *
 * @example
 * ```ts
 * const record: CloudTrailRecord = CloudTrailRecordSchema.parse({
 *   eventVersion: '1.08', eventTime: '2023-12-13T05:13:13Z', awsRegion: 'us-west-2',
 *   eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity', sourceIPAddress: '203.0.113.10',
 *   userIdentity: { type: 'IAMUser', userName: 'alice' },
 *   eventID: 'e6b1…', eventType: 'AwsApiCall', eventCategory: 'Management',
 * });
 * ```
 */
export const CloudTrailRecordSchema = CloudTrailRecordShapeSchema.superRefine((record, ctx) => {
  const insight = record.eventType === 'AwsCloudTrailInsight' || record.eventCategory === 'Insight';
  if (insight) {
    if (record.insightDetails === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['insightDetails'],
        message: 'Insights events require insightDetails',
      });
    }
  } else {
    for (const field of CLOUDTRAIL_REQUIRED_UNLESS_INSIGHT) {
      if (record[field] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `${field} is required (not an Insights event)`,
        });
      }
    }
  }
  const version = parseEventVersion(record.eventVersion);
  if (version === undefined || version[0] !== 1) return;
  for (const [minor, field] of CLOUDTRAIL_REQUIRED_SINCE) {
    if (version[1] >= minor && record[field] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `${field} is required from eventVersion 1.${String(minor).padStart(2, '0')}`,
      });
    }
  }
});
/**
 * One CloudTrail record (event versions 1.0 to 1.11, Insights events included), as parsed by `CloudTrailRecordSchema`.
 *
 * @example
 * ```ts
 * const record: CloudTrailRecord = parseCloudTrailRecord(JSON.parse(line));
 * console.log(record.eventSource, record.eventName, record.userIdentity?.arn);
 * ```
 * @see CloudTrailRecordSchema
 */
export type CloudTrailRecord = z.infer<typeof CloudTrailRecordSchema>;

/**
 * The CloudTrail log-file body (S3 trail files, console "Download events" JSON).
 *
 * @example
 * ```ts
 * CloudTrailFileSchema.parse({ Records: [] });
 * ```
 */
export const CloudTrailFileSchema = z.looseObject({
  Records: z.array(CloudTrailRecordSchema),
});
/**
 * A CloudTrail log file envelope, `{"Records": [...]}`, as parsed by `CloudTrailFileSchema`.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { gunzipSync } from 'node:zlib';
 * import { type CloudTrailFile, parseCloudTrailFile } from 'kubetrail/schema';
 * const path =
 *   'samples/incident/cloudtrail/AWSLogs/111122223333/CloudTrail/us-west-2/2024/05/14/111122223333_CloudTrail_us-west-2_20240514T1127Z_a3Wt6B4F6AwiEh9z.json.gz';
 * const file: CloudTrailFile = parseCloudTrailFile(JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')));
 * file.Records.map((r) => `${r.eventSource}:${r.eventName}`);
 * ```
 * @see CloudTrailFileSchema
 */
export type CloudTrailFile = z.infer<typeof CloudTrailFileSchema>;
