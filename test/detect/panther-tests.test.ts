/**
 * Panther's embedded rule-test events (test/fixtures/corpus/panther-analysis-tests/)
 * give the expected result for every ported rule: each test event, with
 * Panther's p_* enrichment fields stripped, must produce a finding exactly when
 * Panther's ExpectedResult is True. Panther tests a threshold rule's per-event
 * predicate; here the event is replayed as many times as the threshold (with a
 * distinct key where the rule counts distinct values), and one copy fewer must
 * stay silent. Cases whose answer depends on something outside the event are
 * listed in PANTHER_TEST_EXCEPTIONS and must give the opposite answer.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BUILT_IN_DETECTIONS } from '../../src/detect/catalogue/index.js';
import {
  PANTHER_NOT_PORTED,
  PANTHER_TEST_EXCEPTIONS,
} from '../../src/detect/catalogue/panther-not-ported.js';
import { runDetections } from '../../src/detect/run.js';
import type { Detection } from '../../src/detect/types.js';
import type { LogEvent } from '../../src/log-event.js';
import { CORPUS } from '../test-data.js';

const corpus = new URL('panther-analysis-tests/', CORPUS);
const files: Record<string, string[]> = {};
const lineOf = (file: string, n: number): string => {
  files[file] ??= readFileSync(new URL(file, corpus), 'utf8').split('\n');
  return files[file][n - 1] ?? '';
};

function strip(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) if (!k.startsWith('p_')) out[k] = v;
  return out;
}

/**
 * Threshold rules: how many matching events Panther needs before it alerts,
 * and, where it counts distinct values, the fields (first present wins) made
 * distinct in each copy.
 */
const THRESHOLDS: Readonly<Record<string, { copies: number; distinct?: readonly (readonly string[])[] }>> = {
  'Kubernetes.API.Multiple403.PublicIP': { copies: 10 },
  'Amazon.EKS.Audit.Multiple403': { copies: 10 },
  'Kubernetes.Secret.AccessDenied': { copies: 20 },
  'Kubernetes.BulkSecretAccess': {
    copies: 15,
    distinct: [['objectRef', 'name'], ['objectRef', 'namespace'], ['requestURI']],
  },
  'AWS.Console.RootLoginFailed': { copies: 5 },
  'AWS.CloudTrail.PasswordSpraying': { copies: 10, distinct: [['userIdentity', 'userName']] },
  'AWS.Unsuccessful.MFA.attempt': { copies: 2 },
  'AWS.EC2.DownloadInstanceUserData': { copies: 10 },
  'AWS.EC2.ManyPasswordReadAttempts': { copies: 30 },
  'AWS.EC2.MultiInstanceConnect': { copies: 2, distinct: [['requestParameters', 'instanceId']] },
  'AWS.CloudTrail.UnauthorizedAPICall': { copies: 20 },
  'AWS.IAMUser.ReconAccessDenied': { copies: 15 },
  'AWS.SecretsManager.RetrieveSecrets': { copies: 20 },
  'AWS.SecretsManager.BatchRetrieveSecrets': { copies: 5 },
  'AWS.SecretsManager.RetrieveSecretsMultiRegion': { copies: 5, distinct: [['awsRegion']] },
  'AWS.S3.DeleteObject': { copies: 50 },
  'AWS.CloudTrail.Password.Policy.Discovery': { copies: 2 },
  'AWS.IAM.Group.Read.Only.Events': { copies: 2 },
  'AWS.Software.Discovery': { copies: 50 },
};

function toEvent(
  file: string,
  line: number,
  copy: number,
  distinct?: readonly (readonly string[])[],
): LogEvent {
  const record = strip(JSON.parse(lineOf(file, line)) as Record<string, unknown>);
  if (distinct !== undefined && copy > 0) {
    for (const path of distinct) {
      const parent = path
        .slice(0, -1)
        .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], record);
      const key = path.at(-1)!;
      if (
        parent !== null &&
        typeof parent === 'object' &&
        typeof (parent as Record<string, unknown>)[key] === 'string'
      ) {
        (parent as Record<string, unknown>)[key] = `${(parent as Record<string, string>)[key]}-${copy}`;
        break;
      }
    }
  }
  const time = record.eventTime ?? record.stageTimestamp ?? record.requestReceivedTimestamp;
  const ts =
    typeof time === 'string' ? Date.parse(time.includes('T') ? time : `${time.replace(' ', 'T')}Z`) : 0;
  return {
    timestamp: Number.isFinite(ts) ? ts : 0,
    message: JSON.stringify(record),
    kind: file.startsWith('cloudtrail') ? 'cloudtrail' : 'kubernetes-audit',
    record,
    source: { file, line: line * 1000 + copy },
  };
}

/** A CSV cell without its quotes ("a, b" -> a, b; "" -> "). */
const unquote = (cell: string): string =>
  cell.length >= 2 && cell.startsWith('"') && cell.endsWith('"')
    ? cell.slice(1, -1).replaceAll('""', '"')
    : cell;

const manifest = readFileSync(new URL('manifest.csv', corpus), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((row) => {
    // corpus_file,line,source_path,rule_id,test_name,expected_result (test names may contain commas)
    const cells = row.trimEnd().split(',');
    return {
      file: cells[0]!,
      line: Number(cells[1]),
      rule: cells[3]!,
      name: unquote(cells.slice(4, -1).join(',')),
      expected: cells.at(-1) === 'True',
    };
  });

const ported = BUILT_IN_DETECTIONS.filter((d) => d.pantherRule !== undefined);
const exceptionOf = (rule: string, name: string) =>
  PANTHER_TEST_EXCEPTIONS.find((e) => e.rule === rule && e.test === name);
const cases = ported.flatMap((d) =>
  manifest.filter((m) => m.rule === d.pantherRule).map((m) => [d.pantherRule!, m.name, d, m] as const),
);

async function fires(detection: Detection, file: string, line: number, copies: number): Promise<boolean> {
  const threshold = THRESHOLDS[detection.pantherRule!];
  const events = Array.from({ length: copies }, (_, i) => toEvent(file, line, i, threshold?.distinct));
  const findings = await runDetections(events, {
    detections: [detection],
    filter: { ids: [detection.id] },
    now: 0,
  });
  return findings.length > 0;
}

describe('Panther rule tests for ported rules', () => {
  test('every ported rule has test events and a unique rule id', () => {
    for (const d of ported)
      expect(
        manifest.some((m) => m.rule === d.pantherRule),
        d.id,
      ).toBe(true);
    expect(new Set(ported.map((d) => d.pantherRule)).size).toBe(ported.length);
  });

  test('every Panther rule in the corpus is either ported or listed as not ported, never both', () => {
    const portedRules = new Set(ported.map((d) => d.pantherRule));
    const notPorted = new Set(PANTHER_NOT_PORTED.map((r) => r.rule));
    for (const rule of new Set(manifest.map((m) => m.rule))) {
      expect([rule, portedRules.has(rule) !== notPorted.has(rule)]).toEqual([rule, true]);
    }
    for (const r of PANTHER_NOT_PORTED) {
      expect(
        manifest.some((m) => m.rule === r.rule),
        r.rule,
      ).toBe(true);
      expect(r.reason.length).toBeGreaterThan(0);
    }
  });

  test('every listed test exception names a ported rule and an existing test', () => {
    for (const e of PANTHER_TEST_EXCEPTIONS) {
      expect(
        ported.some((d) => d.pantherRule === e.rule),
        e.rule,
      ).toBe(true);
      expect(
        manifest.some((m) => m.rule === e.rule && m.name === e.test),
        e.test,
      ).toBe(true);
    }
  });

  test('every threshold rule is ported', () => {
    for (const rule of Object.keys(THRESHOLDS))
      expect(
        ported.some((d) => d.pantherRule === rule),
        rule,
      ).toBe(true);
  });

  test.each(cases)('%s: %s', async (rule, name, detection, m) => {
    const copies = THRESHOLDS[rule]?.copies ?? 1;
    const exception = exceptionOf(rule, name);
    expect(await fires(detection, m.file, m.line, copies)).toBe(
      exception === undefined ? m.expected : !m.expected,
    );
    if (copies > 1) expect(await fires(detection, m.file, m.line, copies - 1)).toBe(false);
  });
});
