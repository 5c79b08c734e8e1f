/**
 * The errors of the SQL stage: constructs that the compiler does not
 * translate, fields a table model cannot reach, and the DuckDB engine's own
 * faults (the optional dependency is missing, DuckDB failed).
 *
 * Compile-time errors are {@link QueryError}s (they carry the span of the
 * construct, a line, a column and a code frame; the CLI exits with code 3);
 * engine errors are {@link SqlEngineError}s.
 *
 * @module
 */

import { SQL_ENGINE_ERROR_CODES } from '../error-codes.js';
import { KubetrailError } from '../errors.js';
import type { Span } from '../query/ast.js';
import { QueryError } from '../query/errors.js';

export { SQL_ENGINE_ERROR_CODES };

/**
 * A code of {@link SqlEngineError}.
 *
 * @example
 * ```ts
 * import { query } from 'kubetrail';
 * import { SqlEngineError, type SqlEngineErrorCode } from 'kubetrail/sql';
 * const missing: SqlEngineErrorCode = 'duckdb_missing';
 * try {
 *   await query('samples/incident/', 'stats count(*) by verb', { engine: 'duckdb' });
 * } catch (e) {
 *   if (e instanceof SqlEngineError && e.code === missing) console.error('npm install @duckdb/node-api');
 *   else throw e;
 * }
 * ```
 */
export type SqlEngineErrorCode = keyof typeof SQL_ENGINE_ERROR_CODES;

/**
 * An error of the DuckDB engine or of the SQL options (not of the query text).
 *
 * @example
 * ```ts
 * throw new SqlEngineError('duckdb_missing', 'install @duckdb/node-api');
 * ```
 */
export class SqlEngineError extends KubetrailError {
  override readonly name = 'SqlEngineError';
  declare readonly code: SqlEngineErrorCode;

  constructor(code: SqlEngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * Throws the `sql_unsupported` query error: a construct of the query that the
 * SQL compiler does not translate, located at its span.
 *
 * @internal
 */
export function unsupported(what: string, span: Span, text: string, hints: readonly string[] = []): never {
  throw new QueryError({
    code: 'sql_unsupported',
    message: `${what} is not translated to SQL`,
    phase: 'compile',
    span,
    source: text,
    hints: [...hints, 'run the query on the streaming engine (the default) instead'],
  });
}

/**
 * Throws the `sql_unreachable_field` query error: the table model has no
 * column or path for the field.
 *
 * @internal
 */
export function unreachable(field: string, model: string, span: Span, text: string, why: string): never {
  throw new QueryError({
    code: 'sql_unreachable_field',
    message: `the field ${field} cannot be read from the ${model} table: ${why}`,
    phase: 'compile',
    span,
    source: text,
  });
}
