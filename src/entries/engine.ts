/**
 * `kubetrail/engine`: the query engine's building blocks.
 *
 * Compiling and running queries over events from anywhere, the run layer's
 * types and statistics, spill stores and memory budgets, the readers and format
 * detection, the function library, and the query, function and input
 * error-code lists.
 * See docs/architecture.md.
 *
 * @example
 * ```ts
 * import { FUNCTIONS, LOG_FORMATS, readLogs } from 'kubetrail/engine';
 * ```
 *
 * @module
 */

export {
  isKubetrailError,
  KubetrailError,
} from '../errors.js';
export type {
  LogEvent,
  LogKind,
  LogSource,
} from '../log-event.js';
export {
  AGGREGATE_FUNCTIONS,
  FUNCTION_ERROR_CODES,
} from '../query/functions/aggregate.js';
export {
  FUNCTIONS,
  lookupFunction,
  suggestFunctionName,
} from '../query/functions/registry.js';
export type {
  AggregateFunctionDef,
  FunctionDef,
  ScalarFunctionDef,
} from '../query/functions/types.js';
export {
  type CompiledQuery,
  type CompileOptions,
  checkQuery,
  compileQuery,
  createMemorySpillStore,
  DEFAULT_MAX_BUFFERED_ROWS,
  DEFAULT_MEMORY_BUDGET_BYTES,
  type InsightsResults,
  isQueryError,
  type LookupSupply,
  type LookupTable,
  lookupTableFromRecords,
  MAX_LOOKUP_TABLE_BYTES,
  type Prefilter,
  type PrefilterTerm,
  parseQuery,
  printQuery,
  QUERY_ERROR_CODES,
  type QueryAst,
  type QueryDiagnostic,
  QueryError,
  type QueryErrorCode,
  type QueryResult,
  type QueryStatistics,
  type QueryStream,
  type ResultRow,
  type RunOptions,
  type SourceEvents,
  type SourceSupply,
  type SpillRun,
  type SpillRunWriter,
  type SpillStore,
  toInsightsResults,
  type Value,
} from '../query/index.js';
export { formatTimestamp, valueToResultString } from '../query/semantics/format.js';
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
} from '../read/index.js';
export {
  type LookupInput,
  type LookupTableOptions,
  loadLookupTable,
  parseLookupCsv,
  type QueryLogsOptions,
  type QueryLogsResult,
  type QueryLogsStatistics,
  type QueryLogsStream,
  query,
  queryStream,
  type SourceInput,
} from '../run/index.js';
export {
  createFileSpillStore,
  type FileSpillStoreOptions,
} from '../spill-store.js';
