/**
 * The query engine: parse, check, print, compile and run CloudWatch Logs
 * Insights queries over log events, and shape the results.
 *
 * @module
 */
export { COMPILE_ERROR_CODES } from '../error-codes.js';
export type { Command, Expr, FieldRef, QueryAst, Span } from './ast.js';
export { checkQuery, type QueryDiagnostic } from './check.js';
export { compileQuery } from './compile.js';
export {
  budgetError,
  type CompiledQuery,
  type CompileOptions,
  DEFAULT_LIMIT,
  DEFAULT_MAX_BUFFERED_ROWS,
  type QueryStream,
  type RunOptions,
} from './compile-options.js';
export { isQueryError, QUERY_ERROR_CODES, QueryError, type QueryErrorCode } from './errors.js';
export { type LookupTable, lookupTableFromRecords, MAX_LOOKUP_TABLE_BYTES } from './lookup-table.js';
export { parseQuery } from './parser.js';
export type { Prefilter, PrefilterTerm } from './prefilter.js';
export { printQuery } from './print.js';
export {
  type InsightsResultField,
  type InsightsResults,
  type QueryResult,
  type QueryStatistics,
  type ResultRow,
  toInsightsResults,
} from './results.js';
export { eventPointer } from './row.js';
export type { LookupSupply, SourceEvents, SourceSupply } from './side-inputs.js';
export {
  createMemorySpillStore,
  DEFAULT_MEMORY_BUDGET_BYTES,
  estimateResultRowBytes,
  type SpillRun,
  type SpillRunWriter,
  type SpillStore,
} from './spill.js';
export type { Value } from './value.js';
