/**
 * Query errors: one class, stable codes, spans and code frames.
 *
 * @module
 */
import { KubetrailError } from '../errors.js';
import type { Span } from './ast.js';
import { formatCodeFrame } from './code-frame.js';
import { createSourceText, type SourceText } from './source-text.js';

/**
 * Every query error code with a one-line description, for `docs/errors.md`
 * and `--help`. Codes are stable: never rename one, only add.
 *
 * @example
 * ```ts
 * QUERY_ERROR_CODES.unknown_command //=> 'A stage starts with a word that is not a command.'
 * ```
 */
export const QUERY_ERROR_CODES = {
  // lex
  unexpected_character: 'A character that cannot start any token, such as `!` alone or `$`.',
  unterminated_string: 'A quoted string has no closing quote.',
  unterminated_regex: 'A `/regex/` has no closing slash.',
  unterminated_name: 'A backtick-quoted name has no closing backtick.',
  invalid_number: 'A number is malformed or followed by letters that are not a time unit (`5x`, `1e`).',
  // parse
  empty_query: 'The query has no commands (it is empty or only comments).',
  expected_command: 'A stage is empty (`| |`, a trailing `|`) or does not start with a command name.',
  unknown_command: 'A stage starts with a word that is not a command.',
  unexpected_token: 'A token that the grammar does not allow here.',
  expected_expression: 'An expression (field, literal, call, list or parenthesised expression) is missing.',
  expected_name: 'A field name or alias is missing (after `as`, `into`, in `dedup`, ...).',
  expected_integer: 'A whole number is missing (after `limit`).',
  expected_period: 'A duration such as `1h` is missing (after `offset` in `by bin(5m) offset 1h`).',
  limit_too_large: '`limit N` (or `head`/`tail`) with N above 100,000, the maximum of the Limit page.',
  chained_comparison: 'Two comparisons in a row (`a < b < c`); add parentheses.',
  misplaced_source: '`SOURCE` appears after the first stage.',
  nesting_too_deep: 'The expression nests deeper than the parser allows.',
  parse_name_mismatch: 'A `parse` glob has a different number of `*` wildcards than names after `as`.',
  // compile
  unknown_function: 'A call names a function that does not exist.',
  wrong_arity: 'A function is called with too few or too many arguments.',
  invalid_regex: 'A regex is not valid RE2 syntax (backreferences and lookaround are not supported).',
  invalid_argument: 'A function argument has the wrong form (for example a period where a field is needed).',
  constant_required: 'An argument that must be a literal (a period, a percent) is a field or expression.',
  aggregate_not_allowed: 'An aggregate function is used outside `stats`, or nested in another aggregate.',
  aggregate_required: 'A `stats` item has no aggregate function.',
  unknown_field_after_stats: 'A command after `stats` references a field that `stats` did not produce.',
  command_after_dedup: 'A command other than `limit` follows `dedup`.',
  too_many_stats: 'The query has more than two `stats` commands.',
  command_before_stats:
    'A `sort` or `limit` comes before the second `stats` of the query, which the Stats page does not allow.',
  unsupported_command: 'The command exists in the service but cannot run offline, or is not supported.',
  // SQL (src/sql)
  sql_unsupported:
    'A construct of the query (a command, function, operator or regex feature) that the SQL compiler (`compileToSql`, `engine: "duckdb"`, `kubetrail sql`) does not translate; the error names it and its span.',
  sql_unreachable_field:
    'The SQL table model has no column or path for a field the query reads (for example `@message` under the CloudTrail SerDe).',
  // run
  query_cancelled: 'The query was cancelled through its AbortSignal.',
  resource_limit:
    "A buffering stage reached the run's memory budget (`memoryBudgetBytes`, `--memory-budget`) and cannot spill (no spill store, one stats group alone over the budget, or the table/csv/json output), or it would hold more rows than an explicit `maxBufferedRows`; the run stops instead of dropping rows.",
} as const satisfies Record<string, string>;

/** A query error code; see {@link QUERY_ERROR_CODES}. */
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
