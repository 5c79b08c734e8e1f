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

/**
 * A format name; see {@link LOG_FORMATS}.
 *
 * @example
 * ```ts
 * import { detectFormat, type LogFormat, readLogs } from 'kubetrail/engine';
 * const detected: LogFormat = detectFormat(new TextEncoder().encode('{"Records":[]}')).format; //=> 'cloudtrail-records'
 * const forced: LogFormat = 'authenticator-lines';
 * const reader = readLogs('-', { format: forced }); // stdin, read as aws-iam-authenticator lines
 * ```
 */
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * The result of format detection.
 *
 * @example
 * ```ts
 * import { type DetectedFormat, detectFileFormat } from 'kubetrail/engine';
 * const detected: DetectedFormat = await detectFileFormat(
 *   'samples/incident/cloudwatch-export/exportedlogs/7f3e9c1a-5b2d-4e8f-a6c0-d4b2e8f1a3c5/kube-scheduler-6c0e4a8d2f6b0e4c8a2d6f0b4e8c2a6d/000000.gz',
 * );
 * detected; //=> { format: 'cloudwatch-export', compression: 'gzip' }
 * ```
 */
export interface DetectedFormat {
  /** The content format (after decompression). */
  readonly format: LogFormat;
  /** Whether the bytes were gzip-compressed (possibly twice). */
  readonly compression: 'gzip' | 'none';
}
