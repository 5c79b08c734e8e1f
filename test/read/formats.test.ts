import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import type { LogEvent } from '../../src/log-event.js';
import { detectFileFormat, detectFormat, type LogFormat, readLogs } from '../../src/read/index.js';
import { expectConserved } from './conservation.js';

const fixtures = fileURLToPath(new URL('../fixtures/formats/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'kubetrail-formats-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function read(input: Parameters<typeof readLogs>[0], options?: Parameters<typeof readLogs>[1]) {
  const reader = readLogs(input, options);
  const events: LogEvent[] = [];
  for await (const e of reader) events.push(e);
  expectConserved(reader.summary);
  return { events, summary: reader.summary };
}

const T_A1 = Date.parse('2024-05-01T10:00:00.123Z');
const T_A2 = Date.parse('2024-05-01T10:00:01.000Z');
const STREAM = 'kube-apiserver-audit-0123456789abcdef0123456789abcdef';

interface Case {
  readonly file: string;
  readonly format: LogFormat;
  readonly events: readonly Partial<LogEvent>[];
}

const cases: readonly Case[] = [
  {
    file: 'audit.ndjson',
    format: 'kubernetes-audit-ndjson',
    events: [
      { kind: 'kubernetes-audit', timestamp: T_A1, logStream: 'kube-apiserver-audit-audit.ndjson' },
      { kind: 'kubernetes-audit', timestamp: T_A2, logStream: 'kube-apiserver-audit-audit.ndjson' },
    ],
  },
  {
    file: 'cloudtrail-records.json',
    format: 'cloudtrail-records',
    events: [
      {
        kind: 'cloudtrail',
        timestamp: Date.parse('2024-05-01T11:00:00Z'),
        logStream: '111122223333_CloudTrail_us-east-1',
      },
      {
        kind: 'cloudtrail',
        source: { file: join(fixtures, 'cloudtrail-records.json'), line: 1, offset: 277, index: 1 },
      },
    ],
  },
  {
    file: 'cwl-export.txt',
    format: 'cloudwatch-export',
    events: [
      { kind: 'kubernetes-audit', timestamp: Date.parse('2024-05-01T10:00:00.500Z') },
      { kind: 'kubernetes-audit', timestamp: Date.parse('2024-05-01T10:00:01.500Z') },
      { kind: 'authenticator', timestamp: Date.parse('2024-05-01T10:00:02.000Z') },
      {
        kind: 'klog',
        timestamp: Date.parse('2024-05-01T10:00:04.000Z'),
        message:
          'E0501 10:00:04.000001      11 runtime.go:79] Observed a panic: boom\ngoroutine 1 [running]:\n\nmain.main()',
      },
      { kind: 'text', message: 'plain text message', timestamp: Date.parse('2024-05-01T10:00:05.000Z') },
    ],
  },
  {
    file: 'filter-log-events.json',
    format: 'cloudwatch-events-json',
    events: [
      { kind: 'kubernetes-audit', timestamp: 1714557600500, ingestionTime: 1714557601000, logStream: STREAM },
      { kind: 'kubernetes-audit', timestamp: 1714557601500, logStream: STREAM },
    ],
  },
  {
    file: 'get-log-events.json',
    format: 'cloudwatch-events-json',
    events: [
      {
        kind: 'kubernetes-audit',
        timestamp: 1714557600500,
        logStream: 'kube-apiserver-audit-get-log-events.json',
      },
    ],
  },
  {
    file: 'insights-results.json',
    format: 'insights-json',
    events: [
      {
        kind: 'kubernetes-audit',
        timestamp: Date.parse('2024-05-01T10:00:00.500Z'),
        logStream: STREAM,
        logGroup: '111122223333:/aws/eks/prod/cluster',
      },
      { kind: 'json', record: { user: 'bob', 'count(*)': '3' } },
    ],
  },
  {
    file: 'insights-results.csv',
    format: 'insights-csv',
    events: [
      { kind: 'kubernetes-audit', timestamp: Date.parse('2024-05-01T10:00:00.500Z'), logStream: STREAM },
      { kind: 'text', message: 'line one\nline two, with "quotes"' },
    ],
  },
  {
    file: 'insights-results.md',
    format: 'insights-markdown',
    events: [{ kind: 'text', message: 'a | b', logStream: 'authenticator-0123' }],
  },
  {
    file: 'cloudtrail-console.csv',
    format: 'cloudtrail-console-csv',
    events: [
      {
        kind: 'cloudtrail',
        timestamp: Date.parse('2021-01-26T22:48:41Z'),
        logStream: '111122223333_CloudTrail_us-east-1',
      },
      { kind: 'cloudtrail', timestamp: Date.parse('2021-01-26T22:49:00Z') },
    ],
  },
  {
    file: 'lake-results.csv',
    format: 'cloudtrail-lake-csv',
    events: [{ kind: 'cloudtrail', timestamp: Date.parse('2024-05-01T11:00:00Z') }],
  },
  {
    file: 'lake-results-columns.csv',
    format: 'cloudtrail-lake-csv',
    events: [{ kind: 'cloudtrail', timestamp: Date.parse('2024-05-01T11:00:00Z') }],
  },
  {
    file: 'eventbridge.json',
    format: 'eventbridge',
    events: [{ kind: 'cloudtrail', timestamp: Date.parse('2024-05-01T11:00:00Z') }],
  },
  {
    file: 'eventlist.json',
    format: 'kubernetes-audit-eventlist',
    events: [
      { kind: 'kubernetes-audit', timestamp: T_A1 },
      { kind: 'kubernetes-audit', timestamp: T_A2 },
    ],
  },
  {
    file: 'eventlist.ndjson',
    format: 'kubernetes-audit-eventlist',
    events: [
      { kind: 'kubernetes-audit', timestamp: T_A1 },
      { kind: 'kubernetes-audit', timestamp: T_A2 },
      { kind: 'kubernetes-audit', timestamp: T_A1 },
    ],
  },
  {
    file: 'firehose-payloads.json',
    format: 'firehose',
    events: [
      {
        kind: 'kubernetes-audit',
        timestamp: 1714557600500,
        logStream: STREAM,
        logGroup: '111122223333:/aws/eks/prod/cluster',
      },
      { kind: 'kubernetes-audit', timestamp: 1714557601500 },
    ],
  },
  {
    file: 'logs-tail-detailed.txt',
    format: 'cloudwatch-tail',
    events: [
      { kind: 'kubernetes-audit', timestamp: Date.parse('2024-05-01T10:00:00.123Z'), logStream: STREAM },
      { kind: 'authenticator', logStream: 'authenticator-0123456789abcdef0123456789abcdef' },
    ],
  },
  {
    file: 'logs-tail-short.txt',
    format: 'cloudwatch-tail-short',
    events: [
      { kind: 'kubernetes-audit', timestamp: Date.parse('2024-05-01T10:00:00Z') },
      { kind: 'klog', timestamp: Date.parse('2024-05-01T10:00:03Z') },
    ],
  },
  {
    file: 'authenticator.log',
    format: 'authenticator-lines',
    events: [
      {
        kind: 'authenticator',
        timestamp: Date.parse('2024-05-01T10:00:02Z'),
        logStream: 'authenticator-authenticator.log',
      },
      { kind: 'authenticator' },
    ],
  },
  {
    file: 'klog.log',
    format: 'klog-lines',
    events: [
      { kind: 'klog', timestamp: Date.parse('2024-05-01T10:00:03.123Z') },
      {
        kind: 'klog',
        message:
          'E0501 10:00:04.000001      11 runtime.go:79] Observed a panic: boom\ngoroutine 1 [running]:\nmain.main()',
      },
    ],
  },
  {
    file: 'audit-legacy.log',
    format: 'kubernetes-audit-legacy',
    events: [
      {
        kind: 'text',
        timestamp: Date.parse('2024-05-01T10:00:00.123Z'),
        logStream: 'kube-apiserver-audit-audit-legacy.log',
      },
    ],
  },
  {
    file: 'events-text-output.txt',
    format: 'cloudwatch-text-output',
    events: [
      {
        kind: 'kubernetes-audit',
        timestamp: 1714557600500,
        ingestionTime: 1714557601000,
        logStream: 'kube-apiserver-audit-0123',
      },
    ],
  },
];

describe('hand-made fixtures, one per format', () => {
  test.each(cases)('$file is $format', async ({ file, format, events: expected }) => {
    const path = join(fixtures, file);
    expect((await detectFileFormat(path)).format).toBe(format);
    const { events, summary } = await read(path, { klogYear: 2024 });
    expect(summary.rejected).toBe(0);
    expect(events).toHaveLength(expected.length);
    expected.forEach((e, i) => {
      expect(events[i]).toMatchObject(e);
    });
    expect(summary.files[0]?.format).toBe(format);
  });

  test('gzip (and double gzip) of every fixture gives the same events', async () => {
    for (const { file } of cases) {
      const bytes = readFileSync(join(fixtures, file));
      const plain = await read(bytes, { klogYear: 2024 });
      const gz = await read(gzipSync(bytes), { klogYear: 2024 });
      const gz2 = await read(gzipSync(gzipSync(bytes)), { klogYear: 2024 });
      expect(gz.events).toEqual(plain.events);
      expect(gz2.events).toEqual(plain.events);
      expect(gz.summary.files[0]?.compression).toBe('gzip');
    }
  });

  test('overrides win over envelopes and inference', async () => {
    const { events } = await read(join(fixtures, 'filter-log-events.json'), {
      logStream: 's',
      logGroup: 'g',
    });
    for (const e of events) expect(e).toMatchObject({ logStream: 's', logGroup: 'g' });
  });
});

describe('CloudWatch export-to-S3 and CloudTrail trees', () => {
  test('the stream name comes from the folder above 000000.gz; the write-test object is skipped', async () => {
    const root = join(tmp, 'exportedlogs');
    const dir = join(root, 'task-1', STREAM);
    mkdirSync(dir, { recursive: true });
    const text = readFileSync(join(fixtures, 'cwl-export.txt'));
    // export parts end at line ends; a part may hold several gzip members
    const cut1 = text.indexOf(10, 700) + 1;
    const cut2 = text.indexOf(10, cut1 + 10) + 1;
    writeFileSync(join(dir, '000000.gz'), gzipSync(text.subarray(0, cut1)));
    writeFileSync(
      join(dir, '000001.gz'),
      Buffer.concat([gzipSync(text.subarray(cut1, cut2)), gzipSync(text.subarray(cut2))]),
    );
    writeFileSync(join(root, 'aws-logs-write-test'), 'Permission Check Successful');
    const whole = await read(join(fixtures, 'cwl-export.txt'), { logStream: STREAM });
    const tree = await read(root);
    expect(tree.summary.unknownFilesSkipped).toBe(1);
    expect(tree.events.map((e) => e.logStream)).toEqual(whole.events.map(() => STREAM));
    expect(tree.events.map((e) => e.message)).toEqual(whole.events.map((e) => e.message));
  });

  test('an AWSLogs tree: records read, digests skipped and counted', async () => {
    const base = join(tmp, 'AWSLogs', '111122223333');
    const logs = join(base, 'CloudTrail', 'us-east-1', '2024', '05', '01');
    const digests = join(base, 'CloudTrail-Digest', 'us-east-1', '2024', '05', '01');
    mkdirSync(logs, { recursive: true });
    mkdirSync(digests, { recursive: true });
    const records = readFileSync(join(fixtures, 'cloudtrail-records.json'));
    writeFileSync(
      join(logs, '111122223333_CloudTrail_us-east-1_20240501T1100Z_abc.json.gz'),
      gzipSync(records),
    );
    writeFileSync(
      join(logs, '111122223333_CloudTrail_us-east-1_20240501T1105Z_def.json.gz'),
      gzipSync(records),
    );
    const digest =
      '{"awsAccountId":"111122223333","digestStartTime":"x","digestEndTime":"y","digestS3Object":"o","logFiles":[]}';
    writeFileSync(
      join(digests, '111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240501T110000Z.json.gz'),
      gzipSync(digest),
    );
    const { events, summary } = await read(join(tmp, 'AWSLogs'));
    expect(events).toHaveLength(4);
    expect(summary.digestFilesSkipped).toBe(1);
    expect(summary.bytesDecompressed).toBe(2 * records.length + digest.length);
  });

  test('globs', async () => {
    const { events } = await read(join(fixtures, 'audit*.ndjson'));
    expect(events).toHaveLength(2);
  });
});

describe('detectFormat', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  test.each([
    ['\uFEFF  {"Records":[', 'cloudtrail-records'],
    ['{"digestStartTime":"x","digestEndTime":"y","digestS3Object":"o","logFiles":[]}', 'cloudtrail-digest'],
    ['{"NextToken":"x","Events":[{"CloudTrailEvent":"{}"}]}', 'cloudtrail-lookup-events'],
    ['{\n  "auditID": "a", "verb": "get",', 'kubernetes-audit-event'],
    ['{\n  "eventVersion": "1.08",', 'cloudtrail-record'],
    ['[\n {"eventVersion":"1.08"', 'cloudtrail-array'],
    ['[{"auditID":"x"', 'kubernetes-audit-array'],
    ['[1,2]', 'json-array'],
    ['{"a":1}\n{"a":2}\n', 'ndjson'],
    ['', 'empty'],
    ['hello world\n', 'unknown'],
  ] as const)('%j → %s', (text, format) => {
    expect(detectFormat(enc(text)).format).toBe(format);
  });

  test('a path breaks a tie only', () => {
    const pretty = enc('{\n  "awsAccountId": "1",\n  "x": [');
    expect(detectFormat(pretty).format).toBe('json');
    expect(detectFormat(pretty, { path: 'AWSLogs/1/CloudTrail-Digest/us-east-1/x.json.gz' }).format).toBe(
      'cloudtrail-digest',
    );
  });

  test('gzip is seen through', () => {
    expect(detectFormat(gzipSync('{"Records":[]}'))).toEqual({
      format: 'cloudtrail-records',
      compression: 'gzip',
    });
  });
});
