/**
 * Query errors: one class, stable codes, spans and code frames.
 *
 * @module
 */

import { QUERY_ERROR_CODES } from '../error-codes.js';
import { KubetrailError } from '../errors.js';
import type { Span } from './ast.js';
import { formatCodeFrame } from './code-frame.js';
import { createSourceText, type SourceText } from './source-text.js';

export { QUERY_ERROR_CODES };

/**
 * A query error code; see {@link QUERY_ERROR_CODES}.
 *
 * @example
 * ```ts
 * import { compileQuery, isQueryError, type QueryErrorCode } from 'kubetrail/engine';
 * let code: QueryErrorCode | undefined;
 * try {
 *   compileQuery('fields strln(@message)');
 * } catch (e) {
 *   if (isQueryError(e)) code = e.code;
 * }
 * code; //=> 'unknown_function'
 * ```
 */
export type QueryErrorCode = keyof typeof QUERY_ERROR_CODES;

/** The stage that found the error. */
export type QueryErrorPhase = 'lex' | 'parse' | 'compile' | 'run';

/** What {@link QueryError} is built from. */
export interface QueryErrorInit {
  readonly code: QueryErrorCode;
  /** One line, no location (the location is in `line`/`column` and `format()`). */
  readonly message: string;
  readonly phase: QueryErrorPhase;
  readonly span: Span;
  /** The query text (or an already wrapped one). */
  readonly source: string | SourceText;
  /** Short suggestions such as `did you mean strlen?`. */
  readonly hints?: readonly string[];
  readonly cause?: unknown;
}

/** Options of {@link QueryError.format}. */
export interface FormatOptions {
  /** ANSI colours; the caller decides (`stream.isTTY` and no `NO_COLOR`). Default false. */
  readonly color?: boolean;
}

/**
 * A syntax, compile or run error in a query, with the span it refers to.
 *
 * @example
 * ```ts
 * try {
 *   parseQuery('fields strln(@message)');
 * } catch (e) {
 *   if (isQueryError(e)) console.error(e.format());
 * }
 * ```
 */
export class QueryError extends KubetrailError {
  override readonly name = 'QueryError';
  declare readonly code: QueryErrorCode;
  readonly phase: QueryErrorPhase;
  readonly span: Span;
  readonly source: SourceText;
  readonly hints: readonly string[];

  constructor(init: QueryErrorInit) {
    super(init.code, init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.phase = init.phase;
    this.span = init.span;
    this.source = typeof init.source === 'string' ? createSourceText(init.source) : init.source;
    this.hints = init.hints ?? [];
  }

  /** 1-based line of `span.start`. */
  get line(): number {
    return this.source.position(this.span.start).line;
  }

  /** 1-based column (UTF-16 code units) of `span.start`. */
  get column(): number {
    return this.source.position(this.span.start).column;
  }

  /**
   * The error as a code frame: a header with code and message, the location,
   * the source line with a gutter, carets under the span, and the hints.
   */
  format(options: FormatOptions = {}): string {
    return formatCodeFrame({
      source: this.source,
      span: this.span,
      title: `error[${this.code}]: ${this.message}`,
      hints: this.hints,
      color: options.color ?? false,
    });
  }
}

/**
 * Tells whether a value is a {@link QueryError}, across realms.
 *
 * @example
 * ```ts
 * isQueryError(new Error('x')) //=> false
 * ```
 */
export function isQueryError(value: unknown): value is QueryError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { isKubetrailError?: unknown }).isKubetrailError === true &&
    (value as { name?: unknown }).name === 'QueryError' &&
    typeof (value as { code?: unknown }).code === 'string' &&
    Object.hasOwn(QUERY_ERROR_CODES, (value as { code: string }).code)
  );
}

/**
 * The closest candidates to a misspelt name, for "did you mean" hints: those
 * at the smallest case-insensitive optimal-string-alignment distance, if that
 * distance is at most 2 and at most a third of the name's length (rounded
 * up); ties in alphabetical order.
 *
 * @example
 * ```ts
 * didYouMean('strln', ['strlen', 'substr', 'trim']) //=> ['strlen']
 * ```
 */
export function didYouMean(name: string, candidates: Iterable<string>, max = 3): string[] {
  const lower = name.toLowerCase();
  const limit = Math.min(2, Math.ceil(lower.length / 3));
  const scored: { candidate: string; distance: number }[] = [];
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    if (c === lower) continue;
    if (Math.abs(c.length - lower.length) > limit) continue;
    const distance = editDistance(lower, c);
    if (distance <= limit) scored.push({ candidate, distance });
  }
  scored.sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate));
  const best = scored[0]?.distance;
  return scored
    .filter((s) => s.distance === best)
    .slice(0, max)
    .map((s) => s.candidate);
}

function editDistance(a: string, b: string): number {
  // Optimal string alignment (Levenshtein plus adjacent transpositions).
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (d[(i - 1) * cols + j] ?? 0) + 1,
        (d[i * cols + j - 1] ?? 0) + 1,
        (d[(i - 1) * cols + j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (d[(i - 2) * cols + j - 2] ?? 0) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1] ?? 0;
}

/**
 * The error of a run cancelled through its `AbortSignal` (`query_cancelled`).
 *
 * @example
 * ```ts
 * if (signal?.aborted) throw cancelledError(text);
 * ```
 * @internal
 */
export function cancelledError(text: string): QueryError {
  return new QueryError({
    code: 'query_cancelled',
    message: 'the query was cancelled',
    phase: 'run',
    span: { start: 0, end: 0 },
    source: text,
  });
}
