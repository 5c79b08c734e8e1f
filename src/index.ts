/**
 * kubetrail: offline log forensics for Amazon EKS.
 *
 * The root holds what an investigation reaches for first: run a query over
 * files, compile and check queries, read logs, validate records, run
 * detections, pivot, compile to SQL, and the error classes. Everything else
 * is in a subpath: `kubetrail/schema` (every schema, type and parser of
 * records), `kubetrail/detect` (the catalogue, timelines, insights, pivots),
 * `kubetrail/sql` (SQL dialects, table models, DDL, import) and
 * `kubetrail/engine` (the engine's building blocks: readers, formats, the
 * function library, spill stores, error-code lists). CHANGELOG.md lists
 * where each earlier root export went.
 *
 * @example
 * ```ts
 * import { query } from 'kubetrail';
 * const { rows } = await query('samples/incident/', 'stats count(*) by verb');
 * ```
 *
 * @module
 */

export {
  DetectError,
  type Finding,
  investigateIrsa,
  loadDetections,
  loadSigmaRules,
  pivotFromKubernetesUser,
  runDetections,
} from './detect/index.js';
export { isKubetrailError, KubetrailError } from './errors.js';
export type { LogEvent } from './log-event.js';
export {
  type CompiledQuery,
  type CompileOptions,
  checkQuery,
  compileQuery,
  parseQuery,
  printQuery,
  QueryError,
  type QueryResult,
  type ResultRow,
  toInsightsResults,
  type Value,
} from './query/index.js';
export { detectFormat, InputError, type LogInput, type ReadLogsOptions, readLogs } from './read/index.js';
export {
  type QueryLogsOptions,
  type QueryLogsResult,
  type QueryLogsStream,
  query,
  queryStream,
} from './run/index.js';
export {
  type AuditEvent,
  AuditEventSchema,
  type CloudTrailRecord,
  CloudTrailRecordSchema,
  parseAuditEvent,
  parseCloudTrailRecord,
  ValidationError,
} from './schema/index.js';
export { compileToSql, SqlEngineError } from './sql/index.js';
