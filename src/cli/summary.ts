/**
 * The one-line run summary printed on stderr after every query, shaped like
 * the Logs Insights console's statistics line.
 *
 * @module
 */
import { formatCount } from './render/histogram.js';

/** What the summary line reports. */
export interface RunSummary {
  readonly recordsScanned: number;
  readonly recordsMatched: number;
  /** Records the reader skipped as invalid (bad lines, digests, …). */
  readonly recordsSkipped: number;
  readonly bytesScanned: number;
  readonly rows: number;
  readonly elapsedMs: number;
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
 * Formats the summary line (with a trailing newline).
 *
 * @example
 * ```ts
 * formatSummary({ recordsScanned: 1200, recordsMatched: 3, recordsSkipped: 0, bytesScanned: 4200, rows: 3, elapsedMs: 120 })
 * //=> 'kubetrail: 3 rows; 1,200 records scanned (4.2 kB), 3 matched, 0 skipped in 0.12s\n'
 * ```
 */
export function formatSummary(s: RunSummary): string {
  const rows = s.rows === 1 ? '1 row' : `${formatCount(s.rows)} rows`;
  const records = s.recordsScanned === 1 ? '1 record' : `${formatCount(s.recordsScanned)} records`;
  return (
    `kubetrail: ${rows}; ${records} scanned (${formatBytes(s.bytesScanned)}), ` +
    `${formatCount(s.recordsMatched)} matched, ${formatCount(s.recordsSkipped)} skipped in ${(s.elapsedMs / 1000).toFixed(2)}s\n`
  );
}
