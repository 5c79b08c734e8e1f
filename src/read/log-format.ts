/**
 * The names of the file formats the readers detect.
 *
 * @module
 */

/**
 * Every format `detectFormat` can name. See `docs/formats.md` for an example
 * of each, how it is detected and where the system fields come from.
 *
 * @example
 * ```ts
 * LOG_FORMATS.includes('cloudtrail-records'); //=> true
 * LOG_FORMATS.includes(detectFormat(new TextEncoder().encode('{"Records":[]}')).format); //=> true
 * ```
 */
export const LOG_FORMATS = [
  'kubernetes-audit-ndjson',
  'kubernetes-audit-event',
  'kubernetes-audit-array',
  'kubernetes-audit-eventlist',
  'kubernetes-audit-legacy',
  'cloudtrail-records',
  'cloudtrail-ndjson',
  'cloudtrail-record',
  'cloudtrail-array',
  'cloudtrail-digest',
  'cloudtrail-lookup-events',
  'cloudtrail-console-csv',
  'cloudtrail-lake-csv',
  'eventbridge',
  'cloudwatch-export',
  'cloudwatch-events-json',
  'cloudwatch-tail',
  'cloudwatch-tail-short',
  'cloudwatch-text-output',
  'insights-json',
  'insights-csv',
  'insights-markdown',
  'firehose',
  'authenticator-lines',
  'klog-lines',
  'vpc-flow-logs',
  'ndjson',
  'json',
  'json-array',
  'text',
  'empty',
  'unknown',
] as const;

/** A format name; see {@link LOG_FORMATS}. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The result of format detection. */
export interface DetectedFormat {
  /** The content format (after decompression). */
  readonly format: LogFormat;
  /** Whether the bytes were gzip-compressed (possibly twice). */
  readonly compression: 'gzip' | 'none';
}
