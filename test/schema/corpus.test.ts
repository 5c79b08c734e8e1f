/**
 * Every Kubernetes audit event and CloudTrail record in the vendored corpus
 * (test/fixtures/corpus/)
 * validates in lenient mode; strict mode passes on the complete records and
 * names the first offending path on the others — asserted per file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { classifyRecord, type RecordClass } from '../../src/schema/classify.js';
import { CloudTrailDigestSchema } from '../../src/schema/cloudtrail-digest.js';
import { formatPath } from '../../src/schema/lenient.js';
import {
  type ValidationResult,
  validateAuditEvent,
  validateAuditEventList,
  validateCloudTrailFile,
  validateCloudTrailRecord,
} from '../../src/schema/validate.js';
import { CORPUS } from '../test-data.js';

function readText(file: string): string {
  return readFileSync(new URL(file, CORPUS), 'utf8');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The JSON values of a corpus file, unwrapping the CLI envelopes a reader
 * would unwrap (lookup-events `Events[].CloudTrailEvent`, Logs Insights
 * `results[][@message]`) and stripping Panther's `p_*` enrichment.
 */
function recordsOf(file: string): unknown[] {
  const text = readText(file);
  let values: unknown[];
  if (file.endsWith('.jsonl') || file.endsWith('.log')) {
    values = text
      .split('\n')
      .filter((l) => l.trim().length > 0)
      .map((l) => JSON.parse(l) as unknown);
  } else {
    try {
      const parsed = JSON.parse(text) as unknown;
      values = Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      // NDJSON stored with a .json extension.
      values = text
        .split('\n')
        .filter((l) => l.trim().length > 0)
        .map((l) => JSON.parse(l) as unknown);
    }
  }
  const out: unknown[] = [];
  for (const value of values) {
    if (isObject(value) && Array.isArray(value.Events)) {
      for (const e of value.Events) {
        out.push(isObject(e) && typeof e.CloudTrailEvent === 'string' ? JSON.parse(e.CloudTrailEvent) : e);
      }
    } else if (isObject(value) && Array.isArray(value.results)) {
      for (const row of value.results as { field: string; value: string }[][]) {
        const message = row.find((c) => c.field === '@message');
        if (message) out.push(JSON.parse(message.value));
      }
    } else if (file.startsWith('panther-analysis-tests/') && isObject(value)) {
      out.push(Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith('p_'))));
    } else {
      out.push(value);
    }
  }
  return out;
}

function validatorFor(kind: RecordClass) {
  switch (kind) {
    case 'kubernetes-audit-event':
      return validateAuditEvent;
    case 'kubernetes-audit-event-list':
      return validateAuditEventList;
    case 'cloudtrail-record':
      return validateCloudTrailRecord;
    case 'cloudtrail-file':
      return validateCloudTrailFile;
    default:
      return undefined;
  }
}

interface Outcome {
  /** Classes seen, with counts. */
  readonly classes: Record<string, number>;
  readonly lenientFailures: number;
  readonly strictPassed: number;
  /** First offending path of each strict failure → count. */
  readonly strictFailures: Record<string, number>;
}

function outcomeOf(file: string): Outcome {
  const classes: Record<string, number> = {};
  const strictFailures: Record<string, number> = {};
  let lenientFailures = 0;
  let strictPassed = 0;
  for (const record of recordsOf(file)) {
    const kind = classifyRecord(record);
    classes[kind] = (classes[kind] ?? 0) + 1;
    const validate = validatorFor(kind);
    if (validate === undefined) continue;
    const lenient = validate(record, { mode: 'lenient' }) as ValidationResult<unknown>;
    if (!lenient.ok) lenientFailures++;
    const strict = validate(record, { mode: 'strict' }) as ValidationResult<unknown>;
    if (strict.ok) strictPassed++;
    else {
      const key = formatPath(strict.path);
      strictFailures[key] = (strictFailures[key] ?? 0) + 1;
    }
  }
  return { classes, lenientFailures, strictPassed, strictFailures };
}

const dirs = readdirSync(CORPUS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const allFiles = dirs.flatMap((dir) =>
  readdirSync(new URL(`${dir}/`, CORPUS))
    .filter((f) => /\.(json|jsonl|log)$/.test(f))
    .map((f) => `${dir}/${f}`),
);

const AUDIT = 'kubernetes-audit-event';
const CT = 'cloudtrail-record';

/** Files whose strict outcome is not "every record passes", and the digests/odd files. */
const SPECIAL: Record<string, Outcome> = {
  // 2017 log-backend events relabelled v1 but with the pre-v1 `timestamp`: tolerated.
  'audit2rbac-testdata/demo.log': {
    classes: { [AUDIT]: 37 },
    lenientFailures: 0,
    strictPassed: 37,
    strictFailures: {},
  },
  // Logstash removed eventTime (lenient fills it from @timestamp).
  'otrf-security-datasets-aws/ec2_proxy_s3_exfiltration_2020-09-14011940.json': {
    classes: { [CT]: 103 },
    lenientFailures: 0,
    strictPassed: 0,
    strictFailures: { eventTime: 103 },
  },
  // Hand-written rule tests, mostly partial.
  'panther-analysis-tests/eks-audit-tests.jsonl': {
    classes: { [AUDIT]: 188 },
    lenientFailures: 0,
    strictPassed: 0,
    strictFailures: { level: 164, requestReceivedTimestamp: 16, verb: 4, auditID: 4 },
  },
  'panther-analysis-tests/cloudtrail-tests.jsonl': {
    // 8 records use lower-cased Lake column names, 3 are enrichment-only or bogus: not CloudTrail records.
    classes: { [CT]: 464, unknown: 11 },
    lenientFailures: 0,
    strictPassed: 236,
    strictFailures: {
      eventTime: 119,
      eventVersion: 46,
      eventCategory: 51,
      eventID: 9,
      'userIdentity.sessionContext.sessionIssuer.type': 1,
      'userIdentity.invokedBy': 1,
      resources: 1,
    },
  },
  // Malformed fuzz fixture {"kind": 0}.
  'falco-k8s-audit-traces/fal_01_003.json': {
    classes: { unknown: 1 },
    lenientFailures: 0,
    strictPassed: 0,
    strictFailures: {},
  },
  'awsdocs-cloudtrail-user-guide/19_cloudtrail-log-file-validation-digest-file-structure_digest-file.json': {
    classes: { 'cloudtrail-digest': 1 },
    lenientFailures: 0,
    strictPassed: 0,
    strictFailures: {},
  },
  'awsdocs-cloudtrail-user-guide/20_cloudtrail-log-file-validation-digest-file-structure_digest-file.json': {
    classes: { 'cloudtrail-digest': 1 },
    lenientFailures: 0,
    strictPassed: 0,
    strictFailures: {},
  },
};

function expectedFor(file: string, records: unknown[]): Outcome {
  const special = SPECIAL[file];
  if (special) return special;
  // Default: every record is of one valid kind and passes strict mode.
  const kind = classifyRecord(records[0]);
  return {
    classes: { [kind]: records.length },
    lenientFailures: 0,
    strictPassed: records.length,
    strictFailures: {},
  };
}

describe('corpus', () => {
  test('finds the corpus files', () => {
    expect(allFiles.length).toBeGreaterThanOrEqual(110);
  });

  test.each(allFiles)('%s', (file) => {
    const records = recordsOf(file);
    const expected = expectedFor(file, records);
    const actual = outcomeOf(file);
    expect(actual).toEqual(expected);
    // The default expectation must not hide a file that holds nothing we validate.
    if (!SPECIAL[file]) expect(Object.keys(expected.classes)).not.toContain('unknown');
  });

  test('digest files match the digest schema', () => {
    for (const file of Object.keys(SPECIAL).filter((f) => f.includes('digest-file'))) {
      expect(CloudTrailDigestSchema.safeParse(recordsOf(file)[0]).success).toBe(true);
    }
  });

  test('Records files validate record by record with prefixed paths', () => {
    const file = 'awsdocs-cloudtrail-user-guide/12_cloudtrail-log-file-examples_records-file.json';
    const value = recordsOf(file)[0] as { Records: unknown[] };
    const broken = { Records: [...value.Records, { eventVersion: '1.08', readOnly: 'yes' }] };
    const strict = validateCloudTrailFile(broken);
    expect(strict.ok).toBe(false);
    if (!strict.ok) expect(strict.path.slice(0, 2)).toEqual(['Records', value.Records.length]);
    const lenient = validateCloudTrailFile(broken, { mode: 'lenient' });
    expect(lenient.ok).toBe(true);
    if (lenient.ok) {
      expect(lenient.value.Records).toHaveLength(value.Records.length + 1);
      expect(
        lenient.warnings.some((w) => w.path[0] === 'Records' && w.path[1] === value.Records.length),
      ).toBe(true);
    }
  });

  test('otrf: lenient fills eventTime from @timestamp', () => {
    const [first] = recordsOf('otrf-security-datasets-aws/ec2_proxy_s3_exfiltration_2020-09-14011940.json');
    const result = validateCloudTrailRecord(first, { mode: 'lenient' });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value.eventTime).toBe((first as Record<string, unknown>)['@timestamp']);
      expect(result.value['@version']).toBeDefined();
      expect(result.warnings.map((w) => w.code)).toContain('filled');
    }
  });
});
