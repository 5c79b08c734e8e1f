/**
 * Turns decoded records and messages into {@link LogEvent}s: kind,
 * `@timestamp`, `@logStream` and `@log`.
 *
 * @module
 */
import { basename } from 'node:path';
import type { LogEvent, LogKind, LogSource } from '../log-event.js';
import { classifyRecord, type RecordClass } from '../schema/classify.js';
import { parseAuthenticatorLine, parseKlogLine } from '../schema/eks-lines.js';
import { parseIsoTimestamp, timeValueToMs, validTime } from './iso-timestamp.js';
import { isResolverQueryRecord, resolverQueryTime } from './route53-logs.js';
import { parseServiceMessage } from './service-record.js';

/** System fields known from an envelope (CloudWatch event, export path, …). */
export interface Envelope {
  readonly timestamp?: number;
  readonly ingestionTime?: number;
  readonly logStream?: string;
  readonly logGroup?: string;
}

/** What the event builder needs to know about the current file. */
export interface BuildContext {
  readonly file: string | undefined;
  /** Suffix for inferred stream names: the sanitised file name, or `stdin`/`input`. */
  readonly streamSuffix: string;
  readonly logStream: string | undefined;
  readonly logGroup: string | undefined;
  readonly klogYear: number | undefined;
  /** The stream name found in the path (CloudWatch export trees), if any. */
  readonly pathStream: string | undefined;
  /** Counts events whose time is unknown. */
  missingTime(): void;
  /** Counts and locates an event whose time is present but not a valid date (`message`: the event's). */
  invalidTime(source: LogSource, message: string): void;
}

type Obj = { readonly [key: string]: unknown };

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function own(o: Obj, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** The stream-name suffix for a file: its base name with unusual characters replaced. */
export function streamSuffixOf(file: string | undefined, fallback: string): string {
  if (file === undefined) return fallback;
  return basename(file).replace(/[^A-Za-z0-9._-]/g, '_');
}

/** What {@link firstTime} gives when a time key holds a value that is no valid date. */
const INVALID_TIME = Number.NEGATIVE_INFINITY;

/** The first valid time among `keys`; `NaN` when none is there, {@link INVALID_TIME} when one is there but invalid. */
function firstTime(o: Obj, keys: readonly string[]): number {
  let invalid = false;
  for (const k of keys) {
    const v = own(o, k);
    if (v !== undefined && v !== null) {
      const t = timeValueToMs(v);
      if (!Number.isNaN(t)) return t;
      invalid = true;
    }
  }
  return invalid ? INVALID_TIME : Number.NaN;
}

const AUDIT_TIME_KEYS = ['requestReceivedTimestamp', 'stageTimestamp', 'timestamp'] as const;
const CLOUDTRAIL_TIME_KEYS = ['eventTime', '@timestamp', 'p_event_time'] as const;
const JSON_TIME_KEYS = ['@timestamp', 'timestamp', 'time', 'eventTime', 'requestReceivedTimestamp'] as const;

function cloudTrailStream(o: Obj): string {
  const identity = own(o, 'userIdentity');
  const account =
    own(o, 'recipientAccountId') ?? (isObject(identity) ? own(identity, 'accountId') : undefined);
  const region = own(o, 'awsRegion');
  if (typeof account === 'string' && typeof region === 'string') return `${account}_CloudTrail_${region}`;
  return 'CloudTrail';
}

function finish(
  ctx: BuildContext,
  kind: LogKind,
  message: string,
  record: unknown,
  recordTime: number,
  inferredStream: string | undefined,
  env: Envelope,
  source: LogSource,
  messageBytes?: number,
): LogEvent {
  let timestamp = env.timestamp === undefined ? recordTime : validTime(env.timestamp);
  let invalid = false;
  if (Number.isNaN(timestamp) || timestamp === INVALID_TIME) {
    // a time that is there but is no date (an envelope's, or the record's) is invalid, not missing
    invalid = timestamp === INVALID_TIME || env.timestamp !== undefined;
    timestamp = 0;
    if (invalid) ctx.invalidTime(source, message);
    else ctx.missingTime();
  }
  const logStream = ctx.logStream ?? env.logStream ?? inferredStream;
  const logGroup = ctx.logGroup ?? env.logGroup;
  const event: { -readonly [K in keyof LogEvent]: LogEvent[K] } = {
    timestamp,
    message,
    kind,
    record,
    source,
  };
  if (invalid) event.timestampInvalid = true;
  if (logStream !== undefined) event.logStream = logStream;
  if (logGroup !== undefined) event.logGroup = logGroup;
  if (env.ingestionTime !== undefined) event.ingestionTime = env.ingestionTime;
  if (messageBytes !== undefined) event.messageBytes = messageBytes;
  return event;
}

/**
 * Builds the event of one parsed JSON record. An EventBridge envelope is
 * unwrapped to its `detail` (whose JSON becomes the message). `valueClass`
 * is `classifyRecord(value)` when the caller already knows it; `messageBytes`
 * is the UTF-8 length of `message` when the caller decoded it from raw bytes.
 */
export function jsonRecordEvent(
  ctx: BuildContext,
  message: string,
  value: unknown,
  env: Envelope,
  source: LogSource,
  valueClass?: RecordClass,
  messageBytes?: number,
): LogEvent {
  let text = message;
  let bytes = messageBytes;
  let record = value;
  let envelopeTime = Number.NaN;
  if (isObject(value) && typeof own(value, 'detail-type') === 'string' && isObject(own(value, 'detail'))) {
    record = own(value, 'detail');
    text = JSON.stringify(record);
    bytes = undefined;
    envelopeTime = timeValueToMs(own(value, 'time'));
  }
  if (!isObject(record)) return finish(ctx, 'json', text, record, Number.NaN, undefined, env, source, bytes);
  switch (record === value && valueClass !== undefined ? valueClass : classifyRecord(record)) {
    case 'kubernetes-audit-event':
      return finish(
        ctx,
        'kubernetes-audit',
        text,
        record,
        firstTime(record, AUDIT_TIME_KEYS),
        `kube-apiserver-audit-${ctx.streamSuffix}`,
        env,
        source,
        bytes,
      );
    case 'cloudtrail-record': {
      let t = firstTime(record, CLOUDTRAIL_TIME_KEYS);
      if (Number.isNaN(t)) t = envelopeTime;
      return finish(ctx, 'cloudtrail', text, record, t, cloudTrailStream(record), env, source, bytes);
    }
    default:
      if (isResolverQueryRecord(record)) {
        return finish(ctx, 'route53', text, record, resolverQueryTime(record), undefined, env, source, bytes);
      }
      return finish(
        ctx,
        'json',
        text,
        record,
        firstTime(record, JSON_TIME_KEYS),
        undefined,
        env,
        source,
        bytes,
      );
  }
}

/**
 * Builds the event of a service log record (VPC flow, Route 53, Lambda; see
 * `service-record.ts`) read by a format handler of its own: the same rules
 * for `@timestamp`, `@logStream` and `@log` as every other event.
 */
export const serviceEvent: typeof finish = finish;

const SCHEDULER_FILES = new Set(['scheduler.go', 'schedule_one.go']);

/**
 * Builds the event of one text message: a CloudWatch event message or a raw
 * line. JSON messages become JSON records; authenticator and klog lines are
 * parsed with the schema line parsers; anything else is `text`. `messageBytes`
 * is the message's UTF-8 length when it was decoded from raw bytes.
 */
export function messageEvent(
  ctx: BuildContext,
  message: string,
  env: Envelope,
  source: LogSource,
  messageBytes?: number,
): LogEvent {
  const first = message.charCodeAt(0);
  if (first === 123 || first === 91) {
    let value: unknown;
    let ok = false;
    try {
      value = JSON.parse(message);
      ok = true;
    } catch {
      // not JSON after all: a text message that starts with a brace
    }
    if (ok) return jsonRecordEvent(ctx, message, value, env, source, undefined, messageBytes);
  } else if (first === 116 && message.startsWith('time="')) {
    const line = parseAuthenticatorLine(message);
    if (line !== undefined) {
      return finish(
        ctx,
        'authenticator',
        message,
        line,
        line.timestamp ?? Number.NaN,
        `authenticator-${ctx.streamSuffix}`,
        env,
        source,
        messageBytes,
      );
    }
  } else if (first === 73 || first === 87 || first === 69 || first === 70) {
    const options =
      env.timestamp !== undefined
        ? { referenceTime: env.timestamp }
        : ctx.klogYear !== undefined
          ? { year: ctx.klogYear }
          : {};
    const line = parseKlogLine(message, options);
    if (line !== undefined) {
      const stream = SCHEDULER_FILES.has(line.file) ? `kube-scheduler-${ctx.streamSuffix}` : undefined;
      return finish(
        ctx,
        'klog',
        message,
        line,
        line.timestamp ?? Number.NaN,
        stream,
        env,
        source,
        messageBytes,
      );
    }
  }
  const service = parseServiceMessage(message);
  if (service !== undefined) {
    const { kind, record, time, stream } = service;
    return finish(ctx, kind, message, record, time, stream, env, source, messageBytes);
  }
  return finish(ctx, 'text', message, undefined, Number.NaN, undefined, env, source, messageBytes);
}

/** Builds a `text` event whose time is the first token (legacy audit text lines). */
export function legacyAuditEvent(ctx: BuildContext, message: string, source: LogSource): LogEvent {
  const sp = message.indexOf(' ');
  const t = sp > 0 ? parseIsoTimestamp(message.slice(0, sp)) : Number.NaN;
  return finish(ctx, 'text', message, undefined, t, `kube-apiserver-audit-${ctx.streamSuffix}`, {}, source);
}
