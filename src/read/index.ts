/**
 * Streaming readers: every exported EKS / CloudTrail / CloudWatch Logs file
 * format to one stream of `LogEvent`s.
 *
 * @module
 */
export { detectFileFormat, detectFormat } from './detect-format.js';
export {
  INPUT_ERROR_CODES,
  InputError,
  type InputErrorCode,
  type InputErrorLocation,
} from './input-error.js';
export { parseIsoTimestamp } from './iso-timestamp.js';
export { type DetectedFormat, LOG_FORMATS, type LogFormat } from './log-format.js';
export { type LogReader, readLogs } from './read-logs.js';
export {
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_RECORD_VALUES,
  type RawPrefilter,
  type ReadLogsOptions,
} from './read-options.js';
export { type FileSummary, MAX_KEPT_REJECTIONS, type ReadSummary, type Rejection } from './read-summary.js';
export type { LogInput } from './sources.js';
