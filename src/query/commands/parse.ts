/**
 * `parse`: extracts fields from a text field (`@message` by default).
 *
 * - glob (`parse @message "[*] *" as level, text`): an unanchored search;
 *   literal text matches itself, each `*` matches any text (newlines too),
 *   as little as possible, except a `*` at the very end, which takes the rest;
 * - regex (`parse @message /(?<user>\S+)/`): named groups become fields; with
 *   `as a, b` the capture groups fill the names in order; `multi` gives one
 *   row per match;
 * - `logfmt as m`: a map of `key=value` pairs (read with `m.key`);
 * - `csv as a, b, c`: comma-separated values, double quotes as in RFC 4180.
 *
 * Parse never drops a row: a row that does not match keeps flowing with the
 * names set to missing. Streams; `multi` making more than `maxBufferedRows`
 * rows from one row is a `resource_limit` error.
 *
 * @module
 */
import {
  assertNever,
  type Expr,
  type FieldRef,
  type Identifier,
  type ParseCommand,
  type ParseMode,
} from '../ast.js';
import { compileError, compileExpr, compileRegexLit, type Evaluator } from '../evaluate.js';
import { parseRegexLiteral } from '../parse/expression.js';
import {
  advance,
  expected,
  expectWord,
  fail,
  isWord,
  parseFieldName,
  parseIdentifier,
  parseIdentifiers,
  peek,
  type State,
  span,
} from '../parse/state.js';
import type { BufferLimit, StageFactory } from '../plan.js';
import { printName, printNames, printString } from '../print-expression.js';
import type { UserRegex } from '../regex.js';
import { compileUserRegex } from '../regex.js';
import { copyRow, defineField, type Row } from '../row.js';
import { type CompileState, checkAvailable, defineNames, scopeOf } from '../scope.js';
import { valueToResultString } from '../semantics/format.js';
import { RESERVED_WORDS } from '../tokens.js';
import type { Value, ValueMap } from '../value.js';
import type { CommandSpec } from './spec.js';

/** What a parse mode extracts from one text: one row's worth of fields per match. */
export type Extractor = (text: string) => readonly (readonly [string, Value][])[];

const REGEX_META = new Set(['\\', '.', '+', '*', '?', '(', ')', '|', '[', ']', '{', '}', '^', '$']);

/**
 * Translates a parse glob into RE2 syntax: literal parts escaped, every `*`
 * lazy `(.*?)` except a `*` that ends the pattern, which is greedy `(.*)`
 * (it takes the rest of the text); `(?s)` so wildcards span lines.
 *
 * @example
 * ```ts
 * globToRegex('[*] *') //=> '(?s)\\[(.*?)\\] (.*)'
 * ```
 */
export function globToRegex(glob: string): string {
  const parts = glob.split('*');
  let out = '(?s)';
  parts.forEach((part, i) => {
    for (const ch of part) out += REGEX_META.has(ch) ? `\\${ch}` : ch;
    if (i < parts.length - 1) out += i === parts.length - 2 && parts[i + 1] === '' ? '(.*)' : '(.*?)';
  });
  return out;
}

/** Counts the `*` wildcards of a glob. @internal */
export function globWildcards(glob: string): number {
  return glob.split('*').length - 1;
}

/**
 * An extractor for a glob with the given names.
 *
 * @internal
 */
export function globExtractor(glob: string, names: readonly string[]): Extractor {
  if (!SURROGATE.test(glob)) return globSearchExtractor(glob, names);
  const re = compileUserRegex(globToRegex(glob));
  return groupsExtractor(re, names, false);
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * The glob extractor without a regex: the same matches as {@link globToRegex}'s
 * regex, found with `indexOf`. The leftmost match starts at the first
 * occurrence of the first literal part (a later start sees a suffix of the
 * text, so it cannot match where the first cannot); from there each lazy `*`
 * ends at the first occurrence of the next part (the rest can match after a
 * later occurrence only if it can after the first), and a final `*` takes the
 * rest. Globs with surrogate code units keep the regex (it reads code points).
 *
 * @internal
 */
export function globSearchExtractor(glob: string, names: readonly string[]): Extractor {
  const parts = glob.split('*');
  const first = parts[0] as string;
  const stars = parts.length - 1;
  const greedyLast = stars > 0 && parts[stars] === '';
  return (text) => {
    let pos = text.indexOf(first);
    if (pos < 0) return [];
    pos += first.length;
    const captures: string[] = [];
    for (let i = 1; i <= stars; i++) {
      if (i === stars && greedyLast) {
        captures.push(text.slice(pos));
        pos = text.length;
        break;
      }
      const part = parts[i] as string;
      const at = text.indexOf(part, pos);
      if (at < 0) return [];
      captures.push(text.slice(pos, at));
      pos = at + part.length;
    }
    return [names.map((n, i) => [n, captures[i]] as [string, Value])];
  };
}

/**
 * An extractor for a regex: capture groups fill `names` in order when given,
 * else the named groups fill fields of their names.
 *
 * @internal
 */
export function groupsExtractor(re: UserRegex, names: readonly string[], multi: boolean): Extractor {
  const byName = names.length === 0;
  const fieldsOf = (
    groups: readonly (string | undefined)[],
    named: Readonly<Record<string, string | undefined>>,
  ) =>
    byName
      ? re.groupNames.map((n) => [n, named[n]] as [string, Value])
      : names.map((n, i) => [n, groups[i + 1]] as [string, Value]);
  return (text) => {
    if (!multi) {
      const m = re.exec(text);
      return m === null ? [] : [fieldsOf(m.groups, m.named)];
    }
    const out: [string, Value][][] = [];
    let from = 0;
    while (from <= text.length) {
      const m = re.exec(text, from);
      if (m === null) break;
      out.push(fieldsOf(m.groups, m.named));
      from = m.end === m.start ? m.end + 1 : m.end;
    }
    return out;
  };
}

/**
 * Parses logfmt (`a=1 b="x y" flag`) into a null-prototype map of strings;
 * a bare key maps to `"true"`.
 *
 * @example
 * ```ts
 * parseLogfmt('level=info msg="hi there"') //=> { level: 'info', msg: 'hi there' }
 * ```
 */
export function parseLogfmt(text: string): ValueMap {
  const out: Record<string, Value> = Object.create(null);
  let i = 0;
  const n = text.length;
  const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
  while (i < n) {
    while (i < n && isSpace(text[i])) i++;
    if (i >= n) break;
    let key = '';
    while (i < n && !isSpace(text[i]) && text[i] !== '=') key += text[i++];
    if (text[i] !== '=') {
      if (key !== '') out[key] = 'true';
      continue;
    }
    i++; // '='
    let value = '';
    if (text[i] === '"') {
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < n) {
          const e = text[i + 1] as string;
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          i += 2;
        } else {
          value += text[i++];
        }
      }
      i++; // closing quote
    } else {
      while (i < n && !isSpace(text[i])) value += text[i++];
    }
    if (key !== '') out[key] = value;
  }
  return out;
}

/**
 * Splits one CSV record (RFC 4180 quoting; the record is the whole text).
 *
 * @example
 * ```ts
 * parseCsvLine('a,"b,c",""""') //=> ['a', 'b,c', '"']
 * ```
 */
export function parseCsvLine(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= n) break;
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      while (i < n && text[i] !== ',') field += text[i++];
    } else {
      while (i < n && text[i] !== ',') field += text[i++];
    }
    out.push(field);
    if (i >= n) break;
    i++; // ','
  }
  return out;
}

/** @internal */
export function logfmtExtractor(name: string): Extractor {
  return (text) => [[[name, parseLogfmt(text)]]];
}

/** @internal */
export function csvExtractor(names: readonly string[]): Extractor {
  return (text) => {
    const values = parseCsvLine(text.replace(/\r?\n$/, ''));
    return [names.map((n, i) => [n, values[i]] as [string, Value])];
  };
}

function textOf(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return valueToResultString(v);
  return undefined;
}

/**
 * The `parse` stage.
 *
 * @internal
 */
export function parseStage(
  source: Evaluator,
  names: readonly string[],
  extract: Extractor,
  limit: BufferLimit,
): StageFactory {
  const clear = (row: Row) => {
    for (const name of names) defineField(row, name, undefined);
  };
  return (next, state) => ({
    push(row) {
      const text = textOf(source(row, state.ctx));
      const matches = text === undefined ? [] : extract(text);
      if (matches.length === 0) {
        clear(row);
        return next.push(row);
      }
      if (matches.length === 1) {
        clear(row);
        for (const [name, value] of matches[0] ?? []) defineField(row, name, value);
        return next.push(row);
      }
      if (matches.length > limit.max) limit.exceeded();
      for (const match of matches) {
        const copy = copyRow(row);
        clear(copy);
        for (const [name, value] of match) defineField(copy, name, value);
        if (!next.push(copy)) return false;
      }
      return true;
    },
    end() {
      next.end();
    },
  });
}

function parseParse(p: State, start: number): ParseCommand {
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

function printParse(c: ParseCommand): string {
  const field = c.field ? ` ${c.field.text}` : '';
  const mode = c.mode;
  switch (mode.kind) {
    case 'ParseGlob':
      return `parse${field} ${printString(mode.pattern)} as ${printNames(mode.names)}`;
    case 'ParseRegex':
      return `parse${field} /${mode.regex.pattern}/${mode.names.length > 0 ? ` as ${printNames(mode.names)}` : ''}${mode.multi ? ' multi' : ''}`;
    case 'ParseLogfmt':
      return `parse${field} logfmt as ${printName(mode.name.name)}`;
    case 'ParseCsv':
      return `parse${field} csv as ${printNames(mode.names)}`;
    default:
      return assertNever(mode);
  }
}

function parseNames(c: ParseCommand): string[] {
  switch (c.mode.kind) {
    case 'ParseGlob':
    case 'ParseCsv':
      return c.mode.names.map((n) => n.name);
    case 'ParseRegex':
      return c.mode.names.length > 0 ? c.mode.names.map((n) => n.name) : groupNamesOf(c.mode.regex.pattern);
    case 'ParseLogfmt':
      return [c.mode.name.name];
    default:
      return assertNever(c.mode);
  }
}

/**
 * Named groups of a pattern, by a simple scan: a superset of the groups RE2
 * finds at compile (a `(?<name>` inside a character class counts too), so
 * the planner never misses a name the command defines.
 */
function groupNamesOf(pattern: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 3 < pattern.length; i++) {
    if (pattern[i] === '\\') {
      i++;
      continue;
    }
    if (pattern.startsWith('(?<', i) || pattern.startsWith('(?P<', i)) {
      const start = pattern.indexOf('<', i) + 1;
      const end = pattern.indexOf('>', start);
      if (end > start && pattern[start] !== '=' && pattern[start] !== '!')
        out.push(pattern.slice(start, end));
    }
  }
  return out;
}

function compileParse(c: ParseCommand, state: CompileState): StageFactory {
  const scope = scopeOf(state);
  const sourceRef: Expr =
    c.field ??
    ({
      kind: 'FieldRef',
      path: [{ kind: 'name', name: '@message' }],
      text: '@message',
      span: c.span,
    } as FieldRef);
  checkAvailable(sourceRef, state, 'parse');
  const source = compileExpr(sourceRef, scope);
  const mode = c.mode;
  let names: string[];
  let extract: Extractor;
  switch (mode.kind) {
    case 'ParseGlob': {
      names = mode.names.map((n) => n.name);
      const stars = globWildcards(mode.pattern);
      if (stars !== names.length) {
        compileError(
          'parse_name_mismatch',
          `the pattern has ${stars} * wildcard${stars === 1 ? '' : 's'} but ${names.length} name${names.length === 1 ? '' : 's'} after as`,
          mode.span,
          scope,
        );
      }
      extract = globExtractor(mode.pattern, names);
      break;
    }
    case 'ParseRegex': {
      const re = compileRegexLit(mode.regex, scope);
      names = mode.names.map((n) => n.name);
      if (names.length === 0 && re.groupNames.length === 0) {
        compileError(
          'parse_name_mismatch',
          'a parse regex needs named groups (?<name>…) or names after as',
          mode.regex.span,
          scope,
        );
      }
      const groupCount = countGroups(mode.regex.pattern);
      if (names.length > 0 && names.length > groupCount) {
        compileError(
          'parse_name_mismatch',
          `the regex has ${groupCount} capture group${groupCount === 1 ? '' : 's'} but ${names.length} names after as`,
          mode.span,
          scope,
        );
      }
      extract = groupsExtractor(re, names, mode.multi);
      if (names.length === 0) names = [...re.groupNames];
      break;
    }
    case 'ParseLogfmt':
      names = [mode.name.name];
      extract = logfmtExtractor(mode.name.name);
      break;
    case 'ParseCsv':
      names = mode.names.map((n) => n.name);
      extract = csvExtractor(names);
      break;
    default:
      return mode satisfies never;
  }
  defineNames(state, names);
  const limit = state.bound('parse … multi', 'rows from one row', c.span, [
    'use a regex that matches fewer times per line',
  ]);
  return parseStage(source, names, extract, limit);
}

/** Counts capture groups of a pattern by a simple scan (escapes and classes skipped). */
function countGroups(pattern: string): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === '(') {
      if (pattern[i + 1] !== '?') n++;
      else if (pattern[i + 2] === '<' || pattern[i + 2] === 'P') n++;
    }
  }
  return n;
}

/**
 * The `parse` command.
 *
 * @example
 * ```ts
 * parseCommand.defines(parseQuery('parse /(?<user>\\S+)/').commands[0], undefined) //=> ['user']
 * ```
 * @internal
 */
export const parseCommand: CommandSpec<ParseCommand> = {
  kind: 'ParseCommand',
  keywords: ['parse'],
  parse: parseParse,
  print: printParse,
  defines: parseNames,
  hoist: 'unless-defined',
  barrier: false,
  order: () => undefined,
  // `parse … multi` makes a row per match; every other mode one row per row.
  oneToOne: (c) => c.mode.kind !== 'ParseRegex' || !c.mode.multi,
  split: 'per-row',
  compile(c, { state, emit }) {
    emit(compileParse(c, state));
  },
};
