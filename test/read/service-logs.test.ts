/**
 * VPC Flow Logs, Route 53 query logs and Lambda platform lines: the parsers,
 * the readers on the fixtures (test/fixtures/{vpc-flow-logs,route53,lambda}),
 * and the AWS sample queries for these log types run through `query()`.
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { detectFormat } from '../../src/read/detect-format.js';
import { readLogs } from '../../src/read/index.js';
import { parseLambdaPlatformLine } from '../../src/read/lambda-logs.js';
import { parseRoute53QueryLine } from '../../src/read/route53-logs.js';
import { parseServiceMessage } from '../../src/read/service-record.js';
import {
  isVpcFlowDefaultRecord,
  isVpcFlowHeader,
  vpcFlowFieldName,
  vpcFlowRecord,
} from '../../src/read/vpc-flow-logs.js';
import { query } from '../../src/run/index.js';
import { vendoredExamples } from '../query/support/example-queries.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}/`, import.meta.url));
const VPC = fixture('vpc-flow-logs');
const ROUTE53 = fixture('route53');
const LAMBDA = fixture('lambda');
const NOW = Date.parse('2024-05-02T00:00:00Z');
const enc = new TextEncoder();

function withoutPtr(row: Record<string, unknown>): Record<string, unknown> {
  const { '@ptr': _, ...rest } = row;
  return rest;
}

const DEFAULT_LINE =
  '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK';

describe('VPC Flow Logs records', () => {
  test('a default-format line gets the discovered field names, numbers typed', () => {
    const r = parseServiceMessage(DEFAULT_LINE);
    expect(r?.kind).toBe('vpc-flow');
    expect(r?.record).toEqual({
      version: 2,
      accountId: '123456789010',
      interfaceId: 'eni-1235b8ca123456789',
      srcAddr: '172.31.16.139',
      dstAddr: '172.31.16.21',
      srcPort: 20641,
      dstPort: 22,
      protocol: 6,
      packets: 20,
      bytes: 4249,
      startTime: 1418530010,
      endTime: 1418530070,
      action: 'ACCEPT',
      logStatus: 'OK',
    });
    expect(r?.time).toBe(1418530010_000);
    expect(r?.stream).toBe('eni-1235b8ca123456789-all');
  });

  test('`-` is no value; a NODATA record keeps only what it has', () => {
    const line = '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA';
    expect(parseServiceMessage(line)?.record).toEqual({
      version: 2,
      accountId: '123456789010',
      interfaceId: 'eni-1235b8ca123456789',
      startTime: 1431280876,
      endTime: 1431280934,
      logStatus: 'NODATA',
    });
  });

  test('the account id stays a string (leading zeros kept)', () => {
    const line = DEFAULT_LINE.replace('123456789010', '012345678901');
    expect(parseServiceMessage(line)?.record.accountId).toBe('012345678901');
  });

  test.each([
    ['version', 'version'],
    ['account-id', 'accountId'],
    ['interface-id', 'interfaceId'],
    ['srcaddr', 'srcAddr'],
    ['dstport', 'dstPort'],
    ['log-status', 'logStatus'],
    ['start', 'startTime'],
    ['end', 'endTime'],
    ['pkt-srcaddr', 'pktSrcAddr'],
    ['tcp-flags', 'tcpFlags'],
    ['pkt-dst-aws-service', 'pktDstAwsService'],
    ['flow-direction', 'flowDirection'],
    ['__proto__', '__proto__'],
  ])('header name %s is the field %s', (header, field) => {
    expect(vpcFlowFieldName(header)).toBe(field);
  });

  test('headers: the default, a custom one; other lines are not headers', () => {
    expect(
      isVpcFlowHeader(
        'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
      ),
    ).toBe(true);
    expect(isVpcFlowHeader('vpc-id srcaddr dstaddr tcp-flags')).toBe(true);
    expect(isVpcFlowHeader('hello world')).toBe(false);
    expect(isVpcFlowHeader('srcaddr')).toBe(false);
    expect(isVpcFlowHeader('version srcaddr Dstaddr')).toBe(false);
  });

  test('lines that are not default-format records are not recognised', () => {
    expect(isVpcFlowDefaultRecord(DEFAULT_LINE.replace(' OK', ' MAYBE'))).toBe(false);
    expect(isVpcFlowDefaultRecord(`${DEFAULT_LINE} extra`)).toBe(false);
    expect(isVpcFlowDefaultRecord(DEFAULT_LINE.replace('eni-', 'xyz-'))).toBe(false);
    expect(isVpcFlowDefaultRecord(`3${DEFAULT_LINE.slice(1)}`)).toBe(false);
    expect(parseServiceMessage('2 apples and 3 pears')).toBeUndefined();
  });

  test('a header field list with the wrong number of values gives no record', () => {
    expect(vpcFlowRecord(['srcaddr', 'dstaddr'], '10.0.0.1')).toBeUndefined();
    expect(vpcFlowRecord(['srcport'], 'x')).toEqual({ srcPort: 'x' });
  });

  test('any default-format record round-trips through its fields', () => {
    const count = fc.oneof(fc.constant('-'), fc.nat({ max: 2 ** 40 }).map(String));
    const ip = fc.ipV4();
    fc.assert(
      fc.property(
        fc.tuple(ip, ip, count, count, count, count, count),
        fc.constantFrom('ACCEPT', 'REJECT'),
        fc.constantFrom('OK', 'NODATA', 'SKIPDATA'),
        ([src, dst, a, b, c, d, e], action, status) => {
          const line = `2 111122223333 eni-0a ${src} ${dst} ${a} ${b} 6 ${c} ${d} ${e} 1714557660 ${action} ${status}`;
          const r = parseServiceMessage(line);
          expect(r?.kind).toBe('vpc-flow');
          expect(r?.record.srcAddr).toBe(src);
          expect(r?.record.packets).toBe(c === '-' ? undefined : Number(c));
          expect(r?.record.bytes).toBe(d === '-' ? undefined : Number(d));
        },
      ),
    );
  });

  test('detection: a header file and a headerless default-format file are vpc-flow-logs', () => {
    expect(detectFormat(enc.encode('version account-id interface-id srcaddr dstaddr\n')).format).toBe(
      'vpc-flow-logs',
    );
    expect(detectFormat(enc.encode(`${DEFAULT_LINE}\n`)).format).toBe('vpc-flow-logs');
  });

  test('a bad line in a flow-log file is rejected with its line; the rest is read', async () => {
    const input = Buffer.from(
      `srcaddr dstaddr action log-status\n10.0.0.1 10.0.0.2 ACCEPT OK\n10.0.0.1 ACCEPT OK\n10.0.0.3 10.0.0.2 REJECT OK\n`,
    );
    const reader = readLogs(input, { onError: 'skip' });
    const events = [];
    for await (const e of reader) events.push(e);
    expect(events.map((e) => (e.record as { srcAddr: string }).srcAddr)).toEqual(['10.0.0.1', '10.0.0.3']);
    expect(reader.summary.recordsRead).toBe(3);
    expect(reader.summary.rejections).toEqual([expect.objectContaining({ code: 'bad_record', line: 3 })]);
    await expect(query(input, 'fields srcAddr')).rejects.toMatchObject({ code: 'bad_record', line: 3 });
  });

  test('the fixtures: S3 default and custom formats and a CloudWatch export', async () => {
    const reader = readLogs(VPC);
    const kinds = new Map<string, number>();
    for await (const e of reader) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
    expect(Object.fromEntries(kinds)).toEqual({ 'vpc-flow': 20 });
    // (SOURCE.md is found by the walk too, and skipped as an unknown file)
    expect(
      reader.summary.files
        .map((f) => f.format)
        .filter((f) => f !== 'unknown')
        .sort(),
    ).toEqual(['cloudwatch-export', 'vpc-flow-logs', 'vpc-flow-logs']);
    const custom = await query(
      VPC,
      'filter version = 5 | fields tcpFlags, flowDirection, trafficPath, pktSrcAddr, instanceId | sort tcpFlags desc',
      { now: NOW },
    );
    expect(custom.rows.map(withoutPtr)).toEqual([
      {
        tcpFlags: 19,
        flowDirection: 'egress',
        trafficPath: 8,
        pktSrcAddr: '10.0.1.5',
        instanceId: 'i-0123456789abcdef0',
      },
      {
        tcpFlags: 3,
        flowDirection: 'ingress',
        pktSrcAddr: '203.0.113.80',
        instanceId: 'i-0123456789abcdef0',
      },
      { tcpFlags: 0, flowDirection: 'ingress', pktSrcAddr: '2001:db8::5' },
    ]);
  });
});

describe('Route 53 query logs', () => {
  test('a public DNS query log line gets the discovered field names', () => {
    expect(
      parseRoute53QueryLine(
        '1.0 2017-12-13T08:15:50.235Z Z123412341234 example.com A NOERROR UDP FRA6 192.168.1.1 -',
      ),
    ).toEqual({
      version: '1.0',
      queryTimestamp: '2017-12-13T08:15:50.235Z',
      hostZoneId: 'Z123412341234',
      queryName: 'example.com',
      queryType: 'A',
      responseCode: 'NOERROR',
      protocol: 'UDP',
      edgeLocation: 'FRA6',
      resolverIp: '192.168.1.1',
    });
    expect(
      parseServiceMessage('1.0 2017-12-13T08:15:50.235Z Z1 a.com A NOERROR UDP FRA6 192.0.2.1 192.0.2.0/24')
        ?.time,
    ).toBe(Date.parse('2017-12-13T08:15:50.235Z'));
  });

  test('other lines are not query log lines', () => {
    expect(parseRoute53QueryLine('1.0 yesterday Z1 a.com A NOERROR UDP FRA6 192.0.2.1 -')).toBeUndefined();
    expect(
      parseRoute53QueryLine('1.0 2017-12-13T08:15:50.235Z Z1 a.com A NOERROR QUIC FRA6 192.0.2.1 -'),
    ).toBeUndefined();
    expect(parseRoute53QueryLine('1.0 2017-12-13T08:15:50.235Z Z1 a.com A NOERROR UDP FRA6')).toBeUndefined();
  });

  test('the fixtures: Resolver JSON records and public query lines are kind route53 with their own times', async () => {
    const reader = readLogs(ROUTE53);
    const events = [];
    for await (const e of reader) events.push(e);
    expect(events.every((e) => e.kind === 'route53')).toBe(true);
    expect(events).toHaveLength(10);
    const resolver = await query(
      ROUTE53,
      'filter rcode = "NXDOMAIN" | stats count(*) as n by query_name, srcaddr, srcids.instance',
      { now: NOW },
    );
    expect(resolver.rows).toEqual([
      { query_name: 'c2.bad.example.', srcaddr: '10.0.2.9', 'srcids.instance': 'i-0123456789abcdef0', n: 2 },
    ]);
    const times = await query(ROUTE53, 'filter ispresent(query_name) | stats min(@timestamp) as first', {
      now: NOW,
    });
    expect(times.rows).toEqual([{ first: new Date('2024-05-01T10:00:01Z') }]);
  });
});

describe('Lambda platform lines', () => {
  test('REPORT: durations in ms, memory in bytes (decimal MB), X-Ray ids', () => {
    expect(
      parseLambdaPlatformLine(
        'REPORT RequestId: 8f507cfc\tDuration: 3.33 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\tInit Duration: 156.30 ms\t\nXRAY TraceId: 1-5e34a614-10bd\tSegmentId: 07f5\tSampled: true\t',
      ),
    ).toEqual({
      '@type': 'REPORT',
      '@requestId': '8f507cfc',
      '@duration': 3.33,
      '@billedDuration': 4,
      '@memorySize': 128_000_000,
      '@maxMemoryUsed': 74_000_000,
      '@initDuration': 156.3,
      '@xrayTraceId': '1-5e34a614-10bd',
      '@xraySegmentId': '07f5',
    });
  });

  test('START and END give @type and @requestId; other lines are not platform lines', () => {
    expect(parseLambdaPlatformLine('START RequestId: abc Version: $LATEST')).toEqual({
      '@type': 'START',
      '@requestId': 'abc',
    });
    expect(parseLambdaPlatformLine('END RequestId: abc')).toEqual({ '@type': 'END', '@requestId': 'abc' });
    expect(parseLambdaPlatformLine('STARTED RequestId: abc')).toBeUndefined();
    expect(parseLambdaPlatformLine('REPORT nothing')).toBeUndefined();
    expect(parseLambdaPlatformLine('REPORT RequestId: a\tDuration: soon\tMemory Size: 1 GB')).toEqual({
      '@type': 'REPORT',
      '@requestId': 'a',
    });
  });

  test('the fixture: @ fields are Lambda fields, not @@ fields; other lines stay text', async () => {
    const r = await query(
      LAMBDA,
      'fields @type, @@type, @requestId, @maxMemoryUsed | filter ispresent(@type) | sort @timestamp asc | limit 2',
      { now: NOW },
    );
    expect(r.rows.map(withoutPtr)).toEqual([
      { '@type': 'START', '@requestId': '8f507cfc-0000-4697-b07a-ac58fc914c95' },
      { '@type': 'END', '@requestId': '8f507cfc-0000-4697-b07a-ac58fc914c95' },
    ]);
    const kinds = await query(LAMBDA, 'stats count(*) as n by isPresent(@type) as platform', { now: NOW });
    expect(kinds.rows).toContainEqual({ platform: false, n: 2 });
    expect(kinds.rows).toContainEqual({ platform: true, n: 11 });
  });

  test('a JSON record key "@type" is still the field @@type, not @type', async () => {
    const r = await query(Buffer.from('{"@type":"x","a":1}\n'), 'fields @type, @@type, a', { now: NOW });
    expect(r.rows.map(withoutPtr)).toEqual([{ '@@type': 'x', a: 1 }]);
  });
});

/** The AWS sample queries for one log type: vendored blocks whose text names one of the type's fields. */
function samples(...needles: string[]): string[] {
  return vendoredExamples()
    .map((e) => e.query)
    .filter((q) => needles.some((n) => q.includes(n)));
}

describe('the AWS sample queries return rows on the fixtures', () => {
  // Placeholders in the samples (`'x.x.x.x'`, `'y.y.'`) stand for addresses the reader fills in.
  const PLACEHOLDERS: readonly [string, string][] = [
    ["'x.x.x.x'", "'10.0.1.5'"],
    ["'xxx.xx.xx.xx'", "'192.0.2.10'"],
    ["'y.y.'", "'192.0.2.'"],
  ];
  const fill = (q: string) => PLACEHOLDERS.reduce((s, [from, to]) => s.split(from).join(to), q);

  /** Samples that cannot return rows as written, with the reason. */
  const NO_ROWS: ReadonlyMap<string, string> = new Map([
    [
      "logStream = 'vpc-flow-logs'",
      'filters on a field `logStream` that no flow record has (the system field is `@logStream`, and a flow log stream is named after its interface)',
    ],
  ]);

  const vpc = samples('srcAddr', 'logStatus', 'protocol=17');
  const route53 = samples('queryType', 'resolverIp', 'responseCode');
  const lambda = samples('@type = "REPORT"', '@duration');

  test('the samples are found', () => {
    expect(vpc.length).toBeGreaterThanOrEqual(10);
    expect(route53.length).toBeGreaterThanOrEqual(3);
    expect(lambda.length).toBeGreaterThanOrEqual(3);
  });

  test.each([
    ...vpc.map((q) => [q, VPC] as const),
    ...route53.map((q) => [q, ROUTE53] as const),
    ...lambda.map((q) => [q, LAMBDA] as const),
  ])('%s', async (text, dir) => {
    const reason = [...NO_ROWS].find(([needle]) => text.includes(needle))?.[1];
    const r = await query(dir, fill(text), { now: NOW });
    if (reason !== undefined) {
      expect(r.rows, reason).toEqual([]);
      return;
    }
    expect(r.rows.length).toBeGreaterThan(0);
  });

  test('the connection sample with @logStream in place of logStream returns one row per connection', async () => {
    const text = vpc.find((q) => q.includes("logStream = 'vpc-flow-logs'"))!;
    const fixed = text.replace("logStream = 'vpc-flow-logs'", "@logStream = 'eni-0123456789abcdef0-all'");
    const r = await query(VPC, fixed, { now: NOW });
    // 6 connections in the S3 file (the export repeats them) and 2 in the custom-format file
    expect(r.rows.length).toBe(8);
  });

  test('results: over-provisioned memory, slow invocations deduplicated, rejections by source', async () => {
    const mem = await query(LAMBDA, lambda.find((q) => q.includes('overProvisionedMB'))!, { now: NOW });
    expect(mem.rows).toEqual([
      {
        provisonedMemoryMB: 256,
        smallestMemoryRequestMB: 74,
        avgMemoryUsedMB: 142,
        maxMemoryUsedMB: 256,
        overProvisionedMB: 0,
      },
    ]);
    const slow = await query(LAMBDA, lambda.find((q) => q.includes('@duration > 1000'))!, { now: NOW });
    expect(slow.rows.map((r) => r['@requestId'])).toEqual([
      'c0ffee00-0000-4a1b-8c2d-3e4f5a6b7c8d',
      '2b1f6f5e-0000-4d0e-9b4c-5f2c8e0d7a11',
    ]);
    const rejected = await query(
      VPC,
      'filter action="REJECT" | stats count(*) as numRejections by srcAddr | sort numRejections desc | limit 20',
      { now: NOW },
    );
    expect(rejected.rows).toEqual([
      { srcAddr: '198.51.100.7', numRejections: 4 },
      { srcAddr: '2001:db8::5', numRejections: 1 },
    ]);
    const servfail = await query(ROUTE53, 'filter responseCode="SERVFAIL" | stats count(*) by queryName', {
      now: NOW,
    });
    expect(servfail.rows).toEqual([{ queryName: 'api.example.com', 'count(*)': 2 }]);
  });
});
