import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { AuditEventListSchema, AuditEventSchema } from '../../src/schema/audit-event.js';
import {
  classifyRecord,
  isAuditEvent,
  isAuditEventList,
  isCloudTrailDigest,
  isCloudTrailFile,
  isCloudTrailRecord,
  type RecordClass,
} from '../../src/schema/classify.js';
import { CloudTrailDigestSchema } from '../../src/schema/cloudtrail-digest.js';
import {
  CLOUDTRAIL_REQUIRED_SINCE,
  CLOUDTRAIL_REQUIRED_UNLESS_INSIGHT,
  CloudTrailRecordSchema,
  CloudTrailRecordShapeSchema,
  parseEventVersion,
} from '../../src/schema/cloudtrail-record.js';
import {
  validateAuditEvent,
  validateAuditEventList,
  validateCloudTrailFile,
  validateCloudTrailRecord,
} from '../../src/schema/validate.js';
import { arbitraryFor } from './zod-arbitrary.js';

type Json = Record<string, unknown>;

/** Applies the refinements the structural generator cannot know about, from a fully populated twin. */
function fixAuditEvent([event, full]: [Json, Json]): Json {
  const out = { ...event };
  if (out.timestamp === undefined) {
    for (const key of ['requestReceivedTimestamp', 'stageTimestamp']) {
      if (out[key] === undefined) out[key] = full[key];
    }
  }
  return out;
}

function fixCloudTrail([record, full]: [Json, Json]): Json {
  const out = { ...record };
  // Version-required fields first: they include eventType and eventCategory, which decide "Insights event".
  const version = parseEventVersion(String(out.eventVersion));
  if (version?.[0] === 1) {
    for (const [minor, key] of CLOUDTRAIL_REQUIRED_SINCE) {
      if (version[1] >= minor && out[key] === undefined) out[key] = full[key];
    }
  }
  const insight = out.eventType === 'AwsCloudTrailInsight' || out.eventCategory === 'Insight';
  if (insight && out.insightDetails === undefined) out.insightDetails = full.insightDetails;
  if (!insight) {
    for (const key of CLOUDTRAIL_REQUIRED_UNLESS_INSIGHT) if (out[key] === undefined) out[key] = full[key];
  }
  return out;
}

const pair = (schema: Parameters<typeof arbitraryFor>[0]) =>
  fc.tuple(
    arbitraryFor(schema) as fc.Arbitrary<Json>,
    arbitraryFor(schema, { allRequired: true }) as fc.Arbitrary<Json>,
  );

const auditEvent = pair(AuditEventSchema).map(fixAuditEvent);
const cloudTrailRecord = pair(CloudTrailRecordShapeSchema).map(fixCloudTrail);
const auditEventList = fc
  .tuple(
    arbitraryFor(AuditEventListSchema.omit({ items: true })) as fc.Arbitrary<Json>,
    fc.array(auditEvent, { maxLength: 3 }),
  )
  .map(([envelope, items]) => ({ ...envelope, items }));
const cloudTrailFile = fc.array(cloudTrailRecord, { maxLength: 3 }).map((Records) => ({ Records }));
const digest = arbitraryFor(CloudTrailDigestSchema) as fc.Arbitrary<Json>;

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('generated records', () => {
  test.each([
    ['audit event', auditEvent, validateAuditEvent],
    ['audit event list', auditEventList, validateAuditEventList],
    ['CloudTrail record', cloudTrailRecord, validateCloudTrailRecord],
    ['CloudTrail file', cloudTrailFile, validateCloudTrailFile],
  ] as const)('%s: round-trips through JSON and validates in both modes', (_name, arbitrary, validate) => {
    fc.assert(
      fc.property(arbitrary, (value) => {
        const copy = roundTrip(value);
        expect(copy).toEqual(value);
        const strict = validate(copy, { mode: 'strict' });
        expect(strict.ok ? [] : strict.issues).toEqual([]);
        const lenient = validate(copy, { mode: 'lenient' });
        expect(lenient.ok).toBe(true);
        if (lenient.ok) {
          expect(lenient.warnings).toEqual([]);
          expect(lenient.value).toEqual(copy);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('digests match the digest schema', () => {
    fc.assert(
      fc.property(digest, (value) => {
        expect(CloudTrailDigestSchema.safeParse(roundTrip(value)).success).toBe(true);
      }),
    );
  });

  test('the refinement fix-ups are needed and sufficient', () => {
    // Sanity check on the generator: the strict schemas (with refinements) accept every fixed record.
    fc.assert(
      fc.property(auditEvent, cloudTrailRecord, (a, c) => {
        expect(AuditEventSchema.safeParse(a).success).toBe(true);
        expect(CloudTrailRecordSchema.safeParse(c).success).toBe(true);
      }),
    );
  });
});

describe('classifier', () => {
  const kinds: readonly [RecordClass, fc.Arbitrary<unknown>][] = [
    ['kubernetes-audit-event', auditEvent],
    ['kubernetes-audit-event-list', auditEventList],
    ['cloudtrail-record', cloudTrailRecord],
    ['cloudtrail-file', cloudTrailFile],
    ['cloudtrail-digest', digest],
  ];

  test.each(kinds)('classifies generated %s correctly', (expected, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (value) => {
        expect(classifyRecord(value)).toBe(expected);
        expect(classifyRecord(roundTrip(value))).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  const guards = [isAuditEvent, isAuditEventList, isCloudTrailRecord, isCloudTrailFile, isCloudTrailDigest];

  test('arbitrary JSON: total, and exactly one guard agrees unless unknown', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        const kind = classifyRecord(value);
        const hits = guards.filter((guard) => guard(value)).length;
        expect(hits).toBe(kind === 'unknown' ? 0 : 1);
      }),
      { numRuns: 500 },
    );
  });

  test('arbitrary JSON objects carrying a kind key are never CloudTrail', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })),
        fc.jsonValue({ maxDepth: 0 }),
        (o, kind) => {
          const value = { ...o, kind };
          expect(['cloudtrail-record']).not.toContain(classifyRecord(value));
        },
      ),
    );
  });

  test('audit events never classify as CloudTrail and vice versa, even with extra unrelated keys', () => {
    const extra = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 6 }).map((k) => `x-${k}`),
      fc.jsonValue({ maxDepth: 1 }),
      { maxKeys: 3 },
    );
    fc.assert(
      fc.property(auditEvent, cloudTrailRecord, extra, (a, c, x) => {
        expect(classifyRecord({ ...x, ...a })).toBe('kubernetes-audit-event');
        expect(classifyRecord({ ...x, ...c })).toBe('cloudtrail-record');
      }),
    );
  });
});

describe('lenient mode', () => {
  test('never fails on a JSON object and never mutates it', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 16 }), fc.jsonValue({ maxDepth: 3 })), (value) => {
        const before = JSON.stringify(value);
        for (const validate of [
          validateAuditEvent,
          validateCloudTrailRecord,
          validateAuditEventList,
          validateCloudTrailFile,
        ]) {
          expect(validate(value, { mode: 'lenient' }).ok).toBe(true);
        }
        expect(JSON.stringify(value)).toBe(before);
      }),
      { numRuns: 300 },
    );
  });

  test('never fails on generated records with random values substituted for known fields', () => {
    const mangled = fc
      .tuple(
        cloudTrailRecord,
        fc.constantFrom(...Object.keys(CloudTrailRecordShapeSchema.shape)),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map(([record, key, junk]) => ({ ...record, [key]: junk }));
    fc.assert(
      fc.property(mangled, (value) => {
        const result = validateCloudTrailRecord(value, { mode: 'lenient' });
        expect(result.ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
