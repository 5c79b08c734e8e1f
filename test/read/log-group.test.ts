/**
 * `@log` in the service's form `account-id:log-group-name` (docs/formats.md,
 * "System fields"): the account from an S3 delivery path, the group from
 * `logGroup` or the envelope.
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { readLogs } from '../../src/read/index.js';
import { pathAccountId, qualifiedLogGroup } from '../../src/read/log-group.js';
import { query } from '../../src/run/index.js';

const at = (p: string) => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));
const S3_FLOW = at('vpc-flow-logs/AWSLogs/');
const EXPORT = at('vpc-flow-logs/exportedlogs/');
const FIREHOSE = at('formats/firehose-payloads.json');
const NOW = Date.parse('2024-05-02T00:00:00Z');

async function logs(input: string, logGroup?: string): Promise<Set<string | undefined>> {
  const out = new Set<string | undefined>();
  for await (const e of readLogs(input, logGroup === undefined ? {} : { logGroup })) out.add(e.logGroup);
  return out;
}

describe('@log', () => {
  test('an S3 delivery path qualifies the given group with its account', async () => {
    expect(await logs(S3_FLOW, '/aws/vpc/flow-logs')).toEqual(new Set(['111122223333:/aws/vpc/flow-logs']));
    const r = await query(S3_FLOW, 'stats count(*) as n by @log', {
      logGroup: '/aws/vpc/flow-logs',
      now: NOW,
    });
    expect(r.rows).toEqual([{ '@log': '111122223333:/aws/vpc/flow-logs', n: 13 }]);
  });

  test('a group already in account:name form is kept as given', async () => {
    expect(await logs(S3_FLOW, '444455556666:/aws/vpc/flow-logs')).toEqual(
      new Set(['444455556666:/aws/vpc/flow-logs']),
    );
  });

  test('a CloudWatch export path carries no account: the bare group name is shown', async () => {
    expect(await logs(EXPORT, '/aws/vpc/flow-logs')).toEqual(new Set(['/aws/vpc/flow-logs']));
  });

  test('no group known: @log is missing, even where the path carries an account', async () => {
    expect(await logs(S3_FLOW)).toEqual(new Set([undefined]));
    expect(await logs(EXPORT)).toEqual(new Set([undefined]));
  });

  test('a Firehose envelope gives owner:logGroup', async () => {
    const groups = await logs(FIREHOSE);
    expect(groups.size).toBeGreaterThan(0);
    for (const g of groups) expect(g).toMatch(/^\d{12}:\/aws\//);
  });

  test('in-memory input: the group as given', async () => {
    const r = await query(Buffer.from('{"a":1}\n'), 'fields @log', { logGroup: '/g', now: NOW });
    expect(r.rows.map((row) => row['@log'])).toEqual(['/g']);
  });

  test.each([
    ['bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/f.json.gz', '111122223333'],
    ['AWSLogs/111122223333/vpcflowlogs/us-east-1/f.log.gz', '111122223333'],
    ['C:\\cases\\AWSLogs\\111122223333\\CloudTrail\\f.json', '111122223333'],
    ['AWSLogs/o-abc123defg/111122223333/CloudTrail/f.json.gz', '111122223333'],
    ['AWSLogs/o-x/111122223333/CloudTrail/f.json.gz', undefined],
    ['AWSLogs/1111222233334/CloudTrail/f.json.gz', undefined],
    ['MyAWSLogs/111122223333/f.json', undefined],
    ['exportedlogs/task/stream/000000.gz', undefined],
  ])('pathAccountId(%s) = %s', (path, account) => {
    expect(pathAccountId(path)).toBe(account);
  });

  test('qualifying is idempotent and never changes a qualified name', () => {
    const account = fc.stringMatching(/^\d{12}$/);
    const group = fc.stringMatching(/^[A-Za-z0-9._/#-]{1,40}$/);
    fc.assert(
      fc.property(group, account, account, (g, a, b) => {
        const once = qualifiedLogGroup(g, a);
        expect(once).toBe(`${a}:${g}`);
        expect(qualifiedLogGroup(once, b)).toBe(once);
        expect(qualifiedLogGroup(g, undefined)).toBe(g);
      }),
    );
  });
});
