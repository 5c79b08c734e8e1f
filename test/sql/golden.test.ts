/**
 * Golden Trino SQL: the EKS Best Practices queries and the bench queries
 * over the kubetrail table model (an import copy in Athena), and the
 * CloudTrail sample queries of the AWS docs over `cloudtrail_logs` (and its
 * partition-projection variant, with a window). The same plans rendered for
 * DuckDB run in test/sql/differential.test.ts and query-engine.test.ts.
 * Regenerate with `UPDATE_GOLDEN=1 npx vitest run test/sql/golden.test.ts`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { isKubetrailError } from '../../src/errors.js';
import { compileToSql } from '../../src/sql/index.js';
import type { TableModelName } from '../../src/sql/table-models.js';

const eks = (
  JSON.parse(readFileSync(new URL('../cases/aws-docs/eks-best-practices.json', import.meta.url), 'utf8')) as {
    cases: { name: string; query: string }[];
  }
).cases;

interface Golden {
  readonly name: string;
  readonly query: string;
  readonly table: TableModelName;
  readonly window?: { readonly startTime: number; readonly endTime: number };
}

const GOLDEN: Golden[] = [
  ...[...new Map(eks.map((c) => [c.query, c])).values()].map((c, i) => ({
    name: `eks-best-practices-${i + 1}`,
    query: c.query,
    table: 'kubetrail' as const,
  })),
  { name: 'bench-by-user', query: 'stats count(*) by user.username', table: 'kubetrail' },
  {
    name: 'bench-parse-stats',
    query: 'parse requestURI "/namespaces/*/" as ns | stats count(*) by ns',
    table: 'kubetrail',
  },
  {
    name: 'bench-sort-limit',
    query: 'fields auditID, stageTimestamp | sort stageTimestamp desc | limit 100',
    table: 'kubetrail',
  },
  {
    name: 'cloudtrail-ec2-by-name-region',
    query:
      'filter eventSource="ec2.amazonaws.com" | stats count(*) as eventCount by eventName, awsRegion | sort eventCount desc',
    table: 'cloudtrail-athena',
  },
  {
    name: 'cloudtrail-start-stop',
    query:
      'filter (eventName="StartInstances" or eventName="StopInstances") and awsRegion="us-east-2" | fields eventName',
    table: 'cloudtrail-athena',
  },
  {
    name: 'cloudtrail-access-denied-pp',
    query:
      'filter errorCode like /AccessDenied/ | stats count(*) by userIdentity.arn, eventName | sort `count(*)` desc | limit 20',
    table: 'cloudtrail-athena-pp',
    window: { startTime: Date.parse('2026-03-18T00:00:00Z'), endTime: Date.parse('2026-03-24T23:59:59Z') },
  },
  {
    name: 'cloudtrail-lake-bucket',
    query: 'filter eventSource = "s3.amazonaws.com" | stats count(*) by requestParameters.bucketName',
    table: 'cloudtrail-lake',
  },
  // Row-order scans (window functions): filldown, autoregress, sessionize.
  {
    name: 'scan-filldown',
    query: 'stats count(*) as n, avg(responseStatus.code) as code by bin(1m) | filldown code',
    table: 'kubetrail',
  },
  {
    name: 'scan-autoregress',
    query: 'stats count(*) as n by bin(5m) | autoregress n as prev p=1-2',
    table: 'kubetrail',
  },
  {
    name: 'scan-sessionize',
    query:
      'filter verb = "delete" | sessionize user.username maxspan 1h as session | display user.username, session',
    table: 'kubetrail',
  },
];

describe('golden Trino SQL', () => {
  test.each(GOLDEN)('$name', (g) => {
    const file = new URL(`./golden/${g.name}.sql`, import.meta.url);
    const sql = `${compileToSql(g.query, { dialect: 'trino', table: g.table, ...(g.window ?? {}) }).sql};\n`;
    const text = `-- ${g.query.replaceAll('\n', ' ')}\n-- table model: ${g.table}\n${sql}`;
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});

describe('table models', () => {
  test('@message under the CloudTrail SerDe is a compile error naming the field and the model', () => {
    try {
      compileToSql('fields @message', { dialect: 'trino', table: 'cloudtrail-athena' });
      expect.unreachable();
    } catch (error) {
      expect(isKubetrailError(error) && error.code).toBe('sql_unreachable_field');
      expect((error as Error).message).toContain('@message');
      expect((error as Error).message).toContain('cloudtrail-athena');
    }
  });

  test('the partition-projection model pushes the window into the partition predicate', () => {
    const { sql } = compileToSql('stats count(*) by eventName', {
      dialect: 'trino',
      table: 'cloudtrail-athena-pp',
      startTime: Date.parse('2026-03-18T05:00:00Z'),
      endTime: Date.parse('2026-03-20T05:00:00Z'),
    });
    expect(sql).toContain(`"timestamp" BETWEEN '2026/03/18' AND '2026/03/20'`);
    expect(sql).toContain(`eventtime >= '2026-03-18T05:00:00Z'`);
  });

  test('requestParameters reads as json_extract_scalar on Athena and element_at on CloudTrail Lake', () => {
    const q = 'filter requestParameters.bucketName = "logs" | stats count(*)';
    expect(compileToSql(q, { dialect: 'trino', table: 'cloudtrail-athena' }).sql).toContain(
      `json_extract_scalar(requestparameters, '$.bucketName')`,
    );
    expect(compileToSql(q, { dialect: 'trino', table: 'cloudtrail-lake' }).sql).toContain(
      `element_at(requestparameters, 'bucketName')`,
    );
  });

  test('an untranslated construct names itself and its span', () => {
    try {
      compileToSql('fields @timestamp | unnest x into y', { dialect: 'trino' });
      expect.unreachable();
    } catch (error) {
      expect(isKubetrailError(error) && error.code).toBe('sql_unsupported');
      expect((error as { column?: number }).column).toBe(21);
    }
  });
});
