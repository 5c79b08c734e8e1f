import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { auditEventJsonSchema, cloudTrailRecordJsonSchema } from '../../src/schema/json-schema.js';

const DOCS = new URL('../../docs/schemas/', import.meta.url);

describe('committed JSON Schemas', () => {
  test.each([
    ['audit-event.schema.json', auditEventJsonSchema],
    ['cloudtrail-record.schema.json', cloudTrailRecordJsonSchema],
  ] as const)('%s is up to date (run `npx tsx scripts/generate-json-schemas.ts`)', (file, make) => {
    const committed = readFileSync(new URL(file, DOCS), 'utf8');
    expect(committed).toBe(JSON.stringify(make(), null, 2) + '\n');
  });

  test('describe the records as open objects with the strict requirements', () => {
    const audit = auditEventJsonSchema() as {
      required: string[];
      additionalProperties: unknown;
      $schema: string;
    };
    expect(audit.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(audit.required).toEqual(['level', 'auditID', 'stage', 'requestURI', 'verb', 'user']);
    expect(audit.additionalProperties).toEqual({});
    const ct = cloudTrailRecordJsonSchema() as { required: string[] };
    expect(ct.required).toEqual(['eventVersion', 'eventTime', 'awsRegion']);
  });
});
