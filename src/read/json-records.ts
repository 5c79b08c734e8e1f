/**
 * The JSON formats: NDJSON lines (fast path) and JSON documents cut by the
 * byte scanner (`{"Records":[…]}`, EventLists, lookup-events, CloudWatch
 * `events`, Logs Insights `results`, Firehose payloads, EventBridge
 * envelopes, arrays, single pretty-printed records, concatenated documents).
 *
 * @module
 */
import type { LogSource } from '../log-event.js';
import { classifyRecord } from '../schema/classify.js';
import { type Envelope, isObject, jsonRecordEvent, own } from './build-event.js';
import { timeValueToMs } from './iso-timestamp.js';
import { createJsonScanner, type KeyDecision } from './json-scanner.js';
import { createLineSplitter } from './line-splitter.js';
import { emitMessage, type RecordSink } from './record-sink.js';

/** A push-based format handler. */
export interface FormatHandler {
  push(chunk: Uint8Array): void;
  end(): void;
}

type Obj = { readonly [key: string]: unknown };

function src(sink: RecordSink, line: number, offset: number, index?: number): LogSource {
  const s: { -readonly [K in keyof LogSource]: LogSource[K] } = { line, offset };
  if (sink.file !== undefined) s.file = sink.file;
  if (index !== undefined) s.index = index;
  return s;
}

/** Keys whose array elements are records whose raw JSON is the message. */
const RAW_RECORD_KEYS = new Set(['Records', 'items', '', 'detail']);

function fieldsOf(row: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  if (!Array.isArray(row)) return out;
  for (const cell of row) {
    if (isObject(cell) && typeof own(cell, 'field') === 'string')
      out[own(cell, 'field') as string] = own(cell, 'value');
  }
  return out;
}

function insightsRow(sink: RecordSink, fields: Record<string, unknown>, source: LogSource): void {
  const message = fields['@message'];
  const env: { -readonly [K in keyof Envelope]: Envelope[K] } = {};
  const ts = timeValueToMs(fields['@timestamp']);
  if (!Number.isNaN(ts)) env.timestamp = ts;
  const ingestion = timeValueToMs(fields['@ingestionTime']);
  if (!Number.isNaN(ingestion)) env.ingestionTime = ingestion;
  if (typeof fields['@logStream'] === 'string') env.logStream = fields['@logStream'];
  if (typeof fields['@log'] === 'string') env.logGroup = fields['@log'];
  if (typeof message === 'string') {
    if (!sink.candidateText(message)) return;
    emitMessage(sink, message, env, source);
  } else if (isObject(message)) {
    const text = JSON.stringify(message);
    if (!sink.candidateText(text)) return;
    sink.emit(jsonRecordEvent(sink, text, message, env, source));
  } else {
    // a stats/aggregate row: the row itself is the record
    const text = JSON.stringify(fields);
    if (!sink.candidateText(text)) return;
    sink.emit(jsonRecordEvent(sink, text, fields, env, source));
  }
}

/**
 * Handles one decoded element of a container. `counted` says whether the
 * element was already counted as a candidate (raw-record keys are counted,
 * and prefiltered, on their bytes).
 */
function handleElement(
  sink: RecordSink,
  key: string,
  text: string | undefined,
  value: unknown,
  envelope: Obj | undefined,
  source: LogSource,
  counted: boolean,
  textBytes?: number,
): void {
  switch (key) {
    case 'Events': {
      if (isObject(value) && typeof own(value, 'CloudTrailEvent') === 'string') {
        const inner = own(value, 'CloudTrailEvent') as string;
        // (a CloudTrailEvent the prefilter would drop is still checked as JSON: it is parsed below)
        if (!counted && !sink.candidateText(inner, 'json-value')) return;
        if (sink.tooComplex(inner, 0, inner.length, source.line, source.offset)) return;
        let record: unknown;
        try {
          record = JSON.parse(inner);
        } catch (e) {
          sink.reject('bad_json_value', 'CloudTrailEvent is not valid JSON', source.line, source.offset, e);
          return;
        }
        const env: Envelope = {};
        const fallback = timeValueToMs(own(value, 'EventTime'), true);
        const event = jsonRecordEvent(sink, inner, record, env, source);
        if (event.timestamp === 0 && event.timestampInvalid !== true && !Number.isNaN(fallback)) {
          sink.emit({ ...event, timestamp: fallback });
        } else {
          sink.emit(event);
        }
        return;
      }
      break;
    }
    case 'events':
    case 'logEvents': {
      if (isObject(value) && typeof own(value, 'message') === 'string') {
        const message = own(value, 'message') as string;
        if (!counted && !sink.candidateText(message)) return;
        const env: { -readonly [K in keyof Envelope]: Envelope[K] } = {};
        const ts = own(value, 'timestamp');
        if (typeof ts === 'number') env.timestamp = ts;
        const ingestion = own(value, 'ingestionTime');
        if (typeof ingestion === 'number') env.ingestionTime = ingestion;
        const stream = own(value, 'logStreamName') ?? (envelope ? own(envelope, 'logStream') : undefined);
        if (typeof stream === 'string') env.logStream = stream;
        else if (sink.logStream === undefined && sink.pathStream !== undefined)
          env.logStream = sink.pathStream;
        const group = envelope ? own(envelope, 'logGroup') : undefined;
        const owner = envelope ? own(envelope, 'owner') : undefined;
        if (typeof group === 'string') env.logGroup = typeof owner === 'string' ? `${owner}:${group}` : group;
        emitMessage(sink, message, env, source);
        return;
      }
      if (!counted) sink.count();
      sink.reject('bad_record', `an element of "${key}" has no string message`, source.line, source.offset);
      return;
    }
    case 'results':
      // (insightsRow counts the row as a candidate)
      insightsRow(sink, fieldsOf(value), source);
      return;
    case '':
      if (isObject(value) && !isPlainRecord(value)) {
        // A container in an array (an EventList, a `{"Records":[…]}`) is not a record itself:
        // its items are counted one by one, so the count its raw bytes got is taken back.
        if (counted) sink.uncount();
        handleDocument(sink, text ?? JSON.stringify(value), value, source);
        return;
      }
      break;
    default:
      break;
  }
  if (!counted && !sink.candidateText(text ?? JSON.stringify(value))) return;
  if (text === undefined) {
    sink.emit(jsonRecordEvent(sink, JSON.stringify(value), value, {}, source));
    return;
  }
  sink.emit(jsonRecordEvent(sink, text, value, {}, source, undefined, textBytes));
}

/** True when a parsed object is a record rather than a container of records. */
function isPlainRecord(value: Obj): boolean {
  const cls = classifyRecord(value);
  if (cls === 'kubernetes-audit-event' || cls === 'cloudtrail-record') return true;
  if (cls !== 'unknown') return false;
  return containerKey(value) === undefined;
}

/** The container key of an unknown-class object, if it is an envelope format. */
function containerKey(value: Obj): string | undefined {
  if (typeof own(value, 'messageType') === 'string' && Array.isArray(own(value, 'logEvents')))
    return 'logEvents';
  if (Array.isArray(own(value, 'Events'))) return 'Events';
  if (Array.isArray(own(value, 'events'))) return 'events';
  if (Array.isArray(own(value, 'results'))) return 'results';
  return undefined;
}

/** Handles a whole parsed document (a line, a captured document or a nested container). */
export function handleDocument(sink: RecordSink, text: string, value: unknown, source: LogSource): void {
  if (Array.isArray(value)) {
    value.forEach((el, index) => {
      handleElement(sink, '', undefined, el, undefined, { ...source, index }, false);
    });
    return;
  }
  if (!isObject(value)) {
    if (sink.candidateText(text)) sink.emit(jsonRecordEvent(sink, text, value, {}, source));
    return;
  }
  const cls = classifyRecord(value);
  let key: string | undefined;
  let items: unknown;
  if (cls === 'cloudtrail-digest') {
    sink.digest();
    return;
  }
  if (cls === 'cloudtrail-file') {
    key = 'Records';
    items = own(value, 'Records');
  } else if (cls === 'kubernetes-audit-event-list') {
    key = 'items';
    items = own(value, 'items');
  } else if (cls === 'unknown') {
    key = containerKey(value);
    if (key !== undefined) items = own(value, key);
  }
  if (key === undefined || !Array.isArray(items)) {
    if (sink.candidateText(text)) sink.emit(jsonRecordEvent(sink, text, value, {}, source));
    return;
  }
  if (key === 'logEvents' && own(value, 'messageType') !== 'DATA_MESSAGE') {
    for (let i = 0; i < items.length; i++) sink.skipRecord();
    return;
  }
  const k = key;
  items.forEach((el, index) => {
    handleElement(sink, k, undefined, el, value, { ...source, index }, false);
  });
}

/** The NDJSON fast path: one record per line, prefiltered on the line's bytes. */
export function createNdjsonHandler(sink: RecordSink, startOffset: number): FormatHandler {
  const searchChunk = sink.searchChunk;
  const onLine = (bytes: Uint8Array, start: number, end: number, line: number, offset: number): void => {
    let s = start;
    while (s < end && (bytes[s] === 32 || bytes[s] === 9)) s++;
    if (s === end) return;
    if (!sink.candidate(bytes, start, end, 'json')) return;
    const text = sink.decode(bytes, start, end, line, offset);
    if (text === undefined) return;
    if (sink.tooComplex(bytes, start, end, line, offset)) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      sink.reject('bad_json_line', `invalid JSON: ${(e as Error).message}`, line, offset, e);
      return;
    }
    const source = src(sink, line, offset);
    if (isObject(value)) {
      const cls = classifyRecord(value);
      if (
        cls === 'kubernetes-audit-event' ||
        cls === 'cloudtrail-record' ||
        (cls === 'unknown' && containerKey(value) === undefined)
      ) {
        sink.emit(jsonRecordEvent(sink, text, value, {}, source, cls, end - start));
        return;
      }
    }
    // a container on one line: un-count the line, count its elements instead
    sink.uncount();
    handleDocument(sink, text, value, source);
  };
  return createLineSplitter({
    maxLineBytes: sink.maxLineBytes,
    startOffset,
    onTooLong: (line, offset, length) => sink.rejectTooLong(line, offset, length),
    onLine,
    // the prefilter searched the whole chunk: a JSON line before its next hit cannot pass
    ...(searchChunk === undefined
      ? {}
      : {
          search: (chunk: Uint8Array) => searchChunk(chunk, chunk.length),
          onSkippable(bytes: Uint8Array, start: number, end: number, line: number, offset: number) {
            let s = start;
            while (s < end && (bytes[s] === 32 || bytes[s] === 9)) s++;
            if (s === end) return;
            // a JSON record is dropped unread only when it is well-formed and not a container
            if (bytes[s] === 123 && sink.prefilteredRecord(bytes, s, end)) return;
            onLine(bytes, start, end, line, offset);
          },
        }),
  });
}

/** The scanner path for JSON documents. */
export function createJsonDocumentHandler(sink: RecordSink, startOffset: number): FormatHandler {
  let envelope: Obj | undefined;
  return createJsonScanner({
    maxValueBytes: sink.maxLineBytes,
    startOffset,
    handlers: {
      onKey(key, getEnvelope): KeyDecision {
        switch (key) {
          case 'Records':
          case 'Events':
          case 'events':
          case 'results': {
            const env = getEnvelope();
            envelope = isObject(env) ? env : undefined;
            return 'elements';
          }
          case 'items':
          case 'logEvents':
          case 'detail': {
            const env = getEnvelope();
            if (!isObject(env)) return 'continue';
            if (key === 'items' && own(env, 'kind') !== 'EventList') return 'continue';
            if (key === 'logEvents' && typeof own(env, 'messageType') !== 'string') return 'continue';
            if (key === 'detail' && typeof own(env, 'detail-type') !== 'string') return 'continue';
            envelope = env;
            return key === 'detail' ? 'value' : 'elements';
          }
          default:
            return 'continue';
        }
      },
      onElement(key, bytes, start, end, line, offset, index) {
        const source = src(sink, line, offset, key === 'detail' ? undefined : index);
        if (
          key === 'logEvents' &&
          envelope !== undefined &&
          own(envelope, 'messageType') !== 'DATA_MESSAGE'
        ) {
          sink.skipRecord();
          return;
        }
        const raw = RAW_RECORD_KEYS.has(key);
        if (raw && !sink.candidate(bytes, start, end, key === '' ? 'json' : 'json-value')) return;
        const text = sink.decode(bytes, start, end, line, offset);
        if (text === undefined) {
          if (!raw) sink.count();
          return;
        }
        if (end - start >= 2 * sink.maxRecordValues) {
          // (a raw element is counted already; any other is counted where it is handled)
          if (!raw) sink.count();
          if (sink.tooComplex(bytes, start, end, line, offset)) return;
          if (!raw) sink.uncount();
        }
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (e) {
          if (!raw) sink.count();
          sink.reject(
            'bad_json_value',
            `invalid JSON in "${key || '[]'}" element: ${(e as Error).message}`,
            line,
            offset,
            e,
          );
          return;
        }
        if (key === 'detail') {
          const t = envelope === undefined ? Number.NaN : timeValueToMs(own(envelope, 'time'));
          const event = jsonRecordEvent(sink, text, value, {}, source);
          const missing = event.timestamp === 0 && event.timestampInvalid !== true;
          sink.emit(missing && !Number.isNaN(t) ? { ...event, timestamp: t } : event);
          return;
        }
        handleElement(sink, key, text, value, envelope, source, raw, end - start);
      },
      onDocument(bytes, start, end, line, offset) {
        envelope = undefined;
        const text = sink.decode(bytes, start, end, line, offset);
        if (text === undefined) {
          sink.count();
          return;
        }
        if (end - start >= 2 * sink.maxRecordValues) {
          sink.count();
          if (sink.tooComplex(bytes, start, end, line, offset)) return;
          sink.uncount();
        }
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (e) {
          sink.count();
          sink.reject('bad_json_value', `invalid JSON document: ${(e as Error).message}`, line, offset, e);
          return;
        }
        handleDocument(sink, text, value, src(sink, line, offset));
      },
      onError(code, line, offset) {
        sink.count();
        const message =
          code === 'truncated_json'
            ? 'the input ends inside a JSON value'
            : code === 'line_too_long'
              ? `a JSON value exceeds maxLineBytes ${sink.maxLineBytes}`
              : 'unexpected bytes between JSON values';
        sink.reject(code, message, line, offset);
      },
    },
  });
}
