/**
 * Diagnostics without exceptions, for editors, linters and `kubetrail check`.
 *
 * @module
 */
import type { Span } from './ast.js';
import { compileQuery } from './compile.js';
import { isQueryError, type QueryError, type QueryErrorCode, type QueryErrorPhase } from './errors.js';
import { parseQueryWithDiagnostics } from './parser.js';

/** One problem in a query. Lines and columns are 1-based; `end*` point just past the span. */
export interface QueryDiagnostic {
  readonly code: QueryErrorCode;
  readonly message: string;
  readonly severity: 'error';
  readonly phase: QueryErrorPhase;
  readonly span: Span;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly hints: readonly string[];
}

/**
 * Checks a query without running it and without throwing: every syntax
 * error (the parser recovers at each `|`), or, when the syntax is valid, the
 * first compile error (unknown function, wrong arity, bad regex, misplaced
 * command). An empty array means the query compiles.
 *
 * @example
 * ```ts
 * checkQuery('fields strln(@message)').map((d) => [d.code, d.line, d.column, d.hints])
 * //=> [['unknown_function', 1, 8, ['did you mean strlen?']]]
 * ```
 */
export function checkQuery(text: string): QueryDiagnostic[] {
  const parsed = parseQueryWithDiagnostics(String(text));
  if (parsed.errors.length > 0) return parsed.errors.map(toDiagnostic);
  try {
    compileQuery(String(text));
    return [];
  } catch (error) {
    if (isQueryError(error)) return [toDiagnostic(error)];
    throw error;
  }
}

/**
 * Converts a {@link QueryError} to a plain diagnostic record.
 *
 * @example
 * ```ts
 * toDiagnostic(error).column
 * ```
 */
export function toDiagnostic(error: QueryError): QueryDiagnostic {
  const start = error.source.position(error.span.start);
  const end = error.source.position(error.span.end);
  return {
    code: error.code,
    message: error.message,
    severity: 'error',
    phase: error.phase,
    span: error.span,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    hints: error.hints,
  };
}
