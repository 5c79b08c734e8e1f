/**
 * The CSV and Markdown table formats: CloudTrail console "Download events"
 * CSV, CloudTrail Lake query results, and Logs Insights console exports.
 *
 * @module
 */
import type { LogSource } from '../log-event.js';
import { type Envelope, jsonRecordEvent } from './build-event.js';
import { parseIsoTimestamp } from './iso-timestamp.js';
import type { FormatHandler } from './json-records.js';
import { createLineSplitter } from './line-splitter.js';
import type { LogFormat } from './log-format.js';
import { emitMessage, type RecordSink } from './record-sink.js';

/** Splits one RFC 4180 row (quotes doubled inside quoted fields); `undefined` if a quote is unterminated. */
export function parseCsvRow(row: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const n = row.length;
  while (true) {
    if (i < n && row.charCodeAt(i) === 34) {
      let value = '';
      i++;
      while (true) {
        const q = row.indexOf('"', i);
        if (q < 0) return undefined;
        value += row.slice(i, q);
        if (row.charCodeAt(q + 1) === 34) {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // tolerate stray characters between the closing quote and the comma
      const comma = row.indexOf(',', i);
      if (comma < 0) {
        out.push(value);
        return out;
      }
      out.push(value);
      i = comma + 1;
    } else {
      const comma = row.indexOf(',', i);
      if (comma < 0) {
        out.push(row.slice(i));
        return out;
      }
      out.push(row.slice(i, comma));
      i = comma + 1;
    }
  }
}

function countQuotes(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
}

/** Splits a Markdown table row `| a | b |` (a `\|` is a literal bar). */
function parseMarkdownRow(row: string): string[] | undefined {
  const t = row.trim();
  if (!t.startsWith('|')) return undefined;
  const cells: string[] = [];
  let cur = '';
  for (let i = 1; i < t.length; i++) {
    const c = t[i]!;
    if (c === '\\' && t[i + 1] === '|') {
      cur += '|';
      i++;
    } else if (c === '|') {
      cells.push(cur.trim());
      cur = '';
    } else {
      cur += c;
    }
  }
  if (cur.trim() !== '') cells.push(cur.trim());
  return cells;
}

/** Console CSV column → CloudTrail record field. */
const CONSOLE_COLUMNS: Readonly<Record<string, string>> = {
  'Event time': 'eventTime',
  'Event source': 'eventSource',
  'Event name': 'eventName',
  'AWS region': 'awsRegion',
  'Source IP address': 'sourceIPAddress',
  'User agent': 'userAgent',
  'Error code': 'errorCode',
  'Request ID': 'requestID',
  'Event ID': 'eventID',
  'Read-only': 'readOnly',
  'Event type': 'eventType',
  'Recipient Account Id': 'recipientAccountId',
  'Event category': 'eventCategory',
};

/** Lake lower-case column → CloudTrail record field. */
const LAKE_COLUMNS: Readonly<Record<string, string>> = {
  eventversion: 'eventVersion',
  useridentity: 'userIdentity',
  eventtime: 'eventTime',
  eventsource: 'eventSource',
  eventname: 'eventName',
  awsregion: 'awsRegion',
  sourceipaddress: 'sourceIPAddress',
  useragent: 'userAgent',
  errorcode: 'errorCode',
  errormessage: 'errorMessage',
  requestparameters: 'requestParameters',
  responseelements: 'responseElements',
  additionaleventdata: 'additionalEventData',
  requestid: 'requestID',
  eventid: 'eventID',
  readonly: 'readOnly',
  resources: 'resources',
  eventtype: 'eventType',
  apiversion: 'apiVersion',
  managementevent: 'managementEvent',
  recipientaccountid: 'recipientAccountId',
  sharedeventid: 'sharedEventID',
  annotation: 'annotation',
  vpcendpointid: 'vpcEndpointId',
  serviceeventdetails: 'serviceEventDetails',
  addendum: 'addendum',
  edgedevicedetails: 'edgeDeviceDetails',
  insightdetails: 'insightDetails',
  eventcategory: 'eventCategory',
  tlsdetails: 'tlsDetails',
  sessioncredentialfromconsole: 'sessionCredentialFromConsole',
};

function tryJson(text: string): unknown {
  const c = text.charCodeAt(0);
  if (c !== 123 && c !== 91) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function consoleRecord(header: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const record: Record<string, unknown> = Object.create(null);
  const identity: Record<string, unknown> = Object.create(null);
  header.forEach((name, i) => {
    const v = cells[i] ?? '';
    if (v === '') return;
    if (name === 'User name') identity.userName = v;
    else if (name === 'AWS access key') identity.accessKeyId = v;
    else if (name === 'Resources') record.resources = tryJson(v);
    else if (Object.hasOwn(CONSOLE_COLUMNS, name)) record[CONSOLE_COLUMNS[name]!] = v;
    else record[name] = v;
  });
  if (Object.keys(identity).length > 0) record.userIdentity = identity;
  return record;
}

function lakeRecord(header: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const record: Record<string, unknown> = Object.create(null);
  header.forEach((name, i) => {
    const v = cells[i] ?? '';
    if (v === '') return;
    const lower = name.toLowerCase();
    const field = Object.hasOwn(LAKE_COLUMNS, lower) ? LAKE_COLUMNS[lower]! : name;
    record[field] = tryJson(v);
  });
  return record;
}

/** Creates the handler of a CSV or Markdown table format. */
export function createTableHandler(sink: RecordSink, format: LogFormat, startOffset: number): FormatHandler {
  const markdown = format === 'insights-markdown';
  let header: string[] | undefined;
  let pending = '';
  let pendingLine = 0;
  let pendingOffset = 0;
  let pendingBytes = 0;

  function row(cells: string[], line: number, offset: number): void {
    if (header === undefined) {
      header = cells.map((c, i) => (i === 0 ? c.replace(/^\uFEFF/, '') : c));
      return;
    }
    if (markdown && cells.every((c) => /^:?-+:?$/.test(c))) return;
    const source: LogSource = sink.file === undefined ? { line, offset } : { file: sink.file, line, offset };
    if (format === 'cloudtrail-console-csv' || format === 'cloudtrail-lake-csv') {
      const lower = header.map((h) => h.toLowerCase());
      const jsonColumn = lower.indexOf('eventjson');
      if (jsonColumn >= 0 && (cells[jsonColumn] ?? '') !== '') {
        const text = cells[jsonColumn]!;
        // (a cell the prefilter would drop is still checked as JSON: it is parsed below)
        if (!sink.candidateText(text, 'json-value')) return;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (e) {
          sink.reject('bad_json_value', 'the eventjson column is not valid JSON', line, offset, e);
          return;
        }
        sink.emit(jsonRecordEvent(sink, text, value, {}, source));
        return;
      }
      const record =
        format === 'cloudtrail-console-csv' ? consoleRecord(header, cells) : lakeRecord(header, cells);
      let text: string;
      try {
        text = JSON.stringify(record);
      } catch (e) {
        // a cell of JSON nested deeper than JSON.stringify's stack (found by the fuzz campaign): counted as a
        // record (no bytes are not a JSON value, so the prefilter never drops it) and rejected
        sink.candidate(new Uint8Array(0), 0, 0, 'json-value');
        sink.reject('record_too_complex', 'a JSON cell nests too deeply to be kept', line, offset, e);
        return;
      }
      if (!sink.candidateText(text)) return;
      sink.emit(jsonRecordEvent(sink, text, record, {}, source));
      return;
    }
    // Logs Insights export
    const fields: Record<string, string> = Object.create(null);
    header.forEach((name, i) => {
      if (cells[i] !== undefined && cells[i] !== '') fields[name] = cells[i]!;
    });
    const env: { -readonly [K in keyof Envelope]: Envelope[K] } = {};
    const ts = fields['@timestamp'] === undefined ? Number.NaN : parseIsoTimestamp(fields['@timestamp']);
    if (!Number.isNaN(ts)) env.timestamp = ts;
    if (fields['@logStream'] !== undefined) env.logStream = fields['@logStream'];
    if (fields['@log'] !== undefined) env.logGroup = fields['@log'];
    const message = fields['@message'];
    if (message !== undefined) {
      if (!sink.candidateText(message)) return;
      emitMessage(sink, message, env, source);
    } else {
      const text = JSON.stringify(fields);
      if (!sink.candidateText(text)) return;
      sink.emit(jsonRecordEvent(sink, text, fields, env, source));
    }
  }

  const splitter = createLineSplitter({
    maxLineBytes: sink.maxLineBytes,
    startOffset,
    onTooLong: (line, offset, length) => sink.rejectTooLong(line, offset, length),
    onLine(bytes, start, end, line, offset) {
      // a line rejected as bad UTF-8 counts as a record read, under 'throw' too (where decode throws)
      sink.count();
      const text = sink.decode(bytes, start, end, line, offset);
      if (text === undefined) return;
      sink.uncount();
      if (markdown) {
        if (text.trim() === '') return;
        const cells = parseMarkdownRow(text);
        if (cells === undefined) {
          sink.skipRecord();
          return;
        }
        row(cells, line, offset);
        return;
      }
      if (pending === '') {
        if (text.trim() === '') return;
        pendingLine = line;
        pendingOffset = offset;
        pending = text;
        pendingBytes = end - start;
      } else {
        pending += `\n${text}`;
        pendingBytes += end - start + 1;
        if (pendingBytes > sink.maxLineBytes) {
          sink.count();
          pending = '';
          sink.reject(
            'line_too_long',
            `CSV row exceeds maxLineBytes ${sink.maxLineBytes}`,
            pendingLine,
            pendingOffset,
          );
          return;
        }
      }
      if (countQuotes(pending) % 2 === 1) return; // a quoted field continues on the next line
      const cells = parseCsvRow(pending);
      pending = '';
      if (cells === undefined) {
        sink.count();
        sink.reject('bad_csv_row', 'unterminated quoted field', pendingLine, pendingOffset);
        return;
      }
      row(cells, pendingLine, pendingOffset);
    },
  });
  return {
    push(chunk) {
      splitter.push(chunk);
    },
    end() {
      splitter.end();
      if (pending !== '') {
        sink.count();
        const line = pendingLine;
        const offset = pendingOffset;
        pending = '';
        sink.reject('bad_csv_row', 'the input ends inside a quoted CSV field', line, offset);
      }
    },
  };
}
