/**
 * `kubetrail/sql`: the SQL back end.
 *
 * Logs Insights queries compiled to DuckDB and Trino SQL, the table models and
 * their DDL, and the columnar import. See docs/scale-out.md.
 *
 * @example
 * ```ts
 * import { compileToSql } from 'kubetrail/sql';
 * ```
 *
 * @module
 */
export {
  type CompiledSql,
  compileToSql,
  type DdlOptions,
  type DuckdbEngineOptions,
  type ImportOptions,
  type ImportResult,
  importEvents,
  type RawReadReport,
  type ReadProgress,
  SQL_ENGINE_ERROR_CODES,
  type SqlColumn,
  type SqlCompileOptions,
  type SqlDialectName,
  SqlEngineError,
  type SqlEngineErrorCode,
  TABLE_MODEL_NAMES,
  type TableModelName,
  tableDdl,
} from '../sql/index.js';
