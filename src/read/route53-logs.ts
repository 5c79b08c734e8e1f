/**
 * Amazon Route 53 query logs, both kinds:
 * - **public DNS query logs** (hosted zones, delivered to CloudWatch Logs):
 *   space-separated lines
 *   `version queryTimestamp hostZoneId queryName queryType responseCode protocol edgeLocation resolverIp ednsClientSubnet`,
 *   with the field names CloudWatch Logs Insights discovers;
 * - **Resolver query logs** (VPC DNS queries, delivered to CloudWatch Logs,
 *   S3 or Firehose): one JSON object per query (`query_name`, `query_type`,
 *   `rcode`, `srcaddr`, `answers`, …). Their fields are the JSON keys as
 *   discovered for any JSON event; this module only recognises them and
 *   takes `@timestamp` from `query_timestamp`.
 *
 * @module
 */
import { parseIsoTimestamp } from './iso-timestamp.js';
import type { ServiceRecord } from './service-record-type.js';

/** The fields of a public DNS query log line, in order. */
export const ROUTE53_QUERY_FIELDS: readonly string[] = Object.freeze([
  'version',
  'queryTimestamp',
  'hostZoneId',
  'queryName',
  'queryType',
  'responseCode',
  'protocol',
  'edgeLocation',
  'resolverIp',
  'ednsClientSubnet',
]);

const ISO_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z$/;

/**
 * Parses a public DNS query log line, or returns `undefined` when the
 * message is not one. `-` (no EDNS client subnet) leaves the field out.
 *
 * @example
 * ```ts
 * parseRoute53QueryLine('1.0 2024-05-01T10:00:00.000Z Z0123456789ABCDEFGHIJ example.com A NOERROR UDP IAD89-C1 192.0.2.10 -')
 * //=> { version: '1.0', queryTimestamp: '2024-05-01T10:00:00.000Z', hostZoneId: 'Z0123456789ABCDEFGHIJ', queryName: 'example.com', queryType: 'A', responseCode: 'NOERROR', protocol: 'UDP', edgeLocation: 'IAD89-C1', resolverIp: '192.0.2.10' }
 * ```
 */
export function parseRoute53QueryLine(message: string): Readonly<Record<string, string>> | undefined {
  const c = message.charCodeAt(0);
  if (c < 48 || c > 57) return undefined;
  const v = message.trimEnd().split(' ');
  if (v.length !== ROUTE53_QUERY_FIELDS.length) return undefined;
  if (!/^\d+\.\d+$/.test(v[0]!) || !ISO_Z.test(v[1]!) || !/^Z[A-Z0-9]+$/.test(v[2]!)) return undefined;
  if (!/^(?:UDP|TCP)$/.test(v[6]!)) return undefined;
  const out: Record<string, string> = {};
  for (let i = 0; i < v.length; i++) if (v[i] !== '-') out[ROUTE53_QUERY_FIELDS[i]!] = v[i]!;
  return out;
}

/**
 * The service record of a message that is a public DNS query log line, or `undefined`.
 *
 * @internal
 */
export function route53Message(message: string): ServiceRecord | undefined {
  const record = parseRoute53QueryLine(message);
  if (record === undefined) return undefined;
  return { kind: 'route53', record, time: parseIsoTimestamp(record.queryTimestamp ?? ''), stream: undefined };
}

function has(o: object, key: string): boolean {
  return Object.hasOwn(o, key);
}

/**
 * Whether a parsed JSON record is a Route 53 Resolver query log record.
 *
 * @example
 * ```ts
 * isResolverQueryRecord({ query_name: 'example.com.', query_type: 'A', rcode: 'NOERROR', srcaddr: '10.0.0.5' }) //=> true
 * ```
 */
export function isResolverQueryRecord(record: object): boolean {
  return (
    has(record, 'query_name') && has(record, 'query_type') && (has(record, 'rcode') || has(record, 'srcaddr'))
  );
}

/**
 * The `@timestamp` of a Resolver query record (`query_timestamp`), in epoch ms; NaN when absent.
 *
 * @internal
 */
export function resolverQueryTime(record: Readonly<Record<string, unknown>>): number {
  const t = Object.hasOwn(record, 'query_timestamp') ? record.query_timestamp : undefined;
  return typeof t === 'string' ? parseIsoTimestamp(t) : Number.NaN;
}
