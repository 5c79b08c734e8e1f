/**
 * The one-line run summary printed on stderr after every query, shaped like
 * the Logs Insights console's statistics line.
 *
 * @module
 */
import type { LogSource } from '../log-event.js';
import type { Rejection } from '../read/read-summary.js';
import { formatCount } from './render/histogram.js';
import { escapeControl } from './sanitize.js';

/** What the summary line reports. */
export interface RunSummary {
  readonly recordsScanned: number;
  readonly recordsMatched: number;
  /** Records the reader skipped as invalid (bad lines, CONTROL_MESSAGEs, …). */
  readonly recordsSkipped: number;
  readonly bytesScanned: number;
  readonly rows: number;
  readonly elapsedMs: number;
  /** Skipped records by reason (named in the line, the most frequent first). */
  readonly skippedByReason?: Readonly<Record<string, number>>;
  /** Files skipped whole (faults, digests, dot-files, …), apart from records. */
  readonly filesSkipped?: number;
  readonly filesSkippedByReason?: Readonly<Record<string, number>>;
  /** The first located skips: each reason is shown with where it first happened. */
  readonly firstSkips?: readonly Rejection[];
  /** Events whose time is not a valid date (null `@timestamp`), and where the first was. */
  readonly invalidTimestamps?: number;
  readonly invalidTimestampSamples?: readonly LogSource[];
}

/** Reasons named in a summary line; more are summed as "…". */
const MAX_REASONS = 3;

/** `a.ndjson:3`, `a.ndjson byte 120`, `line 3`: where a skip happened (sanitised, the path is data). */
function locationOf(r: {
  readonly file?: string;
  readonly line?: number;
  readonly byteOffset?: number;
}): string {
  const at = r.line !== undefined ? `:${r.line}` : r.byteOffset !== undefined ? ` byte ${r.byteOffset}` : '';
  if (r.file !== undefined) return escapeControl(r.file, true) + at;
  return at.startsWith(':') ? `line ${r.line}` : at.trim();
}

/** `bad_json_line 2 at a.ndjson:3, invalid_utf8 1 at a.ndjson:9`. */
function reasonsOf(
  byReason: Readonly<Record<string, number>> | undefined,
  firstSkips: readonly Rejection[] | undefined,
  level: 'file' | undefined,
): string {
  if (byReason === undefined) return '';
  const reasons = Object.entries(byReason)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (reasons.length === 0) return '';
  const shown = reasons.slice(0, MAX_REASONS).map(([reason, n]) => {
    const first = firstSkips?.find((r) => r.code === reason && r.level === level);
    const where = first === undefined ? '' : locationOf(first);
    return `${escapeControl(reason, true)} ${formatCount(n)}${where === '' ? '' : ` at ${where}`}`;
  });
  if (reasons.length > MAX_REASONS) shown.push('…');
  return ` (${shown.join(', ')})`;
}

/**
 * Formats bytes with binary-free decimal units: `512 B`, `4.2 kB`, `1.3 MB`.
 *
 * @example
 * ```ts
 * formatBytes(4200) //=> '4.2 kB'
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Formats the summary line (with a trailing newline). Skipped records are
 * named by reason with where each reason first happened; files skipped whole
 * (unreadable, damaged gzip, unknown format, …) are counted apart, as files,
 * so that records scanned + skipped is every record read.
 *
 * @example
 * ```ts
 * formatSummary({ recordsScanned: 1200, recordsMatched: 3, recordsSkipped: 0, bytesScanned: 4200, rows: 3, elapsedMs: 120 })
 * //=> 'kubetrail: 3 rows; 1,200 records scanned (4.2 kB), 3 matched, 0 skipped in 0.12s\n'
 * formatSummary({ recordsScanned: 10, recordsMatched: 3, recordsSkipped: 1, bytesScanned: 900, rows: 3, elapsedMs: 5,
 *   skippedByReason: { bad_json_line: 1 }, filesSkipped: 1, filesSkippedByReason: { truncated_gzip: 1 },
 *   firstSkips: [{ code: 'bad_json_line', message: '…', file: 'a.ndjson', line: 2 },
 *                { code: 'truncated_gzip', level: 'file', message: '…', file: 'b.gz' }] })
 * //=> 'kubetrail: 3 rows; 10 records scanned (900 B), 3 matched, 1 skipped (bad_json_line 1 at a.ndjson:2); 1 file skipped (truncated_gzip 1 at b.gz) in 0.01s\n'
 * ```
 */
export function formatSummary(s: RunSummary): string {
  const rows = s.rows === 1 ? '1 row' : `${formatCount(s.rows)} rows`;
  const records = s.recordsScanned === 1 ? '1 record' : `${formatCount(s.recordsScanned)} records`;
  const skipped = s.recordsSkipped > 0 ? reasonsOf(s.skippedByReason, s.firstSkips, undefined) : '';
  const files =
    s.filesSkipped !== undefined && s.filesSkipped > 0
      ? `; ${formatCount(s.filesSkipped)} ${s.filesSkipped === 1 ? 'file' : 'files'} skipped` +
        reasonsOf(s.filesSkippedByReason, s.firstSkips, 'file')
      : '';
  const first = s.invalidTimestampSamples?.[0];
  const times =
    s.invalidTimestamps !== undefined && s.invalidTimestamps > 0
      ? `; ${formatCount(s.invalidTimestamps)} with an invalid @timestamp` +
        (first === undefined
          ? ''
          : ` (first at ${locationOf({ ...first, ...(first.offset === undefined ? {} : { byteOffset: first.offset }) })})`)
      : '';
  return (
    `kubetrail: ${rows}; ${records} scanned (${formatBytes(s.bytesScanned)}), ` +
    `${formatCount(s.recordsMatched)} matched, ${formatCount(s.recordsSkipped)} skipped${skipped}${files}${times} ` +
    `in ${(s.elapsedMs / 1000).toFixed(2)}s\n`
  );
}
