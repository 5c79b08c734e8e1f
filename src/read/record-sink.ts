/**
 * The per-file sink the format handlers write to: candidate counting and the
 * raw prefilter, UTF-8 decoding, the kinds filter, and the error policy.
 *
 * @module
 */
import { isUtf8 } from 'node:buffer';
import type { LogEvent, LogKind, LogSource } from '../log-event.js';
import { type BuildContext, type Envelope, messageEvent } from './build-event.js';
import { type ChunkSearch, canSearchChunks } from './chunk-search.js';
import { InputError, type InputErrorCode } from './input-error.js';
import { checkJson, JSON_TOO_COMPLEX } from './json-check.js';
import type { RawPrefilter } from './read-options.js';
import { type FileSummary, MAX_KEPT_REJECTIONS, type ReadSummary, SKIP_SAMPLES } from './read-summary.js';

/** Everything a format handler needs. */
export interface RecordSink extends BuildContext {
  readonly maxLineBytes: number;
  /**
   * Counts a candidate record and runs the prefilter on its raw bytes;
   * `false` means drop it. A record the prefilter would drop is kept when it
   * is not well-formed as `check` says (`'utf8'`: valid UTF-8; `'json'`: a
   * JSON text, not a container of records; `'json-value'`: a JSON text), so
   * that the normal path rejects it exactly as without the prefilter.
   */
  candidate(bytes: Uint8Array, start: number, end: number, check?: WellFormed): boolean;
  /** The prefilter's chunk-level search, when it has one (see {@link ChunkSearch}). */
  readonly searchChunk: ChunkSearch | undefined;
  /**
   * Counts a JSON line that the chunk-level search ruled out (as `candidate`
   * returning `false`) and returns `true`; returns `false`, counting nothing,
   * when the line is not a well-formed JSON record (the caller takes the
   * normal path).
   */
  prefilteredRecord(bytes: Uint8Array, start: number, end: number): boolean;
  /** Largest number of JSON values one record may hold (see `ReadLogsOptions.maxRecordValues`). */
  readonly maxRecordValues: number;
  /**
   * Rejects (`record_too_complex`) a record whose JSON text holds more than
   * `maxRecordValues` values, before `JSON.parse` builds it; `true` when it
   * did. Cheap: only texts of at least twice that many bytes are scanned.
   */
  tooComplex(bytes: Uint8Array | string, start: number, end: number, line?: number, offset?: number): boolean;
  /**
   * Like {@link RecordSink.candidate} for a record that is already a string
   * (`check` defaults to `'utf8'`, which a string always is: a message).
   */
  candidateText(text: string, check?: WellFormed): boolean;
  /** Decodes UTF-8, rejecting invalid bytes (`invalid_utf8`); `undefined` when rejected. */
  decode(bytes: Uint8Array, start: number, end: number, line?: number, offset?: number): string | undefined;
  /** Emits an event (subject to the kinds filter). */
  emit(event: LogEvent): void;
  /** Records a fault: throws an InputError under `'throw'`, counts and locates it under `'skip'`. */
  reject(code: InputErrorCode, message: string, line?: number, offset?: number, cause?: unknown): void;
  /** Counts a line longer than `maxLineBytes` as a record and rejects it (`line_too_long`). */
  rejectTooLong(line: number, offset: number, length: number): void;
  /** Counts a candidate record without running the prefilter (a record about to be rejected). */
  count(): void;
  /** Takes back one candidate count (a line that turned out to be a container of records). */
  uncount(): void;
  /** Counts a record skipped on purpose. */
  skipRecord(): void;
  /** Counts a digest file (or digest document) skipped. */
  digest(): void;
}

/**
 * What {@link RecordSink.candidate} checks on a record the prefilter drops:
 * `'utf8'`, a message (valid UTF-8, and when it is JSON that the reader would
 * parse, not more than `maxRecordValues` values); `'json'`, a JSON record
 * (not a container of records); `'json-value'`, any JSON text. A JSON text
 * checked holds at most `maxRecordValues` values, or the reader rejects it
 * (`record_too_complex`).
 */
export type WellFormed = 'utf8' | 'json' | 'json-value';

function wellFormed(
  bytes: Uint8Array,
  start: number,
  end: number,
  check: WellFormed,
  maxValues: number,
): boolean {
  if (check === 'utf8') {
    if (!isUtf8(bytes.subarray(start, end))) return false;
    // emitMessage rejects a JSON-looking message of too many values before it parses it
    const first = bytes[start];
    if ((first !== 123 && first !== 91) || end - start < 2 * maxValues) return true;
    return checkJson(bytes, start, end, maxValues) !== JSON_TOO_COMPLEX;
  }
  const r = checkJson(bytes, start, end, maxValues);
  return check === 'json' ? r >= 0 && r % 2 === 0 : r >= 0;
}

/** Settings of {@link createRecordSink}. */
export interface RecordSinkSettings {
  readonly summary: ReadSummary;
  readonly fileSummary: FileSummary;
  readonly out: LogEvent[];
  readonly throwOnError: boolean;
  readonly maxLineBytes: number;
  readonly maxRecordValues: number;
  readonly prefilter: RawPrefilter | undefined;
  /** Which events with an invalid time count (see `ReadLogsOptions.invalidTimestampFilter`). */
  readonly invalidTimestampFilter: RawPrefilter | undefined;
  readonly kinds: ReadonlySet<LogKind> | undefined;
  readonly build: Omit<BuildContext, 'missingTime' | 'invalidTime'>;
}

const encoder = new TextEncoder();
const REPLACEMENT = '\ufffd';

const recorded = new WeakSet<InputError>();

/** Tells whether an error was already counted in a summary. */
export function isRecorded(error: InputError): boolean {
  return recorded.has(error);
}

/**
 * Records a rejection in the summary (exact counts, capped location list):
 * a record's (`level` `'record'`), or a whole source's (`'file'`, counted in
 * `fileFaults`).
 */
export function recordRejection(
  summary: ReadSummary,
  fileSummary: FileSummary | undefined,
  error: InputError,
  level: 'record' | 'file' = 'record',
): void {
  recorded.add(error);
  if (level === 'file') {
    summary.fileFaults++;
    summary.fileFaultsByCode[error.code] = (summary.fileFaultsByCode[error.code] ?? 0) + 1;
    if (fileSummary !== undefined) fileSummary.skipped ??= error.code;
  } else {
    summary.rejected++;
    summary.rejectedByCode[error.code] = (summary.rejectedByCode[error.code] ?? 0) + 1;
    if (fileSummary !== undefined) fileSummary.rejected++;
  }
  if (summary.rejections.length < MAX_KEPT_REJECTIONS) {
    summary.rejections.push({
      code: error.code,
      ...(level === 'file' ? { level } : {}),
      message: error.message,
      ...(error.file === undefined ? {} : { file: error.file }),
      ...(error.line === undefined ? {} : { line: error.line }),
      ...(error.byteOffset === undefined ? {} : { byteOffset: error.byteOffset }),
    });
  } else {
    summary.rejectionsTruncated = true;
  }
}

/** Creates the sink of one file. */
export function createRecordSink(s: RecordSinkSettings): RecordSink {
  const { summary, fileSummary, out, prefilter, kinds } = s;
  const file = s.build.file;
  const sink: RecordSink = {
    ...s.build,
    maxLineBytes: s.maxLineBytes,
    searchChunk: canSearchChunks(prefilter) ? prefilter.searchChunk : undefined,
    missingTime() {
      summary.eventsWithoutTimestamp++;
    },
    invalidTime(source, message) {
      // the same test on the same bytes with the prefilter on (where it dropped the records that fail it) and off
      const only = s.invalidTimestampFilter;
      if (only !== undefined) {
        const bytes = encoder.encode(message);
        if (!only.test(bytes, 0, bytes.length)) return;
      }
      summary.invalidTimestamps++;
      if (summary.invalidTimestampSamples.length < SKIP_SAMPLES) summary.invalidTimestampSamples.push(source);
    },
    maxRecordValues: s.maxRecordValues,
    candidate(bytes, start, end, check = 'utf8') {
      summary.recordsRead++;
      fileSummary.records++;
      if (
        prefilter !== undefined &&
        !prefilter.test(bytes, start, end) &&
        wellFormed(bytes, start, end, check, s.maxRecordValues)
      ) {
        summary.prefiltered++;
        return false;
      }
      return true;
    },
    prefilteredRecord(bytes, start, end) {
      if (!wellFormed(bytes, start, end, 'json', s.maxRecordValues)) return false;
      summary.recordsRead++;
      fileSummary.records++;
      summary.prefiltered++;
      return true;
    },
    tooComplex(text, start, end, line, offset) {
      const max = s.maxRecordValues;
      // a value takes at least one byte and one separator
      if (end - start < 2 * max) return false;
      const bytes = typeof text === 'string' ? encoder.encode(text.slice(start, end)) : text;
      const from = typeof text === 'string' ? 0 : start;
      const to = typeof text === 'string' ? bytes.length : end;
      if (checkJson(bytes, from, to, max) !== JSON_TOO_COMPLEX) return false;
      sink.reject(
        'record_too_complex',
        `a record of ${end - start} bytes holds more than ${max} JSON values (maxRecordValues)`,
        line,
        offset,
      );
      return true;
    },
    candidateText(text, check = 'utf8') {
      summary.recordsRead++;
      fileSummary.records++;
      if (prefilter !== undefined) {
        const bytes = encoder.encode(text);
        if (
          !prefilter.test(bytes, 0, bytes.length) &&
          wellFormed(bytes, 0, bytes.length, check, s.maxRecordValues)
        ) {
          summary.prefiltered++;
          return false;
        }
      }
      return true;
    },
    decode(bytes, start, end, line, offset) {
      // Decoding replaces every invalid sequence with U+FFFD, so a text without one was valid UTF-8;
      // only a text with one (a real U+FFFD, or damage) is validated.
      const text = Buffer.isBuffer(bytes)
        ? bytes.toString('utf8', start, end)
        : Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
      if (text.indexOf(REPLACEMENT) !== -1 && !isUtf8(bytes.subarray(start, end))) {
        sink.reject('invalid_utf8', 'the record is not valid UTF-8', line, offset);
        return undefined;
      }
      return text;
    },
    emit(event) {
      if (kinds !== undefined && !kinds.has(event.kind)) {
        summary.filteredByKind++;
        return;
      }
      summary.eventsEmitted++;
      fileSummary.events++;
      out.push(event);
    },
    reject(code, message, line, offset, cause) {
      const error = new InputError(
        code,
        message,
        {
          ...(file === undefined ? {} : { file }),
          ...(line === undefined ? {} : { line }),
          ...(offset === undefined ? {} : { byteOffset: offset }),
        },
        cause === undefined ? undefined : { cause },
      );
      recordRejection(summary, fileSummary, error);
      if (s.throwOnError) throw error;
    },
    rejectTooLong(line, offset, length) {
      sink.count();
      sink.reject(
        'line_too_long',
        `line of ${length}+ bytes exceeds maxLineBytes ${s.maxLineBytes}`,
        line,
        offset,
      );
    },
    count() {
      summary.recordsRead++;
      fileSummary.records++;
    },
    uncount() {
      summary.recordsRead--;
      fileSummary.records--;
    },
    skipRecord() {
      summary.recordsRead++;
      fileSummary.records++;
      summary.skipped++;
    },
    digest() {
      summary.digestFilesSkipped++;
    },
  };
  return sink;
}

/**
 * Emits the event of a text message (see `messageEvent`), unless the message
 * is JSON that holds more than `maxRecordValues` values: that record is
 * rejected (`record_too_complex`) before it is parsed.
 */
export function emitMessage(
  sink: RecordSink,
  message: string,
  env: Envelope,
  source: LogSource,
  messageBytes?: number,
): void {
  const first = message.charCodeAt(0);
  if (
    (first === 123 || first === 91) &&
    sink.tooComplex(message, 0, message.length, source.line, source.offset)
  )
    return;
  sink.emit(messageEvent(sink, message, env, source, messageBytes));
}
