/**
 * Amazon VPC Flow Logs: the space-separated flow records, with the field
 * names CloudWatch Logs Insights discovers (`srcAddr`, `dstPort`,
 * `logStatus`, `startTime`, …).
 *
 * Two shapes reach kubetrail:
 * - S3 delivery (`AWSLogs/<account>/vpcflowlogs/<region>/…/*.log.gz`): the
 *   first line is a header naming the fields (`version account-id … log-status`,
 *   or any custom format's field list), every other line is one record;
 * - CloudWatch Logs delivery: each event's message is one record without a
 *   header. Only the default format (version 2, 14 fields) is recognised
 *   there, since a custom format's field order is not in the message.
 *
 * `-` means "no value": the field is left out of the record. Numeric
 * fields (ports, protocol, packets, bytes, start/end, TCP flags, …) become
 * numbers; `accountId` and the other identifiers stay strings.
 *
 * @module
 */
import type { ServiceRecord } from './service-record-type.js';

/** The field names of the default (version 2) format, in order, as the flow-log header writes them. */
export const VPC_FLOW_DEFAULT_FIELDS: readonly string[] = Object.freeze([
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
]);

/** Header names whose Insights field name is not the plain camelCase of the name. */
const SPECIAL_NAMES: Readonly<Record<string, string>> = {
  srcaddr: 'srcAddr',
  dstaddr: 'dstAddr',
  srcport: 'srcPort',
  dstport: 'dstPort',
  'pkt-srcaddr': 'pktSrcAddr',
  'pkt-dstaddr': 'pktDstAddr',
  start: 'startTime',
  end: 'endTime',
};

/** Every field of the flow-log record formats (versions 2 to 10), as the header spells them. */
const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  ...VPC_FLOW_DEFAULT_FIELDS,
  'vpc-id',
  'subnet-id',
  'instance-id',
  'tcp-flags',
  'type',
  'pkt-srcaddr',
  'pkt-dstaddr',
  'region',
  'az-id',
  'sublocation-type',
  'sublocation-id',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
  'flow-direction',
  'traffic-path',
  'ecs-cluster-arn',
  'ecs-cluster-name',
  'ecs-container-instance-arn',
  'ecs-container-instance-id',
  'ecs-container-id',
  'ecs-second-container-id',
  'ecs-service-name',
  'ecs-task-definition-arn',
  'ecs-task-arn',
  'ecs-task-id',
  'reject-reason',
  'resource-id',
  'encryption-status',
]);

/** Fields whose values are numbers. */
const NUMERIC_FIELDS: ReadonlySet<string> = new Set([
  'version',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'tcp-flags',
  'traffic-path',
  'encryption-status',
]);

/**
 * The Insights field name of a flow-log header name: `srcaddr` → `srcAddr`,
 * `log-status` → `logStatus`, `start` → `startTime`, other hyphenated names
 * in camelCase.
 *
 * @example
 * ```ts
 * vpcFlowFieldName('account-id') //=> 'accountId'
 * vpcFlowFieldName('pkt-dstaddr') //=> 'pktDstAddr'
 * ```
 */
export function vpcFlowFieldName(headerName: string): string {
  const special = SPECIAL_NAMES[headerName];
  if (special !== undefined && Object.hasOwn(SPECIAL_NAMES, headerName)) return special;
  return headerName.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const DIGITS = /^\d{1,15}$/;

/** A field list ready for records: the Insights names and which fields are numeric. */
interface Layout {
  readonly names: readonly string[];
  readonly numeric: readonly boolean[];
}

const layouts = new WeakMap<readonly string[], Layout>();

/** The layout of a header's field list, computed once per list (a file's header, or the default list). */
function layoutOf(headerNames: readonly string[]): Layout {
  let layout = layouts.get(headerNames);
  if (layout === undefined) {
    layout = {
      names: headerNames.map(vpcFlowFieldName),
      numeric: headerNames.map((n) => NUMERIC_FIELDS.has(n)),
    };
    layouts.set(headerNames, layout);
  }
  return layout;
}

const HEADER_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * Whether a line is a flow-log header: space-separated field names, at least
 * two of them known flow-log fields, one of them an address, port, interface,
 * action or status field.
 *
 * @example
 * ```ts
 * isVpcFlowHeader('version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status') //=> true
 * isVpcFlowHeader('hello world') //=> false
 * ```
 */
export function isVpcFlowHeader(line: string): boolean {
  const names = line.trim().split(/ +/);
  if (names.length < 2 || names.length > 64) return false;
  let known = 0;
  let telling = false;
  for (const n of names) {
    if (!HEADER_NAME.test(n)) return false;
    if (KNOWN_FIELDS.has(n)) known++;
    if (/^(?:pkt-)?(?:src|dst)(?:addr|port)$|^interface-id$|^log-status$|^action$/.test(n)) telling = true;
  }
  return known >= 2 && telling;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

function isAddress(s: string): boolean {
  return s === '-' || IPV4.test(s) || (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s));
}

function isCount(s: string): boolean {
  return s === '-' || /^\d{1,20}$/.test(s);
}

/**
 * Whether a message is a default-format (version 2) flow record:
 * 14 space-separated values with the right shapes.
 *
 * @example
 * ```ts
 * isVpcFlowDefaultRecord('2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK') //=> true
 * ```
 */
export function isVpcFlowDefaultRecord(message: string): boolean {
  return defaultValues(message) !== undefined;
}

/** The 14 values of a default-format record, or `undefined` when the message is not one. */
function defaultValues(message: string): string[] | undefined {
  if (message.charCodeAt(0) !== 50 || message.charCodeAt(1) !== 32) return undefined;
  const v = message.split(' ');
  if (v.length !== 14) return undefined;
  const ok =
    (v[1] === '-' || /^\d{12}$/.test(v[1]!)) &&
    (v[2] === '-' || v[2]!.startsWith('eni-')) &&
    isAddress(v[3]!) &&
    isAddress(v[4]!) &&
    isCount(v[5]!) &&
    isCount(v[6]!) &&
    isCount(v[7]!) &&
    isCount(v[8]!) &&
    isCount(v[9]!) &&
    isCount(v[10]!) &&
    isCount(v[11]!) &&
    (v[12] === 'ACCEPT' || v[12] === 'REJECT' || v[12] === '-') &&
    (v[13] === 'OK' || v[13] === 'NODATA' || v[13] === 'SKIPDATA');
  return ok ? v : undefined;
}

/**
 * Builds the record of one flow line from the header's field names; `-`
 * values are left out, numeric fields become numbers (a value that is not a
 * plain number stays a string, so nothing is lost). Returns `undefined` when
 * the line does not have one value per field.
 *
 * @example
 * ```ts
 * vpcFlowRecord(['srcport', 'action'], '443 ACCEPT') //=> { srcPort: 443, action: 'ACCEPT' }
 * vpcFlowRecord(['srcport', 'action'], '- NODATA') //=> { action: 'NODATA' }
 * ```
 */
export function vpcFlowRecord(
  headerNames: readonly string[],
  line: string,
): Record<string, string | number> | undefined {
  let values = line.split(' ');
  if (values.includes('')) values = line.trim().split(/ +/);
  return recordOfValues(layoutOf(headerNames), values);
}

function recordOfValues(
  layout: Layout,
  values: readonly string[],
): Record<string, string | number> | undefined {
  if (values.length !== layout.names.length) return undefined;
  // header names match HEADER_NAME, so no key is `__proto__`: a plain object is safe
  const out: Record<string, string | number> = {};
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === '-') continue;
    out[layout.names[i]!] = layout.numeric[i] === true && DIGITS.test(v) ? Number(v) : v;
  }
  return out;
}

/**
 * The service record of a flow line read with the given field list: the
 * time is the record's `start` (epoch seconds), the stream the one
 * CloudWatch Logs gives a flow log's records (`<interface-id>-all`).
 * `undefined` when the line does not have one value per field.
 *
 * @internal
 */
export function vpcFlowServiceRecord(
  headerNames: readonly string[],
  line: string,
): ServiceRecord | undefined {
  return serviceRecordOf(vpcFlowRecord(headerNames, line));
}

function serviceRecordOf(record: Record<string, string | number> | undefined): ServiceRecord | undefined {
  if (record === undefined) return undefined;
  const start = record.startTime;
  const eni = record.interfaceId;
  return {
    kind: 'vpc-flow',
    record,
    time: typeof start === 'number' ? start * 1000 : Number.NaN,
    stream: typeof eni === 'string' ? `${eni}-all` : undefined,
  };
}

/**
 * The service record of a CloudWatch message that is a default-format flow
 * record, or `undefined`.
 *
 * @internal
 */
export function vpcFlowMessage(message: string): ServiceRecord | undefined {
  const values = defaultValues(message);
  return values === undefined
    ? undefined
    : serviceRecordOf(recordOfValues(layoutOf(VPC_FLOW_DEFAULT_FIELDS), values));
}
