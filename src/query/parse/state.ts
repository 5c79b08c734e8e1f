/**
 * Parser state and token helpers shared by the command and expression parsers.
 *
 * Internal to the parser; the public entry points are in `parser.ts`.
 *
 * @module
 */
import type { FieldRef, Identifier, Span, StringLit } from '../ast.js';
import { QueryError, type QueryErrorCode } from '../errors.js';
import { createLexer, type Lexer, slashDivides } from '../lexer.js';
import { createSourceText, type SourceText } from '../source-text.js';
import { RESERVED_WORDS, TOKEN_DESCRIPTIONS, type Token, type TokenKind } from '../tokens.js';

/**
 * How deep expressions may nest, counting parentheses, calls, prefix
 * operators and the length of operator chains. Keeps every recursive walk
 * of the tree (printing, compiling, evaluating) far from the stack limit.
 *
 * @example
 * ```ts
 * parseQuery(`filter ${'('.repeat(600)}a`) // throws QueryError nesting_too_deep
 * ```
 */
export const MAX_EXPRESSION_DEPTH = 500;

// ---------------------------------------------------------------------------
// State and token helpers

export interface State {
  readonly text: string;
  readonly source: SourceText;
  readonly lexer: Lexer;
  tok: Token;
  peeked: Token | undefined;
  prevEnd: number;
  depth: number;
  readonly errors: QueryError[];
}

export function createState(text: string): State {
  return {
    text,
    source: createSourceText(text),
    lexer: createLexer(text),
    tok: { kind: 'EOF', start: 0, end: 0 },
    peeked: undefined,
    prevEnd: 0,
    depth: 0,
    errors: [],
  };
}

export function advance(p: State): void {
  p.prevEnd = p.tok.end;
  if (p.peeked) {
    p.tok = p.peeked;
    p.peeked = undefined;
  } else {
    p.tok = p.lexer.next();
  }
}

/** The current token's kind, read through a call so that narrowing does not outlive `advance`. */
export function kindOf(p: State): TokenKind {
  return p.tok.kind;
}

export function peek(p: State): Token {
  p.peeked ??= p.lexer.next();
  return p.peeked;
}

/** Re-reads the current `/` as a regex literal. */
export function rescanRegex(p: State): Token {
  p.peeked = undefined;
  p.tok = p.lexer.rescanRegex(p.tok);
  return p.tok;
}

/**
 * Whether the current token ends a stage: `|`, the end of the query, or the
 * `)` that closes the inner query of a join or subquery.
 *
 * @internal
 */
export function atStageEnd(p: State): boolean {
  return p.tok.kind === 'Pipe' || p.tok.kind === 'EOF' || p.tok.kind === 'RParen';
}

export function isWord(tok: Token, word: string): boolean {
  return tok.kind === 'Name' && tok.word === word;
}

export function span(p: State, start: number): Span {
  return { start, end: Math.max(start, p.prevEnd) };
}

export function fail(
  p: State,
  code: QueryErrorCode,
  message: string,
  at?: Span,
  hints?: readonly string[],
): never {
  const tok = p.tok;
  if (at === undefined && tok.kind === 'Error' && tok.error) {
    throw new QueryError({
      code: tok.error.code,
      message: tok.error.message,
      phase: 'lex',
      span: { start: tok.start, end: tok.end },
      source: p.source,
    });
  }
  throw new QueryError({
    code,
    message,
    phase: 'parse',
    span: at ?? { start: tok.start, end: tok.end },
    source: p.source,
    ...(hints ? { hints } : {}),
  });
}

export function describe(p: State, tok: Token): string {
  switch (tok.kind) {
    case 'Name':
      return tok.word !== undefined && RESERVED_WORDS.has(tok.word)
        ? `keyword "${p.text.slice(tok.start, tok.end)}"`
        : `name ${quoteSnippet(p.text.slice(tok.start, tok.end))}`;
    case 'Number':
    case 'Period':
      return `${TOKEN_DESCRIPTIONS[tok.kind].replace(/^an? /, '')} ${p.text.slice(tok.start, tok.end)}`;
    case 'String':
      return `string ${quoteSnippet(p.text.slice(tok.start, tok.end))}`;
    case 'Regex':
      return `regex ${quoteSnippet(p.text.slice(tok.start, tok.end))}`;
    default:
      return TOKEN_DESCRIPTIONS[tok.kind];
  }
}

export function quoteSnippet(text: string): string {
  const short = text.length > 30 ? `${text.slice(0, 27)}...` : text;
  return short.startsWith('"') || short.startsWith("'") ? short : `"${short}"`;
}

export function expected(p: State, what: string): string {
  return `expected ${what}, found ${describe(p, p.tok)}`;
}

export function expectKind(p: State, kind: Token['kind'], what: string): Token {
  const tok = p.tok;
  if (tok.kind !== kind) fail(p, 'unexpected_token', expected(p, what));
  advance(p);
  return tok;
}

export function expectWord(p: State, word: string): void {
  if (!isWord(p.tok, word)) fail(p, 'unexpected_token', expected(p, `"${word}"`));
  advance(p);
}

/** Skips to the next `|` (or the end), reading regexes where a value is expected. */
export function recover(p: State): void {
  let prev: Token | undefined;
  let beforePrev: Token | undefined;
  while (p.tok.kind !== 'Pipe' && p.tok.kind !== 'EOF') {
    if (p.tok.kind === 'Slash' && !slashDivides(prev, beforePrev)) rescanRegex(p);
    beforePrev = prev;
    prev = p.tok;
    advance(p);
  }
}

export function enter(p: State, start: number): void {
  p.depth++;
  if (p.depth > MAX_EXPRESSION_DEPTH) {
    fail(p, 'nesting_too_deep', `the expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels`, {
      start,
      end: Math.max(start + 1, p.tok.end),
    });
  }
}

// ---------------------------------------------------------------------------
// Names

export function parseIdentifiers(p: State): Identifier[] {
  const names = [parseIdentifier(p, 'a name after "as"')];
  while (p.tok.kind === 'Comma') {
    advance(p);
    names.push(parseIdentifier(p, 'a name'));
  }
  return names;
}

export function parseIdentifier(p: State, what: string): Identifier {
  const tok = p.tok;
  if (tok.kind !== 'Name' || tok.path === undefined) return fail(p, 'expected_name', expected(p, what));
  if (tok.word !== undefined && RESERVED_WORDS.has(tok.word)) {
    fail(p, 'expected_name', expected(p, what), undefined, [
      `quote the name with backticks to use a keyword: \`${p.text.slice(tok.start, tok.end)}\``,
    ]);
  }
  let name = '';
  for (const segment of tok.path) {
    if (segment.kind === 'index')
      fail(p, 'expected_name', `a name cannot have an index: ${expected(p, what)}`);
    else name = name === '' ? segment.name : `${name}.${segment.name}`;
  }
  advance(p);
  return { kind: 'Identifier', name, span: { start: tok.start, end: tok.end } };
}

export function parseFieldName(p: State, what: string): FieldRef {
  const tok = p.tok;
  if (
    tok.kind !== 'Name' ||
    tok.path === undefined ||
    (tok.word !== undefined && RESERVED_WORDS.has(tok.word))
  ) {
    return fail(p, 'expected_name', expected(p, what));
  }
  advance(p);
  return fieldRef(p, tok);
}

export function fieldRef(p: State, tok: Token): FieldRef {
  return {
    kind: 'FieldRef',
    path: tok.path ?? [],
    text: p.text.slice(tok.start, tok.end),
    span: { start: tok.start, end: tok.end },
  };
}

export function stringLit(p: State): StringLit {
  const tok = p.tok;
  advance(p);
  return { kind: 'StringLit', value: tok.value ?? '', span: { start: tok.start, end: tok.end } };
}
