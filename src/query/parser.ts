/**
 * The recursive-descent parser: query text to {@link QueryAst}.
 *
 * One function per command; expressions by precedence climbing over the
 * single table in `tokens.ts`. Errors are collected: after an error the
 * parser skips to the next top-level `|` and goes on, so `checkQuery` can
 * report every broken stage at once.
 *
 * @module
 */
import type {
  BinaryOperator,
  CallExpr,
  Command,
  Expr,
  FieldRef,
  Identifier,
  Item,
  ListLit,
  NumberLit,
  ParseMode,
  PathSegment,
  QueryAst,
  RegexLit,
  SortKey,
  SourceArgument,
  SourceSelector,
  Span,
  StringLit,
} from './ast.js';
import { didYouMean, QueryError, type QueryErrorCode } from './errors.js';
import { createLexer, type Lexer, slashDivides } from './lexer.js';
import { createSourceText, type SourceText } from './source-text.js';
import {
  BINARY_PRECEDENCE,
  PRECEDENCE,
  RESERVED_WORDS,
  TOKEN_DESCRIPTIONS,
  type Token,
  type TokenKind,
} from './tokens.js';

/**
 * How deep expressions may nest, counting parentheses, calls, prefix
 * operators and the length of operator chains. Keeps every recursive walk
 * of the tree (printing, compiling, evaluating) far from the stack limit.
 */
export const MAX_EXPRESSION_DEPTH = 500;

/** The command names, as documented, for "did you mean" hints. */
export const COMMAND_NAMES: readonly string[] = [
  'fields',
  'display',
  'filter',
  'where',
  'stats',
  'sort',
  'limit',
  'head',
  'tail',
  'parse',
  'json',
  'dedup',
  'unnest',
  'filterIndex',
  'unmask',
  'pattern',
  'diff',
  'anomaly',
  'SOURCE',
];

/** Commands of the newest language revision that kubetrail does not implement. */
const NEWEST_COMMANDS: ReadonlySet<string> = new Set([
  'addtotals',
  'relevantfields',
  'expand',
  'lookup',
  'join',
  'autoregress',
  'logcompare',
  'filldown',
  'fillmissing',
  'cidrlookup',
  'outlier',
  'accum',
  'appendcols',
  'sessionize',
  'countfrequent',
]);

const DIFF_BASELINES: ReadonlyMap<string, 'previousDay' | 'previousWeek' | 'previousMonth'> = new Map([
  ['previousday', 'previousDay'],
  ['previousweek', 'previousWeek'],
  ['previousmonth', 'previousMonth'],
] as const);

/** The result of {@link parseQueryWithDiagnostics}. */
export interface ParseResult {
  /** The tree, when there were no errors. */
  readonly ast: QueryAst | undefined;
  /** Every syntax error found, in source order of discovery. */
  readonly errors: readonly QueryError[];
  readonly source: SourceText;
}

/**
 * Parses a query, throwing the first syntax error.
 *
 * @throws {QueryError} with a code such as `unexpected_token` or `unknown_command`.
 * @example
 * ```ts
 * parseQuery('fields @timestamp | limit 5').commands.map((c) => c.kind)
 * //=> ['FieldsCommand', 'LimitCommand']
 * ```
 */
export function parseQuery(text: string): QueryAst {
  const result = parseQueryWithDiagnostics(text);
  const first = result.errors[0];
  if (first !== undefined || result.ast === undefined) throw first;
  return result.ast;
}

/**
 * Parses a query and returns the tree or every syntax error; never throws
 * for any input string.
 *
 * @example
 * ```ts
 * parseQueryWithDiagnostics('fitler x | limit').errors.map((e) => e.code)
 * //=> ['unknown_command', 'expected_integer']
 * ```
 */
export function parseQueryWithDiagnostics(text: string): ParseResult {
  const p = createState(String(text));
  const commands: Command[] = [];
  advance(p);
  if (p.tok.kind === 'EOF') {
    p.errors.push(
      new QueryError({
        code: 'empty_query',
        message: 'the query is empty',
        phase: 'parse',
        span: { start: p.tok.start, end: p.tok.start },
        source: p.source,
      }),
    );
  } else {
    for (let stage = 0; ; stage++) {
      try {
        commands.push(parseStage(p, stage));
        if (kindOf(p) !== 'Pipe' && kindOf(p) !== 'EOF')
          fail(p, 'unexpected_token', expected(p, '"|" or end of query'));
      } catch (error) {
        if (!(error instanceof QueryError)) throw error;
        p.errors.push(error);
        p.depth = 0;
        recover(p);
      }
      if (kindOf(p) === 'EOF') break;
      advance(p); // the pipe
    }
  }
  const ast: QueryAst | undefined =
    p.errors.length === 0 ? { kind: 'Query', commands, span: { start: 0, end: p.text.length } } : undefined;
  return { ast, errors: p.errors, source: p.source };
}

// ---------------------------------------------------------------------------
// State and token helpers

interface State {
  readonly text: string;
  readonly source: SourceText;
  readonly lexer: Lexer;
  tok: Token;
  peeked: Token | undefined;
  prevEnd: number;
  depth: number;
  readonly errors: QueryError[];
}

function createState(text: string): State {
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

function advance(p: State): void {
  p.prevEnd = p.tok.end;
  if (p.peeked) {
    p.tok = p.peeked;
    p.peeked = undefined;
  } else {
    p.tok = p.lexer.next();
  }
}

/** The current token's kind, read through a call so that narrowing does not outlive `advance`. */
function kindOf(p: State): TokenKind {
  return p.tok.kind;
}

function peek(p: State): Token {
  p.peeked ??= p.lexer.next();
  return p.peeked;
}

/** Re-reads the current `/` as a regex literal. */
function rescanRegex(p: State): Token {
  p.peeked = undefined;
  p.tok = p.lexer.rescanRegex(p.tok);
  return p.tok;
}

function isWord(tok: Token, word: string): boolean {
  return tok.kind === 'Name' && tok.word === word;
}

function span(p: State, start: number): Span {
  return { start, end: Math.max(start, p.prevEnd) };
}

function fail(p: State, code: QueryErrorCode, message: string, at?: Span, hints?: readonly string[]): never {
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

function describe(p: State, tok: Token): string {
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

function quoteSnippet(text: string): string {
  const short = text.length > 30 ? `${text.slice(0, 27)}...` : text;
  return short.startsWith('"') || short.startsWith("'") ? short : `"${short}"`;
}

function expected(p: State, what: string): string {
  return `expected ${what}, found ${describe(p, p.tok)}`;
}

function expectKind(p: State, kind: Token['kind'], what: string): Token {
  const tok = p.tok;
  if (tok.kind !== kind) fail(p, 'unexpected_token', expected(p, what));
  advance(p);
  return tok;
}

function expectWord(p: State, word: string): void {
  if (!isWord(p.tok, word)) fail(p, 'unexpected_token', expected(p, `"${word}"`));
  advance(p);
}

/** Skips to the next `|` (or the end), reading regexes where a value is expected. */
function recover(p: State): void {
  let prev: Token | undefined;
  while (p.tok.kind !== 'Pipe' && p.tok.kind !== 'EOF') {
    if (p.tok.kind === 'Slash' && !slashDivides(prev)) rescanRegex(p);
    prev = p.tok;
    advance(p);
  }
}

function enter(p: State, start: number): void {
  p.depth++;
  if (p.depth > MAX_EXPRESSION_DEPTH) {
    fail(p, 'nesting_too_deep', `the expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels`, {
      start,
      end: Math.max(start + 1, p.tok.end),
    });
  }
}

// ---------------------------------------------------------------------------
// Commands

function parseStage(p: State, stage: number): Command {
  const tok = p.tok;
  const start = tok.start;
  if (tok.kind === 'Pipe' || tok.kind === 'EOF') {
    fail(p, 'expected_command', `expected a command, found ${describe(p, tok)}`);
  }
  if (tok.kind !== 'Name' || tok.word === undefined) {
    fail(p, 'expected_command', `expected a command name, found ${describe(p, tok)}`);
  }
  const written = p.text.slice(tok.start, tok.end);
  switch (tok.word) {
    case 'fields':
      advance(p);
      return { kind: 'FieldsCommand', items: parseItems(p), span: span(p, start) };
    case 'display':
      advance(p);
      return { kind: 'DisplayCommand', items: parseItems(p), span: span(p, start) };
    case 'filter':
    case 'where':
      advance(p);
      return { kind: 'FilterCommand', expr: parseExpr(p), span: span(p, start) };
    case 'stats':
      return parseStats(p, start);
    case 'sort':
      return parseSort(p, start);
    case 'limit':
    case 'head':
    case 'tail':
      return parseLimit(p, start, tok.word as 'limit' | 'head' | 'tail');
    case 'parse':
      return parseParse(p, start);
    case 'json':
      return parseJson(p, start);
    case 'dedup': {
      advance(p);
      const fields = [parseFieldName(p, 'a field name after dedup')];
      while (p.tok.kind === 'Comma') {
        advance(p);
        fields.push(parseFieldName(p, 'a field name'));
      }
      return { kind: 'DedupCommand', fields, span: span(p, start) };
    }
    case 'unnest': {
      advance(p);
      const expr = parseExpr(p);
      expectWord(p, 'into');
      const into = parseIdentifier(p, 'a name after "into"');
      return { kind: 'UnnestCommand', expr, into, span: span(p, start) };
    }
    case 'filterindex':
      return parseFilterIndex(p, start);
    case 'unmask': {
      advance(p);
      if (p.tok.kind === 'Pipe' || p.tok.kind === 'EOF')
        return { kind: 'UnmaskCommand', span: span(p, start) };
      return { kind: 'UnmaskCommand', expr: parseExpr(p), span: span(p, start) };
    }
    case 'pattern':
      advance(p);
      return { kind: 'PatternCommand', expr: parseExpr(p), span: span(p, start) };
    case 'diff': {
      advance(p);
      if (p.tok.kind === 'Pipe' || p.tok.kind === 'EOF') return { kind: 'DiffCommand', span: span(p, start) };
      const baseline =
        p.tok.kind === 'Name' && p.tok.word !== undefined ? DIFF_BASELINES.get(p.tok.word) : undefined;
      if (baseline === undefined)
        fail(p, 'unexpected_token', expected(p, 'previousDay, previousWeek or previousMonth'));
      advance(p);
      return { kind: 'DiffCommand', baseline, span: span(p, start) };
    }
    case 'anomaly':
      advance(p);
      return { kind: 'AnomalyCommand', span: span(p, start) };
    case 'source':
      if (stage !== 0) {
        fail(p, 'misplaced_source', 'SOURCE can only be the first command of a query', {
          start: tok.start,
          end: tok.end,
        });
      }
      return parseSource(p, start);
    default:
      break;
  }
  const at = { start: tok.start, end: tok.end };
  if (NEWEST_COMMANDS.has(tok.word)) {
    fail(
      p,
      'unsupported_command',
      `"${written}" is a command of the newest language revision that kubetrail does not support`,
      at,
    );
  }
  const suggestions = didYouMean(written, COMMAND_NAMES);
  fail(
    p,
    'unknown_command',
    `unknown command "${written}"`,
    at,
    suggestions.length > 0 ? [`did you mean ${suggestions.join(' or ')}?`] : [],
  );
}

function parseItems(p: State): Item[] {
  const items = [parseItem(p)];
  while (p.tok.kind === 'Comma') {
    advance(p);
    items.push(parseItem(p));
  }
  return items;
}

function parseItem(p: State): Item {
  const start = p.tok.start;
  const expr = parseExpr(p);
  if (isWord(p.tok, 'as')) {
    advance(p);
    const alias = parseIdentifier(p, 'a name after "as"');
    return { kind: 'Item', expr, alias, span: span(p, start) };
  }
  return { kind: 'Item', expr, span: span(p, start) };
}

function parseStats(p: State, start: number): Command {
  advance(p);
  const items = parseItems(p);
  let groups: Item[] = [];
  if (isWord(p.tok, 'by')) {
    advance(p);
    groups = parseItems(p);
  }
  return { kind: 'StatsCommand', items, groups, span: span(p, start) };
}

function parseSort(p: State, start: number): Command {
  advance(p);
  if (isWord(p.tok, 'by')) advance(p);
  const keys: SortKey[] = [];
  do {
    if (keys.length > 0) advance(p); // the comma
    const keyStart = p.tok.start;
    const expr = parseExpr(p);
    if (isWord(p.tok, 'asc') || isWord(p.tok, 'desc')) {
      const direction = p.tok.word as 'asc' | 'desc';
      advance(p);
      keys.push({ kind: 'SortKey', expr, direction, span: span(p, keyStart) });
    } else {
      keys.push({ kind: 'SortKey', expr, span: span(p, keyStart) });
    }
  } while (p.tok.kind === 'Comma');
  return { kind: 'SortCommand', keys, span: span(p, start) };
}

function parseLimit(p: State, start: number, keyword: 'limit' | 'head' | 'tail'): Command {
  advance(p);
  let any = false;
  if (isWord(p.tok, 'any') && peek(p).kind === 'Number') {
    any = true;
    advance(p);
  }
  const tok = p.tok;
  const text = p.text.slice(tok.start, tok.end);
  if (tok.kind !== 'Number' || !/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    fail(p, 'expected_integer', expected(p, `a whole number after ${keyword}`));
  }
  advance(p);
  return { kind: 'LimitCommand', count: Number(text), any, keyword, span: span(p, start) };
}

function parseParse(p: State, start: number): Command {
  advance(p);
  let field: FieldRef | undefined;
  const tok = p.tok;
  const modeWord = tok.kind === 'Name' && (tok.word === 'logfmt' || tok.word === 'csv');
  if (tok.kind !== 'String' && tok.kind !== 'Slash' && !(modeWord && isWord(peek(p), 'as'))) {
    if (tok.kind !== 'Name' || (tok.word !== undefined && RESERVED_WORDS.has(tok.word))) {
      fail(p, 'unexpected_token', expected(p, 'a field, a "glob" string or a /regex/ after parse'));
    }
    field = parseFieldName(p, 'a field');
  }
  const mode = parseParseMode(p);
  return field
    ? { kind: 'ParseCommand', field, mode, span: span(p, start) }
    : { kind: 'ParseCommand', mode, span: span(p, start) };
}

function parseParseMode(p: State): ParseMode {
  const tok = p.tok;
  const start = tok.start;
  if (tok.kind === 'String') {
    const pattern = tok.value ?? '';
    advance(p);
    expectWord(p, 'as');
    const names = parseIdentifiers(p);
    let stars = 0;
    for (const ch of pattern) if (ch === '*') stars++;
    if (stars !== names.length) {
      fail(
        p,
        'parse_name_mismatch',
        `the pattern has ${stars} "*" wildcard${stars === 1 ? '' : 's'} but ${names.length} name${names.length === 1 ? '' : 's'} follow "as"`,
        { start, end: p.prevEnd },
      );
    }
    return { kind: 'ParseGlob', pattern, names, span: span(p, start) };
  }
  if (tok.kind === 'Slash') {
    const regex = parseRegexLiteral(p);
    let names: Identifier[] = [];
    if (isWord(p.tok, 'as')) {
      advance(p);
      names = parseIdentifiers(p);
    }
    const multi = isWord(p.tok, 'multi');
    if (multi) advance(p);
    return { kind: 'ParseRegex', regex, names, multi, span: span(p, start) };
  }
  if (isWord(tok, 'logfmt')) {
    advance(p);
    expectWord(p, 'as');
    return { kind: 'ParseLogfmt', name: parseIdentifier(p, 'a name after "as"'), span: span(p, start) };
  }
  if (isWord(tok, 'csv')) {
    advance(p);
    expectWord(p, 'as');
    return { kind: 'ParseCsv', names: parseIdentifiers(p), span: span(p, start) };
  }
  return fail(p, 'unexpected_token', expected(p, 'a "glob" string, a /regex/, logfmt or csv'));
}

function parseJson(p: State, start: number): Command {
  advance(p);
  expectWord(p, 'field');
  expectKind(p, 'Eq', '"=" after "field"');
  const field = parseFieldName(p, 'a field name after "field="');
  const tok = expectKind(p, 'String', 'a quoted key path');
  expectWord(p, 'as');
  const alias = parseIdentifier(p, 'a name after "as"');
  return { kind: 'JsonCommand', field, path: tok.value ?? '', alias, span: span(p, start) };
}

function parseFilterIndex(p: State, start: number): Command {
  advance(p);
  const field = parseFieldName(p, 'a field name after filterIndex');
  if (p.tok.kind === 'Eq' || p.tok.kind === 'EqEq') {
    advance(p);
    const value = parseBinary(p, PRECEDENCE.additive);
    return { kind: 'FilterIndexCommand', field, operator: '=', values: [value], span: span(p, start) };
  }
  if (isWord(p.tok, 'in')) {
    advance(p);
    if (p.tok.kind !== 'LBracket') fail(p, 'unexpected_token', expected(p, 'a list [...] after "in"'));
    const list = parseList(p);
    return { kind: 'FilterIndexCommand', field, operator: 'in', values: list.items, span: span(p, start) };
  }
  return fail(p, 'unexpected_token', expected(p, '"=" or "in"'));
}

function parseSource(p: State, start: number): Command {
  advance(p);
  const selectors: SourceSelector[] = [];
  for (;;) {
    if (p.tok.kind === 'String') {
      selectors.push(stringLit(p));
    } else if (isWord(p.tok, 'loggroups')) {
      const selStart = p.tok.start;
      advance(p);
      expectKind(p, 'LParen', '"(" after logGroups');
      const args: SourceArgument[] = [];
      while (p.tok.kind !== 'RParen') {
        if (args.length > 0) expectKind(p, 'Comma', '"," or ")"');
        const argStart = p.tok.start;
        if (p.tok.kind !== 'Name' || p.tok.word === undefined)
          fail(p, 'expected_name', expected(p, 'an argument name'));
        const name = p.text.slice(p.tok.start, p.tok.end);
        advance(p);
        expectKind(p, 'Colon', '":" after the argument name');
        expectKind(p, 'LBracket', '"["');
        const values: StringLit[] = [];
        while (kindOf(p) !== 'RBracket') {
          if (values.length > 0) expectKind(p, 'Comma', '"," or "]"');
          if (kindOf(p) !== 'String') fail(p, 'unexpected_token', expected(p, 'a quoted string'));
          values.push(stringLit(p));
        }
        advance(p);
        args.push({ kind: 'SourceArgument', name, values, span: span(p, argStart) });
      }
      advance(p);
      selectors.push({ kind: 'LogGroupsSelector', args, span: span(p, selStart) });
    } else break;
  }
  if (selectors.length === 0)
    fail(p, 'unexpected_token', expected(p, 'logGroups(...) or a quoted log group name'));
  let cmd: Command = { kind: 'SourceCommand', selectors, span: span(p, start) };
  for (const bound of ['start', 'end'] as const) {
    if (!isWord(p.tok, bound)) continue;
    advance(p);
    expectKind(p, 'Eq', `"=" after ${bound.toUpperCase()}`);
    const tok = p.tok;
    if (tok.kind !== 'Number' && tok.kind !== 'String') {
      fail(p, 'unexpected_token', expected(p, `a number or a string after ${bound.toUpperCase()}=`));
    }
    let value: NumberLit | StringLit;
    if (tok.kind === 'String') value = stringLit(p);
    else {
      advance(p);
      value = {
        kind: 'NumberLit',
        value: tok.number ?? 0,
        text: p.text.slice(tok.start, tok.end),
        span: { start: tok.start, end: tok.end },
      };
    }
    cmd = { ...cmd, [bound]: value, span: span(p, start) };
  }
  return cmd;
}

// ---------------------------------------------------------------------------
// Names

function parseIdentifiers(p: State): Identifier[] {
  const names = [parseIdentifier(p, 'a name after "as"')];
  while (p.tok.kind === 'Comma') {
    advance(p);
    names.push(parseIdentifier(p, 'a name'));
  }
  return names;
}

function parseIdentifier(p: State, what: string): Identifier {
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

function parseFieldName(p: State, what: string): FieldRef {
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

function fieldRef(p: State, tok: Token): FieldRef {
  return {
    kind: 'FieldRef',
    path: tok.path ?? [],
    text: p.text.slice(tok.start, tok.end),
    span: { start: tok.start, end: tok.end },
  };
}

// ---------------------------------------------------------------------------
// Expressions

interface Infix {
  readonly prec: number;
  readonly form: 'binary' | 'like' | 'in' | 'match';
  readonly op?: BinaryOperator;
  readonly negated?: boolean;
  readonly right?: boolean;
}

const SYMBOL_OPERATORS: Partial<Record<Token['kind'], BinaryOperator>> = {
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

function infixAt(p: State): Infix | undefined {
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

function parseExpr(p: State): Expr {
  return parseBinary(p, PRECEDENCE.or);
}

function parseBinary(p: State, minPrec: number): Expr {
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

function parseComparison(p: State, subject: Expr, infix: Infix, start: number): Expr {
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
      if (p.tok.kind !== 'LBracket') fail(p, 'unexpected_token', expected(p, 'a list [...] after in'));
      const list = parseList(p);
      return { kind: 'InExpr', subject, list, negated: infix.negated === true, span: span(p, start) };
    }
  }
}

function parsePrefix(p: State, minPrec: number): Expr {
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

function parsePostfix(p: State): Expr {
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

function parsePrimary(p: State): Expr {
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

function parseCall(p: State): CallExpr {
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

function parseList(p: State): ListLit {
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

function stringLit(p: State): StringLit {
  const tok = p.tok;
  advance(p);
  return { kind: 'StringLit', value: tok.value ?? '', span: { start: tok.start, end: tok.end } };
}

function parseRegexLiteral(p: State): RegexLit {
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
