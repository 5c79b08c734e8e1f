/**
 * Token kinds and the keyword tables of the query language.
 *
 * @module
 */
import type { BinaryOperator, PathSegment } from './ast.js';
import type { QueryErrorCode } from './errors.js';
import type { PeriodUnit } from './value.js';

/** Every kind of token the lexer produces. */
export type TokenKind =
  | 'Name'
  | 'Number'
  | 'Period'
  | 'String'
  | 'Regex'
  | 'Pipe'
  | 'Comma'
  | 'LParen'
  | 'RParen'
  | 'LBracket'
  | 'RBracket'
  | 'Dot'
  | 'Colon'
  | 'Plus'
  | 'Minus'
  | 'Star'
  | 'Slash'
  | 'Percent'
  | 'Caret'
  | 'Eq'
  | 'EqEq'
  | 'NotEq'
  | 'Lt'
  | 'LtEq'
  | 'Gt'
  | 'GtEq'
  | 'Match'
  | 'EOF'
  | 'Error';

/**
 * A token: its kind and offsets, plus the decoded payload of literal tokens.
 * Line and column are computed only for errors.
 */
export interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
  /** `String`: the decoded text. `Regex`: the pattern between the slashes, as written. */
  readonly value?: string;
  /** `Name`: the path segments. */
  readonly path?: readonly PathSegment[];
  /**
   * `Name`: the lower-cased text when the name is one plain segment without
   * `@` or backticks, i.e. when it can be a keyword, command or function name.
   */
  readonly word?: string;
  /** `Number`: the value. `Period`: the amount. */
  readonly number?: number;
  /** `Period`: the normalised unit. */
  readonly unit?: PeriodUnit;
  /** `Error`: what is wrong. */
  readonly error?: { readonly code: QueryErrorCode; readonly message: string };
}

/**
 * Words that are never field names unless backticked: the logical operators,
 * `like`, `in`, `as`, `by`, `asc`, `desc`, and the literals `true`/`false`.
 *
 * @example
 * ```ts
 * RESERVED_WORDS.has('like') //=> true
 * ```
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  'and',
  'or',
  'not',
  'like',
  'in',
  'as',
  'by',
  'asc',
  'desc',
  'true',
  'false',
]);

/**
 * Time-unit spellings (lower case) for period literals, per the service's
 * `bin()` documentation; every multi-letter spelling except `ms` also takes a
 * plural `s`.
 *
 * @example
 * ```ts
 * PERIOD_UNITS.get('hrs') //=> 'h'
 * ```
 */
export const PERIOD_UNITS: ReadonlyMap<string, PeriodUnit> = (() => {
  const table: [PeriodUnit, string[]][] = [
    ['ms', ['ms', 'msec', 'millisecond']],
    ['s', ['s', 'sec', 'second']],
    ['m', ['m', 'min', 'minute']],
    ['h', ['h', 'hr', 'hour']],
    ['d', ['d', 'day']],
    ['w', ['w', 'week']],
    ['mo', ['mo', 'mon', 'month']],
    ['q', ['q', 'qtr', 'quarter']],
    ['y', ['y', 'yr', 'year']],
  ];
  const map = new Map<string, PeriodUnit>();
  for (const [unit, spellings] of table) {
    for (const spelling of spellings) {
      map.set(spelling, unit);
      if (spelling.length > 1 && spelling !== 'ms') map.set(`${spelling}s`, unit);
    }
  }
  return map;
})();

/** Human-readable token descriptions for messages, e.g. `"|"` or `end of query`. */
export const TOKEN_DESCRIPTIONS: Readonly<Record<TokenKind, string>> = {
  Name: 'a name',
  Number: 'a number',
  Period: 'a time period',
  String: 'a string',
  Regex: 'a regex',
  Pipe: '"|"',
  Comma: '","',
  LParen: '"("',
  RParen: '")"',
  LBracket: '"["',
  RBracket: '"]"',
  Dot: '"."',
  Colon: '":"',
  Plus: '"+"',
  Minus: '"-"',
  Star: '"*"',
  Slash: '"/"',
  Percent: '"%"',
  Caret: '"^"',
  Eq: '"="',
  EqEq: '"=="',
  NotEq: '"!="',
  Lt: '"<"',
  LtEq: '"<="',
  Gt: '">"',
  GtEq: '">="',
  Match: '"=~"',
  EOF: 'end of query',
  Error: 'an invalid token',
};

/**
 * Binding power of every operator, lowest first. Binary operators are
 * left-associative except `^` (right-associative); comparisons (`=`, `==`,
 * `!=`, `<`, `<=`, `>`, `>=`, `like`, `not like`, `in`, `not in`, `=~`) do
 * not chain. Prefix `not` binds looser than comparisons, prefix `-` looser
 * than `^` (so `-2 ^ 2` is `-(2 ^ 2)`).
 *
 * @example
 * ```ts
 * PRECEDENCE.and < PRECEDENCE.comparison //=> true
 * ```
 */
export const PRECEDENCE = {
  or: 1,
  and: 2,
  not: 3,
  comparison: 4,
  additive: 5,
  multiplicative: 6,
  negate: 7,
  power: 8,
  postfix: 9,
} as const;

/** The binding power of each binary operator (see {@link PRECEDENCE}). */
export const BINARY_PRECEDENCE: Readonly<Record<BinaryOperator, number>> = {
  or: PRECEDENCE.or,
  and: PRECEDENCE.and,
  '=': PRECEDENCE.comparison,
  '==': PRECEDENCE.comparison,
  '!=': PRECEDENCE.comparison,
  '<': PRECEDENCE.comparison,
  '<=': PRECEDENCE.comparison,
  '>': PRECEDENCE.comparison,
  '>=': PRECEDENCE.comparison,
  '+': PRECEDENCE.additive,
  '-': PRECEDENCE.additive,
  '*': PRECEDENCE.multiplicative,
  '/': PRECEDENCE.multiplicative,
  '%': PRECEDENCE.multiplicative,
  '^': PRECEDENCE.power,
};
