/**
 * Diagnostics without exceptions, for editors, linters and `kubetrail check`.
 *
 * @module
 */
import type { Span } from './ast.js';
import { compileQuery } from './compile.js';
import { isQueryError, type QueryError, type QueryErrorCode, type QueryErrorPhase } from './errors.js';
import { parseQueryWithDiagnostics } from './parser.js';

/**
 * One problem in a query. Lines and columns are 1-based; `end*` point just past the span.
 *
 * @example
 * ```ts
 * import { checkQuery, type QueryDiagnostic } from 'kubetrail/engine';
 * const problems: QueryDiagnostic[] = checkQuery('stats count(*) by verb | sort n');
 * for (const d of problems) console.log(`${d.line}:${d.column} ${d.severity} ${d.code}: ${d.message}`);
 * ```
 */
export interface QueryDiagnostic {
  readonly code: QueryErrorCode;
  readonly message: string;
  /** `error` stops the query; `warning` does not (it compiles and runs). */
  readonly severity: 'error' | 'warning';
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
 * command); when it compiles, its warnings (severity `warning`: a `sort` by
 * a field that the preceding `stats` does not produce). The query compiles
 * when no diagnostic has severity `error`.
 *
 * @example
 * ```ts
 * checkQuery('fields strln(@message)').map((d) => [d.code, d.line, d.column, d.hints])
 * //=> [['unknown_function', 1, 8, ['did you mean strlen?']]]
 * checkQuery('stats count(*) by verb | sort n').map((d) => [d.severity, d.code])
 * //=> [['warning', 'unknown_field_after_stats']]
 * ```
 */
export function checkQuery(text: string): QueryDiagnostic[] {
  const parsed = parseQueryWithDiagnostics(String(text));
  if (parsed.errors.length > 0) return parsed.errors.map((e) => toDiagnostic(e));
  try {
    // (a fixed now: a check runs nothing, and relative SOURCE bounds such as start=-1d are valid whatever the clock)
    return compileQuery(String(text), { now: 0 }).warnings.map((w) => toDiagnostic(w, 'warning'));
  } catch (error) {
    if (isQueryError(error)) return [toDiagnostic(error)];
    throw error;
  }
}

/**
 * Converts a {@link QueryError} to a plain diagnostic record (severity `error` unless told).
 *
 * @example
 * ```ts
 * toDiagnostic(error).column
 * ```
 */
export function toDiagnostic(
  error: QueryError,
  severity: QueryDiagnostic['severity'] = 'error',
): QueryDiagnostic {
  const start = error.source.position(error.span.start);
  const end = error.source.position(error.span.end);
  return {
    code: error.code,
    message: error.message,
    severity,
    phase: error.phase,
    span: error.span,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    hints: error.hints,
  };
}
