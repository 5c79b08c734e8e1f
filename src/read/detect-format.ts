/**
 * Content-based format detection (the decision table of
 * schemas-and-formats.md §4.16); the path is only a tiebreak.
 *
 * @module
 */
import { open } from 'node:fs/promises';
import { classifyRecord } from '../schema/classify.js';
import { gunzipPrefix, isGzip } from './decompress.js';
import { InputError } from './input-error.js';
import type { DetectedFormat, LogFormat } from './log-format.js';
import { isVpcFlowDefaultRecord, isVpcFlowHeader } from './vpc-flow-logs.js';

/** How many leading bytes detection looks at. */
export const DETECT_BYTES = 64 * 1024;

const decoder = new TextDecoder('utf-8');

/** Index of the first byte after a UTF-8 BOM and whitespace. */
export function skipBomAndSpace(b: Uint8Array): number {
  let i = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  while (i < b.length && (b[i] === 32 || b[i] === 9 || b[i] === 10 || b[i] === 13)) i++;
  return i;
}

interface TopLevel {
  /** Top-level keys in order of appearance. */
  readonly keys: string[];
  /** Top-level string values, by key (null-prototype). */
  readonly strings: Record<string, string>;
}

/** Collects the top-level keys (and string values) of the object starting at `from`. */
function topLevelKeys(b: Uint8Array, from: number): TopLevel {
  const keys: string[] = [];
  const strings: Record<string, string> = Object.create(null);
  let depth = 0;
  let expectKey = false;
  let lastKey: string | undefined;
  let afterColon = false;
  for (let i = from; i < b.length; i++) {
    const c = b[i]!;
    if (c === 34) {
      let j = i + 1;
      while (j < b.length && b[j] !== 34) j += b[j] === 92 ? 2 : 1;
      if (j >= b.length) break;
      if (depth === 1) {
        let s: string;
        try {
          s = JSON.parse(decoder.decode(b.subarray(i, j + 1))) as string;
        } catch {
          s = '';
        }
        if (expectKey) {
          keys.push(s);
          lastKey = s;
          expectKey = false;
        } else if (afterColon && lastKey !== undefined) {
          strings[lastKey] = s;
        }
      }
      afterColon = false;
      i = j;
    } else if (c === 123 || c === 91) {
      depth++;
      if (depth === 1) expectKey = c === 123;
      afterColon = false;
    } else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) break;
    } else if (c === 44) {
      if (depth === 1) expectKey = true;
    } else if (c === 58) {
      if (depth === 1) afterColon = true;
    } else if (c !== 32 && c !== 9 && c !== 10 && c !== 13) {
      afterColon = false;
    }
  }
  return { keys, strings };
}

function has(t: TopLevel, key: string): boolean {
  return t.keys.includes(key);
}

function formatOfObjectKeys(t: TopLevel): LogFormat {
  if (has(t, 'Records')) return 'cloudtrail-records';
  if (has(t, 'digestS3Object') || (has(t, 'logFiles') && has(t, 'digestEndTime'))) return 'cloudtrail-digest';
  if (has(t, 'messageType') && (has(t, 'logEvents') || has(t, 'logGroup'))) return 'firehose';
  if (t.strings.kind === 'EventList') return 'kubernetes-audit-eventlist';
  if (has(t, 'detail-type') && (has(t, 'detail') || has(t, 'source'))) return 'eventbridge';
  if (has(t, 'Events')) return 'cloudtrail-lookup-events';
  if (has(t, 'events') && !has(t, 'eventVersion')) return 'cloudwatch-events-json';
  if (has(t, 'results') && !has(t, 'eventVersion')) return 'insights-json';
  if (has(t, 'eventVersion') || (has(t, 'eventSource') && has(t, 'eventName'))) return 'cloudtrail-record';
  if (has(t, 'auditID') || (t.strings.kind === 'Event' && (has(t, 'verb') || has(t, 'stage')))) {
    return 'kubernetes-audit-event';
  }
  return 'json';
}

/** Format of a file whose first line is one complete JSON object. */
function formatOfFirstLine(value: unknown, t: TopLevel): LogFormat {
  const single = formatOfObjectKeys(t);
  switch (classifyRecord(value)) {
    case 'kubernetes-audit-event':
      return 'kubernetes-audit-ndjson';
    case 'cloudtrail-record':
      return single === 'eventbridge' ? single : 'cloudtrail-ndjson';
    case 'unknown':
      return single === 'json' ? 'ndjson' : single;
    default:
      return single;
  }
}

const KLOG = /^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ /;
const EXPORT_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;
const TAIL_DETAILED = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?[+-]\d\d:\d\d \S+/;
const TAIL_SHORT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d \S/;
const LEGACY_AUDIT = /^\S+ AUDIT: id="/;
const ANSI = /\x1b\[[0-9;]*m/g;
const LAKE_COLUMNS = ['eventversion', 'eventtime', 'eventname', 'eventsource', 'eventjson', 'eventid'];

function detectText(firstLine: string): LogFormat {
  const line = firstLine.includes('\x1b') ? firstLine.replace(ANSI, '') : firstLine;
  if (EXPORT_LINE.test(line)) return 'cloudwatch-export';
  if (TAIL_DETAILED.test(line)) return 'cloudwatch-tail';
  if (TAIL_SHORT.test(line)) return 'cloudwatch-tail-short';
  if (line.startsWith('User name,AWS access key,Event time')) return 'cloudtrail-console-csv';
  if (line.startsWith('EVENTS\t')) return 'cloudwatch-text-output';
  if (line.startsWith('time="')) return 'authenticator-lines';
  if (KLOG.test(line)) return 'klog-lines';
  if (LEGACY_AUDIT.test(line)) return 'kubernetes-audit-legacy';
  if (/^\| ?@/.test(line)) return 'insights-markdown';
  if (isVpcFlowHeader(line) || isVpcFlowDefaultRecord(line)) return 'vpc-flow-logs';
  const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
  if (cells.includes('@timestamp') || cells.includes('@message')) return 'insights-csv';
  if (cells.length >= 2 && cells.filter((c) => LAKE_COLUMNS.includes(c)).length >= 2)
    return 'cloudtrail-lake-csv';
  return 'unknown';
}

function detectPlain(b: Uint8Array, path: string | undefined): LogFormat {
  const i = skipBomAndSpace(b);
  if (i >= b.length) return 'empty';
  const c = b[i]!;
  if (c === 123) {
    const nl = b.indexOf(10, i);
    const t = topLevelKeys(b, i);
    if (nl >= 0 || b.length < DETECT_BYTES) {
      const lineEnd = nl >= 0 ? nl : b.length;
      try {
        const value: unknown = JSON.parse(decoder.decode(b.subarray(i, lineEnd)));
        return formatOfFirstLine(value, t);
      } catch {
        // not a complete value on its first line: a pretty-printed or large document
      }
    }
    const f = formatOfObjectKeys(t);
    if (f === 'json' && path !== undefined && path.includes('CloudTrail-Digest')) return 'cloudtrail-digest';
    return f;
  }
  if (c === 91) {
    let j = i + 1;
    while (j < b.length && (b[j] === 32 || b[j] === 9 || b[j] === 10 || b[j] === 13)) j++;
    if (j < b.length && b[j] === 123) {
      const f = formatOfObjectKeys(topLevelKeys(b, j));
      if (f === 'cloudtrail-record') return 'cloudtrail-array';
      if (f === 'kubernetes-audit-event') return 'kubernetes-audit-array';
    }
    return 'json-array';
  }
  const nl = b.indexOf(10, i);
  const end = Math.min(nl >= 0 ? nl : b.length, i + 4096);
  let first = decoder.decode(b.subarray(i, end));
  if (first.endsWith('\r')) first = first.slice(0, -1);
  return detectText(first);
}

/**
 * Detects the format of a file from its first bytes (after a transparent
 * gunzip, a UTF-8 BOM and leading whitespace). `hint.path` only breaks ties
 * (a `CloudTrail-Digest` path). Pass at least the first 64 KiB when you can.
 *
 * @example
 * ```ts
 * detectFormat(new TextEncoder().encode('{"Records":[{"eventVersion":"1.08"}]}'));
 * //=> { format: 'cloudtrail-records', compression: 'none' }
 * detectFormat(new TextEncoder().encode('2024-01-01T00:00:00.000Z time="…" level=info msg="x"\n'));
 * //=> { format: 'cloudwatch-export', compression: 'none' }
 * ```
 */
export function detectFormat(firstBytes: Uint8Array, hint: { readonly path?: string } = {}): DetectedFormat {
  let bytes = firstBytes;
  let gz = false;
  for (let n = 0; n < 3 && isGzip(bytes); n++) {
    bytes = gunzipPrefix(bytes);
    gz = true;
  }
  return { format: detectPlain(bytes, hint.path), compression: gz ? 'gzip' : 'none' };
}

/**
 * Reads the first 64 KiB of a file and detects its format.
 * Throws an `InputError` (`unreadable_file`) when the file cannot be read.
 *
 * @example
 * ```ts
 * const { format } = await detectFileFormat('AWSLogs/…/CloudTrail/…/x.json.gz'); //=> 'cloudtrail-records'
 * ```
 */
export async function detectFileFormat(path: string): Promise<DetectedFormat> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const buf = Buffer.alloc(DETECT_BYTES);
    const { bytesRead } = await handle.read(buf, 0, DETECT_BYTES, 0);
    return detectFormat(buf.subarray(0, bytesRead), { path });
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(
      'unreadable_file',
      `cannot read ${path}: ${String((e as { code?: unknown }).code ?? e)}`,
      { file: path },
      { cause: e },
    );
  } finally {
    await handle?.close();
  }
}

/** Detects the format of already-decompressed leading bytes. */
export function detectDecompressed(bytes: Uint8Array, path?: string): LogFormat {
  return detectPlain(bytes, path);
}
