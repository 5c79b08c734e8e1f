/**
 * One parser per command.
 *
 * Internal to the parser; the public entry points are in `parser.ts`.
 *
 * @module
 */
import type {
  Command,
  FieldRef,
  Identifier,
  Item,
  NumberLit,
  ParseMode,
  SortKey,
  SourceArgument,
  SourceSelector,
  StringLit,
} from '../ast.js';
import { didYouMean } from '../errors.js';
import { PRECEDENCE, RESERVED_WORDS } from '../tokens.js';
import { parseBinary, parseExpr, parseList, parseRegexLiteral } from './expression.js';
import {
  advance,
  describe,
  expected,
  expectKind,
  expectWord,
  fail,
  isWord,
  kindOf,
  parseFieldName,
  parseIdentifier,
  parseIdentifiers,
  peek,
  type State,
  span,
  stringLit,
} from './state.js';

/**
 * The command names, as documented, for "did you mean" hints.
 *
 * @example
 * ```ts
 * COMMAND_NAMES.includes('filterIndex') //=> true
 * ```
 */
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
// ---------------------------------------------------------------------------
// Commands

export function parseStage(p: State, stage: number): Command {
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

export function parseItems(p: State): Item[] {
  const items = [parseItem(p)];
  while (p.tok.kind === 'Comma') {
    advance(p);
    items.push(parseItem(p));
  }
  return items;
}

export function parseItem(p: State): Item {
  const start = p.tok.start;
  const expr = parseExpr(p);
  if (isWord(p.tok, 'as')) {
    advance(p);
    const alias = parseIdentifier(p, 'a name after "as"');
    return { kind: 'Item', expr, alias, span: span(p, start) };
  }
  return { kind: 'Item', expr, span: span(p, start) };
}

export function parseStats(p: State, start: number): Command {
  advance(p);
  const items = parseItems(p);
  let groups: Item[] = [];
  if (isWord(p.tok, 'by')) {
    advance(p);
    groups = [parseGroupItem(p)];
    while (p.tok.kind === 'Comma') {
      advance(p);
      groups.push(parseGroupItem(p));
    }
  }
  return { kind: 'StatsCommand', items, groups, span: span(p, start) };
}

/**
 * A stats group item; `bin(5m) offset 1h` (the time-series page's shifted
 * bins) becomes the call `bin(5m, 1h)`, spanning the text as written so the
 * column is named `bin(5m) offset 1h`.
 */
function parseGroupItem(p: State): Item {
  const start = p.tok.start;
  let expr = parseExpr(p);
  if (
    expr.kind === 'CallExpr' &&
    expr.name.toLowerCase() === 'bin' &&
    expr.args.length === 1 &&
    isWord(p.tok, 'offset')
  ) {
    advance(p);
    const offset = parseExpr(p);
    if (offset.kind !== 'PeriodLit') {
      fail(p, 'expected_period', 'expected a duration such as 1h after offset', offset.span);
    }
    expr = { ...expr, args: [...expr.args, offset], span: { start: expr.span.start, end: offset.span.end } };
  }
  if (isWord(p.tok, 'as')) {
    advance(p);
    const alias = parseIdentifier(p, 'a name after "as"');
    return { kind: 'Item', expr, alias, span: span(p, start) };
  }
  return { kind: 'Item', expr, span: span(p, start) };
}

export function parseSort(p: State, start: number): Command {
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

/** The largest `limit N` (the Limit page: "a limit value of up to 100,000"). */
export const MAX_LIMIT = 100_000;

export function parseLimit(p: State, start: number, keyword: 'limit' | 'head' | 'tail'): Command {
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
  if (Number(text) > MAX_LIMIT) {
    fail(
      p,
      'limit_too_large',
      `${keyword} can be at most ${MAX_LIMIT.toLocaleString('en-US')} (the Limit page's maximum), not ${text}`,
      undefined,
      ['aggregate with stats, or narrow the time range, for more rows than that'],
    );
  }
  advance(p);
  return { kind: 'LimitCommand', count: Number(text), any, keyword, span: span(p, start) };
}

export function parseParse(p: State, start: number): Command {
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

export function parseParseMode(p: State): ParseMode {
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

export function parseJson(p: State, start: number): Command {
  advance(p);
  expectWord(p, 'field');
  expectKind(p, 'Eq', '"=" after "field"');
  const field = parseFieldName(p, 'a field name after "field="');
  const tok = expectKind(p, 'String', 'a quoted key path');
  expectWord(p, 'as');
  const alias = parseIdentifier(p, 'a name after "as"');
  return { kind: 'JsonCommand', field, path: tok.value ?? '', alias, span: span(p, start) };
}

export function parseFilterIndex(p: State, start: number): Command {
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

export function parseSource(p: State, start: number): Command {
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
