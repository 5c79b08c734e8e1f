/**
 * Bounded-memory check for the readers: generates files larger than 1 GB on
 * the fly in a temporary directory (never committed, deleted afterwards),
 * reads them with `readLogs`, and reports events, throughput and peak RSS
 * against a stated bound. Exits 1 when a count is wrong or the bound is
 * exceeded.
 *
 *   npx tsx scripts/read-big-file.ts [--gib 1.1] [--bound-mb 256] [--shape ndjson,records,gzip]
 *
 * Shapes: `ndjson` (audit events, one per line), `records` (one CloudTrail
 * `{"Records":[…]}` document, a single JSON value of the whole size), `gzip`
 * (the NDJSON shape, gzip-compressed; its decompressed size is the target).
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { readLogs } from '../src/read/index.js';

const { values } = parseArgs({
  options: {
    gib: { type: 'string', default: '1.1' },
    'bound-mb': { type: 'string', default: '256' },
    shape: { type: 'string', default: 'ndjson,records,gzip' },
  },
});
const targetBytes = Math.round(Number(values.gib) * 1024 ** 3);
const boundMb = Number(values['bound-mb']);
const shapes = String(values.shape).split(',');

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] as const;
const RESOURCES = [
  'pods',
  'secrets',
  'configmaps',
  'rolebindings',
  'deployments',
  'serviceaccounts',
] as const;

/** A realistic audit event (about 1 KB), deterministic in `i`. */
function auditEvent(i: number): string {
  const verb = VERBS[i % VERBS.length]!;
  const resource = RESOURCES[(i >> 3) % RESOURCES.length]!;
  const ns = `team-${i % 17}`;
  const t = new Date(Date.UTC(2024, 4, 1) + i * 37).toISOString().replace('Z', '123Z');
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/${ns}/${resource}?limit=500`,
    verb,
    user: {
      username: `system:serviceaccount:${ns}:app-${i % 5}`,
      uid: `uid-${i % 1000}`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/pod-name': [`app-${i % 5}-7d9f8-xk2p${i % 10}`] },
    },
    sourceIPs: [`10.0.${i % 256}.${(i >> 8) % 256}`],
    userAgent: 'kubectl/v1.29.3 (linux/amd64) kubernetes/6813625',
    objectRef: { resource, namespace: ns, name: `obj-${i % 997}`, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: i % 50 === 0 ? 403 : 200 },
    requestReceivedTimestamp: t,
    stageTimestamp: t,
    annotations: {
      'authorization.k8s.io/decision': i % 50 === 0 ? 'forbid' : 'allow',
      'authorization.k8s.io/reason': `RBAC: allowed by RoleBinding "rb-${i % 13}/${ns}" of Role "r" to ServiceAccount "app"`,
    },
  });
}

/** A realistic CloudTrail record, deterministic in `i`. */
function cloudTrailRecord(i: number): string {
  return JSON.stringify({
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE:session-${i % 100}`,
      arn: `arn:aws:sts::111122223333:assumed-role/role-${i % 7}/session-${i % 100}`,
      accountId: '111122223333',
      accessKeyId: `ASIA${String(i % 100000).padStart(16, '0')}`,
      sessionContext: { attributes: { creationDate: '2024-05-01T00:00:00Z', mfaAuthenticated: 'false' } },
    },
    eventTime: new Date(Date.UTC(2024, 4, 1) + i * 1000).toISOString().replace('.000', ''),
    eventSource: ['s3.amazonaws.com', 'sts.amazonaws.com', 'eks.amazonaws.com', 'iam.amazonaws.com'][i % 4],
    eventName: ['GetObject', 'AssumeRole', 'DescribeCluster', 'ListRoles'][i % 4],
    awsRegion: 'us-east-1',
    sourceIPAddress: `198.51.100.${i % 256}`,
    userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64',
    requestParameters: { bucketName: `bucket-${i % 10}`, key: `path/to/object-${i}.json` },
    responseElements: null,
    requestID: `REQ${i}`,
    eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: i % 4 !== 0,
    recipientAccountId: '111122223333',
    eventCategory: i % 4 === 0 ? 'Data' : 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: 's3.amazonaws.com',
    },
  });
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
}

/** Writes the file; returns the number of records and the uncompressed size. */
async function generate(path: string, shape: string): Promise<{ records: number; bytes: number }> {
  const file = createWriteStream(path, { highWaterMark: 1 << 20 });
  let out: Writable = file;
  if (shape === 'gzip') {
    const gz = createGzip({ level: 1 });
    gz.pipe(file);
    out = gz;
  }
  let bytes = 0;
  let records = 0;
  const batch: string[] = [];
  if (shape === 'records') {
    await write(out, '{"Records":[');
    bytes += 12;
  }
  while (bytes < targetBytes) {
    for (let k = 0; k < 1000; k++) {
      const text =
        shape === 'records'
          ? (records === 0 ? '' : ',') + cloudTrailRecord(records)
          : auditEvent(records) + '\n';
      batch.push(text);
      bytes += Buffer.byteLength(text);
      records++;
    }
    await write(out, batch.join(''));
    batch.length = 0;
  }
  if (shape === 'records') {
    await write(out, ']}');
    bytes += 2;
  }
  await new Promise<void>((resolve, reject) => {
    file.once('finish', resolve);
    file.once('error', reject);
    out.end();
  });
  return { records, bytes };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubetrail-big-'));
  let failed = false;
  const rows: string[] = [];
  try {
    for (const shape of shapes) {
      const path = join(
        dir,
        shape === 'gzip' ? 'audit.ndjson.gz' : shape === 'records' ? 'cloudtrail.json' : 'audit.ndjson',
      );
      const { records, bytes } = await generate(path, shape);
      const onDisk = statSync(path).size;
      const rssBefore = process.memoryUsage().rss;
      let peakRss = rssBefore;
      const started = process.hrtime.bigint();
      const reader = readLogs(path);
      let n = 0;
      let lastTs = 0;
      for await (const event of reader) {
        n++;
        lastTs = event.timestamp;
        if ((n & 0x3fff) === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const mb = bytes / 1e6;
      const ok = n === records && reader.summary.rejected === 0 && lastTs > 0;
      const within = peakRss / 1024 ** 2 <= boundMb;
      if (!ok || !within) failed = true;
      rows.push(
        `| ${shape} | ${(bytes / 1024 ** 3).toFixed(2)} GiB (${(onDisk / 1024 ** 3).toFixed(2)} on disk) | ${n} / ${records} | ` +
          `${seconds.toFixed(1)} s | ${(mb / seconds).toFixed(0)} MB/s | ${(peakRss / 1024 ** 2).toFixed(0)} MB | ` +
          `${within ? 'yes' : 'NO'} |`,
      );
      rmSync(path, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const header = [
    `Peak RSS bound: ${boundMb} MB (sampled every 16384 events; process peak since start: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB, includes generation)`,
    `Node ${process.version}, ${process.platform}/${process.arch}`,
    '',
    '| shape | size | events read / written | time | throughput | peak RSS while reading | within bound |',
    '|---|---|---|---|---|---|---|',
  ];
  process.stdout.write(`${[...header, ...rows].join('\n')}\n`);
  if (failed) process.exitCode = 1;
}

await main();
