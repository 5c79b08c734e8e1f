/**
 * The SQL stage: Logs Insights queries compiled to SQL (`compileToSql`) for
 * DuckDB and Trino over several table models, and the embedded DuckDB engine.
 *
 * @module
 */
export { type CompiledSql, compileToSql, type SqlColumn, type SqlCompileOptions } from './compile-sql.js';
export { type DdlOptions, tableDdl } from './ddl.js';
export type { SqlDialectName } from './dialect.js';
export {
  type DuckdbEngineOptions,
  type ImportOptions,
  type ImportResult,
  importEvents,
  loadDuckdb,
  runOnDuckdb,
} from './duckdb-engine.js';
export type { RawReadReport, ReadProgress } from './duckdb-raw-read.js';
export { SQL_ENGINE_ERROR_CODES, SqlEngineError, type SqlEngineErrorCode } from './errors.js';
export { TABLE_MODEL_NAMES, type TableModelName } from './table-models.js';
