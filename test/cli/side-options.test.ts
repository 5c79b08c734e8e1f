// kubetrail query --source name=path and --lookup name=file.csv, in process.
import { describe, expect, test } from 'vitest';
import { EXIT } from '../../src/cli/errors.js';
import { runCliInProcess } from './run-in-process.js';

const JOIN = `filter sourceIPs.0 = "203.0.113.45"
| stats count(*) as k8sRequests by user.username as k8sUser, sourceIPs.0 as ip
| join left=k8s right=aws where k8s.ip = aws.ip (SOURCE 'cloudtrail' | stats count(*) as awsCalls by sourceIPAddress as ip)
| display k8s.k8sUser, k8s.k8sRequests, aws.awsCalls
| sort k8s.k8sUser`;

describe('kubetrail query --source and --lookup', () => {
  test('--source gives a join its right side from local files', async () => {
    const run = await runCliInProcess([
      'query',
      JOIN,
      'samples/incident/cloudwatch-export/',
      '--source',
      'cloudtrail=samples/incident/cloudtrail/',
      '--format',
      'ndjson',
    ]);
    expect(run.code).toBe(EXIT.ok);
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { 'k8s.k8sUser': 'ci-legacy', 'k8s.k8sRequests': 20, 'aws.awsCalls': 12 },
      { 'k8s.k8sUser': 'support-automation', 'k8s.k8sRequests': 3, 'aws.awsCalls': 12 },
    ]);
  });

  test('--lookup gives cidrlookup its table from a CSV file', async () => {
    const run = await runCliInProcess([
      'query',
      'filter ispresent(sourceIPs.0) | cidrlookup networks sourceIPs.0 OUTPUT zone | filter zone = "vpn" | stats count(*) as n by user.username',
      'samples/incident/cloudwatch-export/',
      '--lookup',
      'networks=test/fixtures/lookups/networks.csv',
      '--format',
      'ndjson',
    ]);
    expect(run.code).toBe(EXIT.ok);
    expect(JSON.parse(run.stdout)).toEqual({ 'user.username': 'alice', n: 38 });
  });

  test.each([
    [['--source', 'cloudtrail'], EXIT.usage, 'expected name=path'],
    [['--lookup', '=x.csv'], EXIT.usage, 'expected name=path'],
    [['--lookup', 'a=x.csv', '--lookup', 'a=y.csv'], EXIT.usage, 'given twice'],
    [['--source', 'ct=no/such/dir/'], EXIT.readNothing, 'no/such/dir'],
  ])('%j exits %i', async (args, code, message) => {
    const run = await runCliInProcess(['query', 'fields @message', 'samples/incident/cloudtrail/', ...args]);
    expect(run.code).toBe(code);
    expect(run.stderr).toContain(message);
  });

  test('a SOURCE that was not given exits with a query error naming the option', async () => {
    const run = await runCliInProcess([
      'query',
      "filter eventName in (SOURCE 'other' | fields eventName)",
      'samples/incident/cloudtrail/',
      '--source',
      'ct=samples/incident/cloudtrail/',
    ]);
    expect(run.code).toBe(EXIT.queryError);
    expect(run.stderr).toContain('unknown_source');
    expect(run.stderr).toContain('sources supplied: ct');
  });

  test('a bad table is an input error naming its file and line', async () => {
    const run = await runCliInProcess([
      'query',
      'lookup t cidr OUTPUT zone',
      'samples/incident/cloudtrail/',
      '--lookup',
      't=test/fixtures/lookups/ragged.csv',
    ]);
    expect(run.code).toBe(EXIT.inputError);
    expect(run.stderr).toContain('test/fixtures/lookups/ragged.csv, line 2');
  });
});

test('--histogram counts matched events of a query that uses a lookup table', async () => {
  const run = await runCliInProcess([
    'query',
    'filter ispresent(sourceIPs.0) | cidrlookup networks sourceIPs.0 OUTPUT zone | filter not ispresent(zone) | fields sourceIPs.0',
    'samples/incident/cloudwatch-export/',
    '--lookup',
    'networks=test/fixtures/lookups/networks.csv',
    '--histogram',
    '--format',
    'table',
  ]);
  expect(run.code).toBe(EXIT.ok);
  expect(run.stdout).toContain('203.0.113.45');
  expect(run.stdout).toContain('matched events');
});
