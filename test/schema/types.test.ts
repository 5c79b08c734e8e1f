import { describe, expectTypeOf, test } from 'vitest';
import type {
  AuditEvent,
  AuditEventList,
  CloudTrailFile,
  CloudTrailRecord,
  KlogLine,
  LenientAuditEvent,
  LenientCloudTrailRecord,
  ObjectReference,
  RecordClass,
  Status,
  UserIdentity,
  UserInfo,
  ValidationResult,
  ValidationWarning,
} from '../../src/schema/index.js';
import {
  classifyRecord,
  isCloudTrailFile,
  parseAuditEvent,
  parseAuthenticatorLine,
  parseCloudTrailRecord,
  parseKlogLine,
  validateAuditEvent,
  validateCloudTrailRecord,
} from '../../src/schema/index.js';

describe('inferred types', () => {
  test('audit event', () => {
    expectTypeOf<AuditEvent['level']>().toEqualTypeOf<'None' | 'Metadata' | 'Request' | 'RequestResponse'>();
    expectTypeOf<AuditEvent['stage']>().toEqualTypeOf<
      'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic'
    >();
    expectTypeOf<AuditEvent['auditID']>().toEqualTypeOf<string>();
    expectTypeOf<AuditEvent['verb']>().toEqualTypeOf<string>();
    expectTypeOf<AuditEvent['user']>().toEqualTypeOf<UserInfo>();
    expectTypeOf<AuditEvent['objectRef']>().toEqualTypeOf<ObjectReference | undefined>();
    expectTypeOf<AuditEvent['responseStatus']>().toEqualTypeOf<Status | undefined>();
    expectTypeOf<AuditEvent['requestReceivedTimestamp']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<AuditEvent['annotations']>().toEqualTypeOf<Record<string, string> | undefined>();
    expectTypeOf<NonNullable<UserInfo['extra']>>().toEqualTypeOf<Record<string, string[]>>();
    expectTypeOf<NonNullable<Status['code']>>().toEqualTypeOf<number>();
    expectTypeOf<AuditEventList['items']>().toEqualTypeOf<AuditEvent[]>();
    // Unknown fields are kept, typed unknown.
    expectTypeOf<AuditEvent['someFutureField']>().toEqualTypeOf<unknown>();
  });

  test('CloudTrail record', () => {
    expectTypeOf<CloudTrailRecord['eventVersion']>().toEqualTypeOf<string>();
    expectTypeOf<CloudTrailRecord['readOnly']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<CloudTrailRecord['sessionCredentialFromConsole']>().toEqualTypeOf<
      'true' | 'false' | undefined
    >();
    expectTypeOf<CloudTrailRecord['requestParameters']>().toEqualTypeOf<
      Record<string, unknown> | null | undefined
    >();
    expectTypeOf<CloudTrailRecord['userIdentity']>().toEqualTypeOf<UserIdentity | undefined>();
    expectTypeOf<NonNullable<UserIdentity['type']>>().toEqualTypeOf<
      | 'Root'
      | 'IAMUser'
      | 'AssumedRole'
      | 'Role'
      | 'FederatedUser'
      | 'Directory'
      | 'AWSAccount'
      | 'AWSService'
      | 'IdentityCenterUser'
      | 'Unknown'
      | 'SAMLUser'
      | 'WebIdentityUser'
    >();
    expectTypeOf<CloudTrailFile['Records']>().toEqualTypeOf<CloudTrailRecord[]>();
  });

  test('lenient types widen enums and make fields optional', () => {
    expectTypeOf<LenientAuditEvent['level']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<LenientAuditEvent['auditID']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<LenientCloudTrailRecord['eventType']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<LenientCloudTrailRecord['readOnly']>().toEqualTypeOf<boolean | undefined>();
  });

  test('validators pick the value type from the mode', () => {
    expectTypeOf(validateAuditEvent({})).toEqualTypeOf<ValidationResult<AuditEvent>>();
    const lenient = validateCloudTrailRecord({}, { mode: 'lenient' });
    expectTypeOf(lenient).toEqualTypeOf<ValidationResult<LenientCloudTrailRecord>>();
    if (lenient.ok) expectTypeOf(lenient.warnings).toEqualTypeOf<readonly ValidationWarning[]>();
    // Not called: the throwing variants would throw on `{}`.
    expectTypeOf(() => parseAuditEvent({})).returns.toEqualTypeOf<AuditEvent>();
    expectTypeOf(() =>
      parseCloudTrailRecord({}, { mode: 'lenient' }),
    ).returns.toEqualTypeOf<LenientCloudTrailRecord>();
  });

  test('classifier and line parsers', () => {
    expectTypeOf(classifyRecord).returns.toEqualTypeOf<RecordClass>();
    const value: unknown = { Records: [] };
    if (isCloudTrailFile(value)) expectTypeOf(value.Records).toEqualTypeOf<readonly unknown[]>();
    expectTypeOf(parseKlogLine).returns.toEqualTypeOf<KlogLine | undefined>();
    expectTypeOf(parseAuthenticatorLine('')?.groups).toEqualTypeOf<readonly string[] | undefined>();
  });
});
