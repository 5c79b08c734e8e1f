/**
 * kubetrail: offline log forensics for Amazon EKS.
 *
 * @module
 */
export { isKubetrailError, KubetrailError } from './errors.js';
export type { LogEvent, LogKind, LogSource } from './log-event.js';
export {
  DEFAULT_MAX_LINE_BYTES,
  type DetectedFormat,
  detectFileFormat,
  detectFormat,
  type FileSummary,
  INPUT_ERROR_CODES,
  InputError,
  type InputErrorCode,
  type InputErrorLocation,
  LOG_FORMATS,
  type LogFormat,
  type LogInput,
  type LogReader,
  MAX_KEPT_REJECTIONS,
  parseIsoTimestamp,
  type RawPrefilter,
  type ReadLogsOptions,
  type ReadSummary,
  type Rejection,
  readLogs,
} from './read/index.js';
