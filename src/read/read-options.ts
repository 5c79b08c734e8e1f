/**
 * Options of `readLogs`.
 *
 * @module
 */
import type { LogKind } from '../log-event.js';
import type { LogFormat } from './log-format.js';
import type { WalkFs } from './sources.js';

/**
 * A cheap test on the raw bytes of a candidate record, run before any
 * decoding or `JSON.parse`. The bytes are exactly the UTF-8 bytes of what
 * would become `@message`: an NDJSON line, one element of a `Records` (or
 * `items`, or top-level) array, the message part of a CloudWatch export or
 * text line, or the (JSON-unescaped) message of an envelope format. Return
 * `false` only when the record cannot match.
 *
 * @example
 * ```ts
 * const needle = Buffer.from('rolebindings');
 * const prefilter: RawPrefilter = {
 *   test: (bytes, start, end) => Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).includes(needle),
 * };
 * ```
 */
export interface RawPrefilter {
  test(bytes: Uint8Array, start: number, end: number): boolean;
}

/**
 * Options of `readLogs`.
 *
 * @example
 * ```ts
 * const options: ReadLogsOptions = { onError: 'skip', format: 'kubernetes-audit-ndjson' };
 * const reader = readLogs('samples/incident/', options);
 * ```
 */
export interface ReadLogsOptions {
  /** `'throw'` (default): stop at the first fault; `'skip'`: count, locate and carry on. */
  readonly onError?: 'throw' | 'skip';
  /** Largest line or single JSON value kept, in bytes (default 64 MiB). */
  readonly maxLineBytes?: number;
  /**
   * Largest number of JSON values (objects, arrays, strings, numbers,
   * literals) one record may hold; a record with more is rejected
   * (`record_too_complex`) before `JSON.parse` builds it, because what
   * `JSON.parse` allocates grows with the values, not the bytes (a 63 MB line
   * of 8 million `{}` builds 700 MB). Default {@link DEFAULT_MAX_RECORD_VALUES}.
   */
  readonly maxRecordValues?: number;
  /** Force a format instead of detecting it from content. */
  readonly format?: LogFormat;
  /** `@logStream` for every event, overriding the envelope, path or inference. */
  readonly logStream?: string;
  /**
   * `@log` for every event, overriding the envelope. A plain group name is
   * shown in the service's form `account-id:log-group-name` when the file's
   * path carries the account (`…/AWSLogs/<account-id>/…`); a name that already
   * has `account:` is kept as given.
   */
  readonly logGroup?: string;
  /** Stops reading (the iteration throws an `aborted` InputError). */
  readonly signal?: AbortSignal;
  /** Keep only events of these kinds. */
  readonly kinds?: readonly LogKind[];
  /** Raw-bytes test run before decoding; see {@link RawPrefilter}. */
  readonly prefilter?: RawPrefilter;
  /**
   * Counts in `summary.invalidTimestamps` only the events whose message
   * bytes pass this test; `prefilter`, when given, is that test. A query
   * passes its raw prefilter here when it reads without it
   * (`prefilter: false`), so that the count is the same either way: it
   * counts the events with an invalid time that the query could match.
   * @defaultValue every event (when there is no `prefilter`)
   */
  readonly invalidTimestampFilter?: RawPrefilter;
  /**
   * Read only the lines of this byte range of each file input (not of
   * in-memory input or stdin): from just after the first `\n` at or after
   * `start` (from 0 when `start` is 0) through the first `\n` at or after
   * `end`; ranges that meet (`[0, a)`, `[a, b)`, …) hold every line once.
   * Pair it with `format`: a range's first bytes may not show the file's
   * format. Byte offsets stay file offsets; line numbers count from the
   * range's first line.
   */
  readonly range?: { readonly start: number; readonly end: number };
  /**
   * Skip, rather than fail on, files whose format is not recognised, as for
   * files found by a directory walk or glob. @defaultValue false
   */
  readonly skipUnknownFormats?: boolean;
  /** Year for raw klog lines that have no CloudWatch timestamp (klog headers carry none). */
  readonly klogYear?: number;
  /**
   * Read files and directories whose name starts with `.` inside walked
   * directories and globs (they are skipped and counted in
   * `summary.dotFilesSkipped` by default). @defaultValue false
   */
  readonly includeDotFiles?: boolean;
  /**
   * The file-system calls of directory walks (a seam for tests).
   *
   * @internal
   */
  readonly walkFs?: WalkFs;
}

/**
 * Default `maxLineBytes`: 64 MiB. A longer line (or JSON value) is rejected
 * with `line_too_long` instead of being buffered without bound.
 *
 * @example
 * ```ts
 * DEFAULT_MAX_LINE_BYTES; //=> 67108864
 * readLogs('big.log', { maxLineBytes: 4 * DEFAULT_MAX_LINE_BYTES });
 * ```
 */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * Default `maxRecordValues`: 1,000,000 JSON values in one record (at most
 * about 90 MB of parsed objects; a Kubernetes audit event holds 50–300, a
 * `RequestResponse` list of a thousand pods a few hundred thousand).
 *
 * @example
 * ```ts
 * DEFAULT_MAX_RECORD_VALUES; //=> 1000000
 * readLogs('huge-lists.log', { maxRecordValues: 4 * DEFAULT_MAX_RECORD_VALUES });
 * ```
 */
export const DEFAULT_MAX_RECORD_VALUES = 1_000_000;
