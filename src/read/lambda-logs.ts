/**
 * AWS Lambda platform lines (`START`, `END`, `REPORT`) with the fields
 * CloudWatch Logs Insights discovers for them: `@type`, `@requestId`,
 * `@duration`, `@billedDuration`, `@memorySize`, `@maxMemoryUsed`,
 * `@initDuration`, `@xrayTraceId`, `@xraySegmentId`.
 *
 * Durations are milliseconds; memory sizes are bytes counted in decimal
 * megabytes (`Memory Size: 128 MB` is `128000000`), which is what the
 * documented sample `max(@memorySize / 1000 / 1000)` assumes.
 *
 * The record of a Lambda event has these `@` names as its keys; the query
 * engine exposes them as the `@` fields (not `@@`, as for a JSON key).
 *
 * @module
 */
import type { ServiceRecord } from './service-record-type.js';

/** The record of a Lambda platform line. */
export type LambdaRecord = Readonly<Record<string, string | number>>;

const MS_FIELDS: Readonly<Record<string, string>> = {
  Duration: '@duration',
  'Billed Duration': '@billedDuration',
  'Init Duration': '@initDuration',
};

const MB_FIELDS: Readonly<Record<string, string>> = {
  'Memory Size': '@memorySize',
  'Max Memory Used': '@maxMemoryUsed',
};

const TEXT_FIELDS: Readonly<Record<string, string>> = {
  TraceId: '@xrayTraceId',
  SegmentId: '@xraySegmentId',
};

const HEAD = /^(START|END|REPORT) RequestId: ([^\s]+)/;

function numberWithUnit(value: string, unit: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?) ?([A-Za-z]+)$/.exec(value.trim());
  if (m === null || m[2] !== unit) return undefined;
  return Number(m[1]);
}

/**
 * Parses a Lambda platform line, or returns `undefined` when the message is
 * not one. Unknown `key: value` parts (`Status`, `Error Type`, …) are ignored;
 * a known part with an unexpected value is left out, so nothing is invented.
 *
 * @example
 * ```ts
 * parseLambdaPlatformLine('REPORT RequestId: 3f5e\tDuration: 2.50 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t')
 * //=> { '@type': 'REPORT', '@requestId': '3f5e', '@duration': 2.5, '@billedDuration': 3, '@memorySize': 128000000, '@maxMemoryUsed': 70000000 }
 * parseLambdaPlatformLine('START RequestId: 3f5e Version: $LATEST') //=> { '@type': 'START', '@requestId': '3f5e' }
 * ```
 */
export function parseLambdaPlatformLine(message: string): LambdaRecord | undefined {
  const m = HEAD.exec(message);
  if (m === null) return undefined;
  const out: Record<string, string | number> = { '@type': m[1]!, '@requestId': m[2]! };
  if (m[1] !== 'REPORT') return out;
  for (const part of message.slice(m[0].length).split(/[\t\n]/)) {
    const colon = part.indexOf(': ');
    if (colon < 0) continue;
    let key = part.slice(0, colon).trim();
    const value = part.slice(colon + 2);
    if (key.startsWith('XRAY ')) key = key.slice(5);
    if (Object.hasOwn(MS_FIELDS, key)) {
      const n = numberWithUnit(value, 'ms');
      if (n !== undefined) out[MS_FIELDS[key]!] = n;
    } else if (Object.hasOwn(MB_FIELDS, key)) {
      const n = numberWithUnit(value, 'MB');
      if (n !== undefined) out[MB_FIELDS[key]!] = n * 1000 * 1000;
    } else if (Object.hasOwn(TEXT_FIELDS, key)) {
      const v = value.trim();
      if (v !== '') out[TEXT_FIELDS[key]!] = v;
    }
  }
  return out;
}

/**
 * The service record of a message that is a Lambda platform line, or
 * `undefined`. Platform lines carry no time of their own: `@timestamp` is the
 * envelope's (export prefix, `events[].timestamp`, tail prefix).
 *
 * @internal
 */
export function lambdaMessage(message: string): ServiceRecord | undefined {
  const record = parseLambdaPlatformLine(message);
  return record === undefined ? undefined : { kind: 'lambda', record, time: Number.NaN, stream: undefined };
}
