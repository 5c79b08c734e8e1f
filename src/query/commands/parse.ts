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
import type { Evaluator } from '../evaluate.js';
import type { BufferLimit, StageFactory } from '../plan.js';
import type { UserRegex } from '../regex.js';
import { compileUserRegex } from '../regex.js';
import { copyRow, defineField, type Row } from '../row.js';
import { valueToResultString } from '../semantics.js';
import type { Value, ValueMap } from '../value.js';

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
