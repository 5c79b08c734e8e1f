/**
 * The line-based text formats: CloudWatch export-to-S3 lines, `aws logs
 * tail` output, `--output text` EVENTS lines, and raw authenticator, klog,
 * legacy audit and plain text lines. Continuation lines (lines that do not
 * start a record) are joined to the previous record with `\n`.
 *
 * @module
 */
import type { LogSource } from '../log-event.js';
import { type Envelope, legacyAuditEvent } from './build-event.js';
import { parseIsoTimestamp } from './iso-timestamp.js';
import type { FormatHandler } from './json-records.js';
import { createLineSplitter } from './line-splitter.js';
import type { LogFormat } from './log-format.js';
import { emitMessage, type RecordSink } from './record-sink.js';

/** Where a record's message starts in its first line, and the envelope it gives. */
interface Header {
  readonly msgStart: number;
  readonly env: Envelope;
}

type Matcher = (bytes: Uint8Array, start: number, end: number) => Header | undefined;

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

/** `2023-03-23T15:00:41.719Z ` at `start`. */
const exportMatcher: Matcher = (b, start, end) => {
  if (end - start < 25) return undefined;
  if (b[start + 4] !== 45 || b[start + 7] !== 45 || b[start + 10] !== 84 || b[start + 13] !== 58)
    return undefined;
  if (b[start + 16] !== 58 || b[start + 19] !== 46 || b[start + 23] !== 90 || b[start + 24] !== 32)
    return undefined;
  if (!isDigit(b[start]) || !isDigit(b[start + 22])) return undefined;
  const ts = parseIsoTimestamp(latin1.decode(b.subarray(start, start + 24)));
  if (Number.isNaN(ts)) return undefined;
  return { msgStart: start + 25, env: { timestamp: ts } };
};

const TAIL_DETAILED = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?[+-]\d\d:\d\d) (\S+)/;
const TAIL_SHORT = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d) /;
const KLOG = /^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ /;

function headOf(b: Uint8Array, start: number, end: number): string {
  return latin1.decode(b.subarray(start, Math.min(end, start + 160)));
}

const tailMatcher: Matcher = (b, start, end) => {
  const m = TAIL_DETAILED.exec(headOf(b, start, end));
  if (m === null) return undefined;
  const ts = parseIsoTimestamp(m[1]!);
  if (Number.isNaN(ts)) return undefined;
  const msgStart = Math.min(end, start + m[0].length + 1);
  return {
    msgStart,
    env: { timestamp: ts, logStream: utf8.decode(b.subarray(start + m[1]!.length + 1, start + m[0].length)) },
  };
};

const tailShortMatcher: Matcher = (b, start, end) => {
  const m = TAIL_SHORT.exec(headOf(b, start, end));
  if (m === null) return undefined;
  const ts = parseIsoTimestamp(m[1]!);
  if (Number.isNaN(ts)) return undefined;
  return { msgStart: start + m[0].length, env: { timestamp: ts } };
};

const klogMatcher: Matcher = (b, start, end) =>
  KLOG.test(headOf(b, start, end)) ? { msgStart: start, env: {} } : undefined;

const everyLine: Matcher = (_b, start) => ({ msgStart: start, env: {} });

const ANSI = /\x1b\[[0-9;]*m/g;

function stripAnsi(b: Uint8Array, start: number, end: number): Uint8Array | undefined {
  if (b.subarray(start, end).indexOf(0x1b) < 0) return undefined;
  return encoder.encode(utf8.decode(b.subarray(start, end)).replace(ANSI, ''));
}

interface LineFormat {
  readonly match: Matcher;
  /** Whether non-matching lines continue the previous record (else they are skipped). */
  readonly continuation: boolean;
  readonly ansi: boolean;
  readonly legacy: boolean;
}

function lineFormatOf(format: LogFormat): LineFormat {
  switch (format) {
    case 'cloudwatch-export':
      return { match: exportMatcher, continuation: true, ansi: false, legacy: false };
    case 'cloudwatch-tail':
      return { match: tailMatcher, continuation: true, ansi: true, legacy: false };
    case 'cloudwatch-tail-short':
      return { match: tailShortMatcher, continuation: true, ansi: true, legacy: false };
    case 'klog-lines':
      return { match: klogMatcher, continuation: true, ansi: false, legacy: false };
    case 'kubernetes-audit-legacy':
      return { match: everyLine, continuation: false, ansi: false, legacy: true };
    default:
      return { match: everyLine, continuation: false, ansi: false, legacy: false };
  }
}

function concat(pieces: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const NEWLINE = new Uint8Array([10]);

/** Creates the handler of a line-based text format. */
export function createLineRecordHandler(
  sink: RecordSink,
  format: LogFormat,
  startOffset: number,
): FormatHandler {
  const lf = lineFormatOf(format);
  // the pending (possibly multi-line) record
  let pieces: Uint8Array[] = [];
  let pendingLen = 0;
  let pendingBlank = 0;
  let pending: { env: Envelope; line: number; offset: number } | undefined;
  let tooLong = false;

  function build(
    bytes: Uint8Array,
    start: number,
    end: number,
    env: Envelope,
    line: number,
    offset: number,
  ): void {
    if (!sink.candidate(bytes, start, end)) return;
    const message = sink.decode(bytes, start, end, line, offset);
    if (message === undefined) return;
    const source: LogSource = sink.file === undefined ? { line, offset } : { file: sink.file, line, offset };
    if (lf.legacy) {
      sink.emit(legacyAuditEvent(sink, message, source));
      return;
    }
    const e =
      env.logStream === undefined && sink.pathStream !== undefined
        ? { ...env, logStream: sink.pathStream }
        : env;
    emitMessage(sink, message, e, source, end - start);
  }

  function flush(): void {
    if (pending === undefined) return;
    const p = pending;
    pending = undefined;
    const joined = pieces.length === 1 ? pieces[0]! : concat(pieces, pendingLen);
    pieces = [];
    pendingLen = 0;
    pendingBlank = 0;
    if (tooLong) {
      tooLong = false;
      return;
    }
    build(joined, 0, joined.length, p.env, p.line, p.offset);
  }

  function append(piece: Uint8Array): void {
    if (tooLong || pending === undefined) return;
    pendingLen += piece.length;
    if (pendingLen > sink.maxLineBytes) {
      tooLong = true;
      pieces = [];
      sink.count();
      sink.reject(
        'line_too_long',
        `record exceeds maxLineBytes ${sink.maxLineBytes}`,
        pending.line,
        pending.offset,
      );
      return;
    }
    pieces.push(piece);
  }

  const splitter = createLineSplitter({
    maxLineBytes: sink.maxLineBytes,
    startOffset,
    onTooLong: (line, offset, length) => sink.rejectTooLong(line, offset, length),
    onLine(raw, rawStart, rawEnd, line, offset) {
      let bytes = raw;
      let start = rawStart;
      let end = rawEnd;
      if (lf.ansi) {
        const stripped = stripAnsi(raw, rawStart, rawEnd);
        if (stripped !== undefined) {
          bytes = stripped;
          start = 0;
          end = stripped.length;
        }
      }
      let s = start;
      while (s < end && (bytes[s] === 32 || bytes[s] === 9)) s++;
      const blank = s === end;
      const header = blank ? undefined : lf.match(bytes, start, end);
      if (header === undefined) {
        if (lf.continuation && pending !== undefined) {
          if (blank) {
            pendingBlank++;
          } else {
            // (a header line with an empty message, as `aws logs tail --format json` writes, adds no newline)
            if (pendingLen > 0) for (let i = 0; i <= pendingBlank; i++) append(NEWLINE);
            pendingBlank = 0;
            append(bytes.slice(start, end));
          }
          return;
        }
        if (blank) return;
        if (lf.continuation) {
          // a continuation with nothing before it (e.g. the first line of a later export part)
          build(bytes, start, end, {}, line, offset);
        } else {
          sink.skipRecord();
        }
        return;
      }
      if (!lf.continuation) {
        build(bytes, header.msgStart, end, header.env, line, offset);
        return;
      }
      flush();
      pending = { env: header.env, line, offset };
      pieces = [];
      pendingLen = 0;
      tooLong = false;
      append(bytes.slice(header.msgStart, end));
    },
  });
  return {
    push(chunk) {
      splitter.push(chunk);
    },
    end() {
      splitter.end();
      flush();
    },
  };
}

/** `aws logs … --output text`: `EVENTS\t[eventId\t]ingestionTime\t[logStreamName\t]message\ttimestamp`. */
export function createTextOutputHandler(sink: RecordSink, startOffset: number): FormatHandler {
  return createLineSplitter({
    maxLineBytes: sink.maxLineBytes,
    startOffset,
    onTooLong: (line, offset, length) => sink.rejectTooLong(line, offset, length),
    onLine(bytes, start, end, line, offset) {
      if (end - start < 7 || utf8.decode(bytes.subarray(start, start + 7)) !== 'EVENTS\t') {
        if (end > start) sink.skipRecord();
        return;
      }
      // an EVENTS line is a record: one rejected as bad UTF-8 counts like any other (records read add
      // up, under 'throw' too, where decode throws); candidateText or the reject below counts it again
      sink.count();
      const text = sink.decode(bytes, start, end, line, offset);
      if (text === undefined) return;
      sink.uncount();
      const f = text.split('\t');
      const source: LogSource =
        sink.file === undefined ? { line, offset } : { file: sink.file, line, offset };
      let env: { -readonly [K in keyof Envelope]: Envelope[K] } = {};
      let message: string;
      if (f.length >= 6) {
        env = { ingestionTime: Number(f[2]), logStream: f[3]!, timestamp: Number(f[f.length - 1]) };
        message = f.slice(4, -1).join('\t');
      } else if (f.length >= 4) {
        env = { ingestionTime: Number(f[1]), timestamp: Number(f[f.length - 1]) };
        message = f.slice(2, -1).join('\t');
      } else {
        sink.count();
        sink.reject('bad_record', 'EVENTS line with too few fields', line, offset);
        return;
      }
      if (!sink.candidateText(message)) return;
      emitMessage(sink, message, env, source);
    },
  });
}
