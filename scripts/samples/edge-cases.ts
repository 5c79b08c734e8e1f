/**
 * Tiny files with awkward framing, for readers: empty, no final newline, CRLF,
 * BOM, concatenated gzip members, an empty Records array, a truncated gzip and
 * one very long line.
 *
 * @module
 */
import { gzipSync } from 'node:zlib';
import { auditEvent, plainUser, ref, resourceUri } from './audit.js';
import { createRng } from './prng.js';
import { at } from './story.js';

function gz(data: string): Buffer {
  const out = gzipSync(Buffer.from(data), { level: 9 });
  out[9] = 3;
  return out;
}

function line(n: number, extra?: Record<string, string>): string {
  const rng = createRng(7000 + n);
  const r = ref('configmaps', { namespace: 'kube-system', name: `edge-${n}` });
  const { event } = auditEvent({
    auditID: rng.uuid(),
    received: at(`10:00:0${n}.000100`),
    staged: at(`10:00:0${n}.004100`),
    level: 'Metadata',
    verb: 'get',
    uri: resourceUri(r),
    user: plainUser('system:kube-controller-manager'),
    ip: '172.16.87.205',
    userAgent: 'edge-case/v0',
    objectRef: r,
    code: 200,
    decision: 'allow',
    reason: '',
    ...(extra ? { annotations: extra } : {}),
  });
  return JSON.stringify(event);
}

const RECORD = JSON.stringify({
  eventVersion: '1.09',
  userIdentity: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' },
  eventTime: '2024-05-14T10:00:00Z',
  eventSource: 'sts.amazonaws.com',
  eventName: 'AssumeRole',
  awsRegion: 'us-west-2',
  sourceIPAddress: 'ec2.amazonaws.com',
  userAgent: 'ec2.amazonaws.com',
  requestParameters: {
    roleArn: 'arn:aws:iam::111122223333:role/eks-node-group-role',
    roleSessionName: 'i-0a3f9c2b7d1e84f56',
  },
  responseElements: null,
  requestID: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
  eventID: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  readOnly: true,
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: '111122223333',
  eventCategory: 'Management',
});

/**
 * The edge-case files, relative to `test/fixtures/edge-cases/`.
 *
 * @example
 * ```ts
 * edgeCaseFiles().map(([name]) => name);
 * ```
 */
export function edgeCaseFiles(): [string, Buffer][] {
  const full = gz(`${line(1)}\n${line(2)}\n${line(3)}\n`);
  return [
    ['empty.ndjson', Buffer.alloc(0)],
    ['no-final-newline.ndjson', Buffer.from(`${line(1)}\n${line(2)}`)],
    ['crlf.ndjson', Buffer.from(`${line(1)}\r\n${line(2)}\r\n`)],
    [
      'bom-records.json',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`{"Records":[${RECORD}]}`)]),
    ],
    ['concatenated-members.ndjson.gz', Buffer.concat([gz(`${line(1)}\n`), gz(`${line(2)}\n`)])],
    ['empty-records.json', Buffer.from('{"Records": []}\n')],
    ['truncated.ndjson.gz', full.subarray(0, Math.floor(full.length * 0.6))],
    [
      'long-line.ndjson',
      Buffer.from(`${line(4, { 'example.com/padding': 'x'.repeat(150_000) })}\n${line(5)}\n`),
    ],
  ];
}
