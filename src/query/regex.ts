/**
 * User regular expressions, run with linear-time semantics.
 *
 * Every regex that comes from a query (`like /re/`, `=~`, `parse /re/`,
 * `regexReplace`) is compiled here with RE2JS, an RE2 port whose matching time
 * is linear in the input, so no log line can make a query hang. RE2 syntax has
 * no backreferences and no lookaround; those are rejected at compile time.
 * A pattern that is one plain literal (`lit`, `^lit`, `lit$`, `^lit$`) tests
 * with the matching string method instead, which gives the same answer.
 *
 * @module
 */
import { RE2JS } from 're2js';
import { KubetrailError } from '../errors.js';

/** A compiled user regex. All methods are unanchored searches unless stated. */
export interface UserRegex {
  /** The pattern as written in the query, without the slashes. */
  readonly source: string;
  /** Names of the named capture groups, in pattern order. */
  readonly groupNames: readonly string[];
  /** Tells whether the pattern matches anywhere in `input`. */
  test(input: string): boolean;
  /**
   * Finds the first match at or after `from`. Returns the match span, the
   * numbered groups (index 0 is the whole match; `undefined` where a group
   * did not take part) and the named groups.
   */
  exec(input: string, from?: number): UserRegexMatch | null;
  /** Replaces every match; `$1`, `${name}` and `$$` work in `replacement`. */
  replaceAll(input: string, replacement: string): string;
}

/** One match of a {@link UserRegex}. */
export interface UserRegexMatch {
  readonly start: number;
  readonly end: number;
  readonly groups: readonly (string | undefined)[];
  readonly named: Readonly<Record<string, string | undefined>>;
}

/** Thrown by {@link compileUserRegex} for a pattern RE2 cannot compile; `reason` is RE2's message. */
export class UserRegexSyntaxError extends KubetrailError {
  override readonly name = 'UserRegexSyntaxError';
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super('invalid_regex', `invalid regular expression /${pattern}/: ${reason}`);
  }
}

/**
 * Compiles a regex written in a query. A leading `(?i)` (also after `^`) makes
 * it case-insensitive, as the service documents.
 *
 * @throws {UserRegexSyntaxError} when the pattern is not valid RE2 syntax.
 * @example
 * ```ts
 * compileUserRegex('(?i)^kube-apiserver-audit').test('KUBE-apiserver-audit-1') //=> true
 * ```
 */
export function compileUserRegex(pattern: string, options: { caseInsensitive?: boolean } = {}): UserRegex {
  // a compiled regex holds no match state, so one pattern compiles once per thread (detection runs
  // compile the same Falco lists in many queries and in their event gates)
  const key = `${options.caseInsensitive === true ? 'i' : '-'}${pattern}`;
  const known = COMPILED.get(key);
  if (known !== undefined) return known;
  const compiled = compileFresh(pattern, options);
  if (COMPILED.size >= COMPILED_LIMIT) COMPILED.clear();
  COMPILED.set(key, compiled);
  return compiled;
}

/** The most compiled patterns a thread keeps; when full the cache starts over. */
const COMPILED_LIMIT = 1024;
const COMPILED = new Map<string, UserRegex>();

function compileFresh(pattern: string, options: { caseInsensitive?: boolean }): UserRegex {
  let flags = 0; // `.` excludes newline, as in RE2
  let body = pattern;
  // `^(?i)...` is documented; RE2 accepts `(?i)` anywhere but keep the rewrite explicit.
  if (body.startsWith('^(?i)')) body = `(?i)^${body.slice(5)}`;
  if (options.caseInsensitive) flags |= RE2JS.CASE_INSENSITIVE;
  let re: RE2JS;
  try {
    re = RE2JS.compile(body, flags);
  } catch (error) {
    const reason =
      error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    throw new UserRegexSyntaxError(pattern, reason);
  }
  const namedIndex = re.namedGroups() as Record<string, number>;
  const groupNames = Object.keys(namedIndex).sort((a, b) => (namedIndex[a] ?? 0) - (namedIndex[b] ?? 0));
  const groupCount = re.groupCount();

  const exec = (input: string, from = 0): UserRegexMatch | null => {
    const m = re.matcher(input);
    if (!m.find(from)) return null;
    const groups: (string | undefined)[] = [];
    for (let i = 0; i <= groupCount; i++) {
      const g = m.group(i);
      groups.push(g ?? undefined);
    }
    const named: Record<string, string | undefined> = Object.create(null);
    for (const name of groupNames) named[name] = groups[namedIndex[name] ?? 0];
    return { start: m.start(), end: m.end(), groups, named };
  };

  const literal = options.caseInsensitive ? undefined : classifyLiteralRegex(pattern);
  return {
    source: pattern,
    groupNames,
    test: literal === undefined ? (input) => re.test(input) : literalTest(literal),
    exec,
    replaceAll(input, replacement) {
      let out = '';
      let pos = 0;
      let from = 0;
      while (from <= input.length) {
        const m = exec(input, from);
        if (!m) break;
        out += input.slice(pos, m.start) + expandReplacement(replacement, m);
        pos = m.end;
        from = m.end === m.start ? m.end + 1 : m.end;
      }
      return out + input.slice(pos);
    },
  };
}

/**
 * A regex that is one plain literal, optionally anchored, and the string test
 * that matches exactly where RE2 would.
 *
 * @internal
 * @example
 * ```ts
 * const lit: LiteralRegex = { literal: 'kube-apiserver-audit', kind: 'startsWith' }; // from /^kube-apiserver-audit/
 * ```
 */
export interface LiteralRegex {
  /** The text the pattern matches, with escapes resolved; never empty, never holds a surrogate. */
  readonly literal: string;
  /**
   * `includes` for `lit`, `startsWith` for `^lit`, `endsWith` for `lit$`, `equals` for `^lit$`.
   * Without the multi-line flag RE2's `^` is the start of the text and `$` the end of
   * the text only (it does not match before a final `\n`, unlike Perl).
   */
  readonly kind: 'includes' | 'startsWith' | 'endsWith' | 'equals';
}

/** Characters that are special outside a class in RE2 syntax; unescaped, they end the fast path. */
const REGEX_META = '\\.+*?()|[]{}^$';
/** ASCII punctuation: RE2 reads `\` followed by one of these as the character itself. */
const ASCII_PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/**
 * Tells whether a case-sensitive user regex is a plain literal, optionally
 * anchored: `lit`, `^lit`, `lit$` or `^lit$`, where `lit` is a non-empty run of
 * characters that are not regex metacharacters, or escaped ASCII punctuation
 * such as `\.` or `\/`. Returns `undefined` for anything else, including
 * `(?i)`, escapes such as `\d`, `\b`, `\x41`, `\Q…\E` or `\n`, and any pattern
 * holding a surrogate code unit (RE2JS reads UTF-16 by code point, so a
 * surrogate half does not match like a substring). Apply it only when the regex
 * is compiled without the case-insensitive flag.
 *
 * @internal
 * @example
 * ```ts
 * classifyLiteralRegex('^kube-apiserver-audit') //=> { literal: 'kube-apiserver-audit', kind: 'startsWith' }
 * classifyLiteralRegex('\\.yaml$') //=> { literal: '.yaml', kind: 'endsWith' }
 * classifyLiteralRegex('a.b') //=> undefined
 * ```
 */
export function classifyLiteralRegex(pattern: string): LiteralRegex | undefined {
  const start = pattern.startsWith('^') ? 1 : 0;
  let literal = '';
  let anchoredEnd = false;
  for (let i = start; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === '\\') {
      const next = pattern.charAt(i + 1);
      if (next === '' || !ASCII_PUNCTUATION.includes(next)) return undefined;
      literal += next;
      i++;
    } else if (ch === '$' && i === pattern.length - 1) {
      anchoredEnd = true;
    } else if (REGEX_META.includes(ch)) {
      return undefined;
    } else {
      const code = ch.charCodeAt(0);
      if (code >= 0xd800 && code <= 0xdfff) return undefined;
      literal += ch;
    }
  }
  if (literal === '') return undefined;
  const kind = start === 1 ? (anchoredEnd ? 'equals' : 'startsWith') : anchoredEnd ? 'endsWith' : 'includes';
  return { literal, kind };
}

function literalTest({ literal, kind }: LiteralRegex): (input: string) => boolean {
  switch (kind) {
    case 'equals':
      return (input) => input === literal;
    case 'startsWith':
      return (input) => input.startsWith(literal);
    case 'endsWith':
      return (input) => input.endsWith(literal);
    case 'includes':
      return (input) => input.includes(literal);
  }
}

function expandReplacement(template: string, m: UserRegexMatch): string {
  return template.replace(
    /\$(\$|\d+|\{([A-Za-z_][A-Za-z0-9_]*)\})/g,
    (whole, token: string, name?: string) => {
      if (token === '$') return '$';
      if (name !== undefined) return m.named[name] ?? '';
      const index = Number(token);
      return index < m.groups.length ? (m.groups[index] ?? '') : whole;
    },
  );
}
