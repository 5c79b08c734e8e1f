import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { detectFileFormat, type LogFormat, readLogs } from '../../src/read/index.js';
import { corpusPath, fixturePath } from '../test-data.js';
import { expectConserved } from './conservation.js';

const corpus = corpusPath();

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

/** The format each corpus file is, by what its SOURCE.md says it contains. */
function expectedFormat(file: string): LogFormat {
  const name = basename(file);
  // Attribution, licence texts, Falco's test definitions, Panther's manifest and the Sigma rules are not logs.
  if (/\.(md|ya?ml|txt)$|^(LICENSE|NOTICE|COPYING)/.test(name) || name === 'manifest.csv') return 'unknown';
  if (file.includes('stratus-red-team')) return 'cloudtrail-array';
  if (file.includes('otrf-security-datasets')) return 'cloudtrail-ndjson';
  if (name === 'cloudtrail-tests.jsonl') return 'cloudtrail-ndjson';
  if (name === 'eks-audit-tests.jsonl' || name === 'demo.log') return 'kubernetes-audit-ndjson';
  if (name === 'fal_01_003.json') return 'ndjson'; // the malformed {"kind": 0} fixture: JSON, but no audit event
  if (file.includes('falco-k8s-audit-traces')) return 'kubernetes-audit-ndjson';
  if (name.startsWith('lookup-events_') || name.includes('lookup-events-insights-output')) {
    return 'cloudtrail-lookup-events';
  }
  if (name.startsWith('logs-get-query-results')) return 'insights-json';
  if (name.endsWith('_records-file.json')) return 'cloudtrail-records';
  if (name.endsWith('_digest-file.json')) return 'cloudtrail-digest';
  if (name.endsWith('_single-record.json') || name.startsWith('cloudtrail-record_'))
    return 'cloudtrail-record';
  throw new Error(`no expected format for ${file}`);
}

// Expected event counts come from jq, not from the reader: every JSON value
// in the file counts 1, except arrays (their length), CloudTrail files
// (Records), lookup-events output (Events), get-query-results (results) and
// digests (0).
const JQ_COUNT =
  '[inputs] | map(if type=="array" then length elif has("Records") then (.Records|length) ' +
  'elif has("Events") then (.Events|length) elif has("results") then (.results|length) ' +
  'elif has("digestS3Object") then 0 else 1 end) | add // 0';

// jq's counts are committed beside the corpus (test/fixtures/corpus-jq-counts.json), so the suite
// needs no jq; where jq is installed, each committed count is checked against
// jq itself. Regenerate with KUBETRAIL_WRITE_JQ_COUNTS=1 (needs jq).
const COUNTS_FILE = fixturePath('corpus-jq-counts.json');
const committedCounts = JSON.parse(readFileSync(COUNTS_FILE, 'utf8')) as Record<string, number>;
const hasJq = spawnSync('jq', ['--version']).status === 0;
if (!hasJq) process.stderr.write('corpus.test: jq not installed; using the committed jq-counts.json only\n');

const jqCache = new Map<string, number>();
function jqCount(file: string): number {
  const rel = file.slice(corpus.length);
  let n = jqCache.get(rel);
  if (n === undefined) {
    const committed = committedCounts[rel];
    if (hasJq) {
      n = Number(execFileSync('jq', ['-n', JQ_COUNT, file], { encoding: 'utf8' }).trim());
      if (committed !== undefined && process.env.KUBETRAIL_WRITE_JQ_COUNTS !== '1')
        expect(committed, `jq-counts.json is stale for ${rel}`).toBe(n);
    } else {
      n = committed;
    }
    if (n === undefined) throw new Error(`no committed jq count for ${rel}: regenerate jq-counts.json`);
    jqCache.set(rel, n);
  }
  return n;
}

const files = walk(corpus).map((file) => ({
  file,
  rel: file.slice(corpus.length),
  format: expectedFormat(file),
}));

describe('every corpus file', () => {
  test('the corpus is there', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  test('jq-counts.json names exactly the log files', () => {
    const logs = files.filter((f) => f.format !== 'unknown').map((f) => f.rel);
    if (process.env.KUBETRAIL_WRITE_JQ_COUNTS === '1') {
      const counts = Object.fromEntries(logs.map((rel) => [rel, jqCount(join(corpus, rel))]));
      writeFileSync(COUNTS_FILE, `${JSON.stringify(counts, null, 1)}\n`);
    }
    expect(Object.keys(committedCounts).sort()).toEqual([...logs].sort());
  });

  test.each(files)('$rel is detected as $format and read exactly', async ({ file, format }) => {
    expect((await detectFileFormat(file)).format).toBe(format);
    if (format === 'unknown') return;
    const reader = readLogs(file);
    let n = 0;
    for await (const event of reader) {
      expect(event.source.file).toBe(file);
      expect(Number.isFinite(event.timestamp)).toBe(true);
      n++;
    }
    expect(n).toBe(jqCount(file));
    expect(reader.summary.eventsEmitted).toBe(n);
    expect(reader.summary.rejected).toBe(0);
    expect(reader.summary.digestFilesSkipped).toBe(format === 'cloudtrail-digest' ? 1 : 0);
    expectConserved(reader.summary);
  });
});

describe('corpus directories, walked', () => {
  const dirs = readdirSync(corpus).filter((d) => statSync(join(corpus, d)).isDirectory());
  test.each(dirs)('%s', async (dir) => {
    const inDir = files.filter((f) => f.file.startsWith(join(corpus, dir) + '/'));
    const expected = inDir.filter((f) => f.format !== 'unknown').reduce((n, f) => n + jqCount(f.file), 0);
    const reader = readLogs(join(corpus, dir));
    let n = 0;
    for await (const _ of reader) n++;
    expect(n).toBe(expected);
    expect(reader.summary.unknownFilesSkipped).toBe(inDir.filter((f) => f.format === 'unknown').length);
    expect(reader.summary.files.length).toBe(inDir.length);
    expectConserved(reader.summary);
  });
});

describe('what the SOURCE.md files state', () => {
  test.each([
    ['falco-k8s-audit-traces', 52, { 'kubernetes-audit': 51, json: 1 }],
    ['audit2rbac-testdata', 37, { 'kubernetes-audit': 37 }],
    ['stratus-red-team-detonation-logs', 310, { cloudtrail: 310 }],
    ['otrf-security-datasets-aws', 103, { cloudtrail: 103 }],
  ] as const)('%s has %i events', async (dir, count, kinds) => {
    const got: Record<string, number> = {};
    for await (const e of readLogs(join(corpus, dir))) got[e.kind] = (got[e.kind] ?? 0) + 1;
    expect(Object.values(got).reduce((a, b) => a + b, 0)).toBe(count);
    expect(got).toEqual(kinds);
  });

  test('panther: 475 CloudTrail + 188 EKS audit lines', async () => {
    const reader = readLogs(join(corpus, 'panther-analysis-tests'));
    let n = 0;
    for await (const _ of reader) n++;
    expect(n).toBe(475 + 188);
  });

  test('OTRF records have no eventTime: @timestamp falls back to the Logstash @timestamp', async () => {
    for await (const e of readLogs(join(corpus, 'otrf-security-datasets-aws'))) {
      expect(e.timestamp).toBe(Date.parse((e.record as { '@timestamp': string })['@timestamp']));
    }
  });

  test('get-query-results: system fields come from the row', async () => {
    const events = [];
    for await (const e of readLogs(
      join(
        corpus,
        'aws-samples-eks-security-immersion-day/logs-get-query-results_eks-audit_first-row-only.json',
      ),
    )) {
      events.push(e);
    }
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'kubernetes-audit',
      logStream: 'kube-apiserver-audit-96624a2fbc193d5ccd64f9f1ddbebbe3',
      timestamp: Date.parse('2023-07-31T01:58:12.101Z'),
    });
  });

  test('lookup-events: the record is the CloudTrailEvent string', async () => {
    const file = join(
      corpus,
      'aws-samples-eks-security-immersion-day/lookup-events_AssumeRoleForPodIdentity_success.json',
    );
    for await (const e of readLogs(file)) {
      expect(e.kind).toBe('cloudtrail');
      expect(JSON.parse(e.message)).toEqual(e.record);
      expect(e.logStream).toBe('ACCOUNT_ID_CloudTrail_us-west-2'); // <recipientAccountId>_CloudTrail_<awsRegion>
    }
  });
});
