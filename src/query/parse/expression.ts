/**
 * Expressions, by precedence climbing over the table in `tokens.ts`.
 *
 * Internal to the parser; the public entry points are in `parser.ts`.
 *
 * @module
 */
import type { BinaryOperator, CallExpr, Expr, ListLit, PathSegment, RegexLit, StringLit } from '../ast.js';
import { BINARY_PRECEDENCE, PRECEDENCE, RESERVED_WORDS, type Token } from '../tokens.js';
import { parseSubquery } from './side-commands.js';
import {
  advance,
  describe,
  enter,
  expected,
  expectKind,
  fail,
  fieldRef,
  isWord,
  peek,
  rescanRegex,
  type State,
  span,
  stringLit,
} from './state.js';

// ---------------------------------------------------------------------------
// Expressions

export interface Infix {
  readonly prec: number;
  readonly form: 'binary' | 'like' | 'in' | 'match';
  readonly op?: BinaryOperator;
  readonly negated?: boolean;
  readonly right?: boolean;
}

export const SYMBOL_OPERATORS: Partial<Record<Token['kind'], BinaryOperator>> = {
  Eq: '=',
  EqEq: '==',
  NotEq: '!=',
  Lt: '<',
  LtEq: '<=',
  Gt: '>',
  GtEq: '>=',
  Plus: '+',
  Minus: '-',
  Star: '*',
  Slash: '/',
  Percent: '%',
  Caret: '^',
};

export function infixAt(p: State): Infix | undefined {
  const tok = p.tok;
  const symbol = SYMBOL_OPERATORS[tok.kind];
  if (symbol !== undefined)
    return { prec: BINARY_PRECEDENCE[symbol], form: 'binary', op: symbol, right: symbol === '^' };
  if (tok.kind === 'Match') return { prec: PRECEDENCE.comparison, form: 'match' };
  if (tok.kind !== 'Name') return undefined;
  switch (tok.word) {
    case 'or':
      return { prec: PRECEDENCE.or, form: 'binary', op: 'or' };
    case 'and':
      return { prec: PRECEDENCE.and, form: 'binary', op: 'and' };
    case 'like':
      return { prec: PRECEDENCE.comparison, form: 'like', negated: false };
    case 'in':
      return { prec: PRECEDENCE.comparison, form: 'in', negated: false };
    case 'not': {
      const next = peek(p);
      if (isWord(next, 'like')) return { prec: PRECEDENCE.comparison, form: 'like', negated: true };
      if (isWord(next, 'in')) return { prec: PRECEDENCE.comparison, form: 'in', negated: true };
      return undefined;
    }
    default:
      return undefined;
  }
}

export function parseExpr(p: State): Expr {
  return parseBinary(p, PRECEDENCE.or);
}

export function parseBinary(p: State, minPrec: number): Expr {
  const start = p.tok.start;
  const savedDepth = p.depth;
  enter(p, start);
  let left = parsePrefix(p, minPrec);
  for (;;) {
    const infix = infixAt(p);
    if (infix === undefined || infix.prec < minPrec) break;
    enter(p, start);
    if (infix.prec === PRECEDENCE.comparison) {
      left = parseComparison(p, left, infix, start);
      const again = infixAt(p);
      if (again !== undefined && again.prec === PRECEDENCE.comparison) {
        fail(p, 'chained_comparison', 'comparisons cannot be chained', undefined, [
          'add parentheses, or join the comparisons with "and"',
        ]);
      }
      continue;
    }
    advance(p);
    const op = infix.op as BinaryOperator;
    const right = parseBinary(p, infix.right ? infix.prec : infix.prec + 1);
    left = { kind: 'BinaryExpr', op, left, right, span: span(p, start) };
  }
  p.depth = savedDepth;
  return left;
}

export function parseComparison(p: State, subject: Expr, infix: Infix, start: number): Expr {
  switch (infix.form) {
    case 'binary': {
      advance(p);
      const right = parseBinary(p, PRECEDENCE.comparison + 1);
      return {
        kind: 'BinaryExpr',
        op: infix.op as BinaryOperator,
        left: subject,
        right,
        span: span(p, start),
      };
    }
    case 'like': {
      if (infix.negated) advance(p);
      advance(p);
      let pattern: StringLit | RegexLit;
      if (p.tok.kind === 'String') pattern = stringLit(p);
      else if (p.tok.kind === 'Slash') pattern = parseRegexLiteral(p);
      else return fail(p, 'unexpected_token', expected(p, 'a "string" or a /regex/ after like'));
      return { kind: 'LikeExpr', subject, pattern, negated: infix.negated === true, span: span(p, start) };
    }
    case 'match': {
      advance(p);
      if (p.tok.kind !== 'Slash') fail(p, 'unexpected_token', expected(p, 'a /regex/ after =~'));
      const pattern = parseRegexLiteral(p);
      return { kind: 'RegexMatchExpr', subject, pattern, span: span(p, start) };
    }
    case 'in': {
      if (infix.negated) advance(p);
      advance(p);
      if (p.tok.kind === 'LParen') {
        const query = parseSubquery(p, 'the subquery after in');
        return {
          kind: 'InSubqueryExpr',
          subject,
          query,
          negated: infix.negated === true,
          span: span(p, start),
        };
      }
      if (p.tok.kind !== 'LBracket')
        fail(p, 'unexpected_token', expected(p, 'a list [...] or a (subquery) after in'));
      const list = parseList(p);
      return { kind: 'InExpr', subject, list, negated: infix.negated === true, span: span(p, start) };
    }
  }
}

export function parsePrefix(p: State, minPrec: number): Expr {
  const tok = p.tok;
  if (isWord(tok, 'not')) {
    if (minPrec > PRECEDENCE.not) {
      fail(p, 'expected_expression', `expected an expression, found keyword "not"`, undefined, [
        'put the "not" expression in parentheses',
      ]);
    }
    advance(p);
    const operand = parseBinary(p, PRECEDENCE.not);
    return { kind: 'UnaryExpr', op: 'not', operand, span: span(p, tok.start) };
  }
  if (tok.kind === 'Minus') {
    advance(p);
    const operand = parseBinary(p, PRECEDENCE.negate);
    return { kind: 'UnaryExpr', op: '-', operand, span: span(p, tok.start) };
  }
  return parsePostfix(p);
}

export function parsePostfix(p: State): Expr {
  const start = p.tok.start;
  const parenthesised = p.tok.kind === 'LParen';
  const expr = parsePrimary(p);
  if (!parenthesised && expr.kind !== 'CallExpr') return expr;
  const path: PathSegment[] = [];
  for (;;) {
    if (p.tok.start !== p.prevEnd) break;
    if (p.tok.kind === 'Dot') {
      advance(p);
      const tok = p.tok;
      const text = p.text.slice(tok.start, tok.end);
      if (tok.start !== p.prevEnd) fail(p, 'expected_name', expected(p, 'a field name right after "."'));
      if (tok.kind === 'Name' && tok.path !== undefined) path.push(...tok.path);
      else if ((tok.kind === 'Number' || tok.kind === 'Period') && /^[0-9]+(\.[A-Za-z0-9_]+)?$/.test(text)) {
        // `f(x).0.1` and `f(x).0.5m` scan as one number or period: split them back into segments.
        for (const part of text.split('.')) path.push({ kind: 'name', name: part });
      } else fail(p, 'expected_name', expected(p, 'a field name after "."'));
      advance(p);
    } else if (p.tok.kind === 'LBracket') {
      advance(p);
      const tok = p.tok;
      const text = p.text.slice(tok.start, tok.end);
      if (tok.kind !== 'Number' || !/^[0-9]+$/.test(text))
        fail(p, 'expected_integer', expected(p, 'an index'));
      advance(p);
      expectKind(p, 'RBracket', '"]"');
      path.push({ kind: 'index', index: Number(text) });
    } else break;
  }
  if (path.length === 0) return expr;
  return { kind: 'AccessExpr', object: expr, path, span: span(p, start) };
}

export function parsePrimary(p: State): Expr {
  const tok = p.tok;
  const at = { start: tok.start, end: tok.end };
  switch (tok.kind) {
    case 'Number':
      advance(p);
      return { kind: 'NumberLit', value: tok.number ?? 0, text: p.text.slice(tok.start, tok.end), span: at };
    case 'Period':
      advance(p);
      return {
        kind: 'PeriodLit',
        amount: tok.number ?? 0,
        unit: tok.unit ?? 'ms',
        text: p.text.slice(tok.start, tok.end),
        span: at,
      };
    case 'String':
      return stringLit(p);
    case 'Slash':
      return parseRegexLiteral(p);
    case 'LBracket':
      return parseList(p);
    case 'LParen': {
      advance(p);
      const inner = parseExpr(p);
      expectKind(p, 'RParen', '")"');
      return inner;
    }
    case 'Name': {
      if (tok.word !== undefined) {
        if (tok.word === 'true' || tok.word === 'false') {
          advance(p);
          return { kind: 'BoolLit', value: tok.word === 'true', span: at };
        }
        if (RESERVED_WORDS.has(tok.word)) {
          return fail(p, 'expected_expression', `expected an expression, found ${describe(p, tok)}`);
        }
        if (peek(p).kind === 'LParen') return parseCall(p);
      }
      advance(p);
      return fieldRef(p, tok);
    }
    default:
      return fail(p, 'expected_expression', `expected an expression, found ${describe(p, tok)}`);
  }
}

export function parseCall(p: State): CallExpr {
  const nameTok = p.tok;
  const name = p.text.slice(nameTok.start, nameTok.end);
  advance(p);
  advance(p); // (
  if (p.tok.kind === 'Star') {
    advance(p);
    expectKind(p, 'RParen', '")" after "*"');
    return { kind: 'CallExpr', name, args: [], star: true, span: span(p, nameTok.start) };
  }
  const args: Expr[] = [];
  if (p.tok.kind !== 'RParen') {
    args.push(parseExpr(p));
    while (p.tok.kind === 'Comma') {
      advance(p);
      args.push(parseExpr(p));
    }
  }
  expectKind(p, 'RParen', args.length === 0 ? 'an argument or ")"' : '"," or ")"');
  return { kind: 'CallExpr', name, args, star: false, span: span(p, nameTok.start) };
}

export function parseList(p: State): ListLit {
  const start = p.tok.start;
  advance(p); // [
  const items: Expr[] = [];
  if (p.tok.kind !== 'RBracket') {
    items.push(parseExpr(p));
    while (p.tok.kind === 'Comma') {
      advance(p);
      items.push(parseExpr(p));
    }
  }
  expectKind(p, 'RBracket', items.length === 0 ? 'a value or "]"' : '"," or "]"');
  return { kind: 'ListLit', items, span: span(p, start) };
}

export function parseRegexLiteral(p: State): RegexLit {
  const tok = rescanRegex(p);
  if (tok.kind !== 'Regex') return fail(p, 'unterminated_regex', 'regex has no closing "/"');
  advance(p);
  const pattern = tok.value ?? '';
  if (p.tok.kind === 'Name' && p.tok.start === tok.end) {
    fail(p, 'unexpected_token', `unexpected ${describe(p, p.tok)} after a regex`, undefined, [
      'regex flags are not supported; write (?i) at the start of the pattern for case-insensitive matching',
    ]);
  }
  return {
    kind: 'RegexLit',
    pattern,
    caseInsensitive: pattern.startsWith('(?i)') || pattern.startsWith('^(?i)'),
    span: { start: tok.start, end: tok.end },
  };
}
