/**
 * User regular expressions, run with linear-time semantics.
 *
 * Every regex that comes from a query (`like /re/`, `=~`, `parse /re/`,
 * `regexReplace`) is compiled here with RE2JS, an RE2 port whose matching time
 * is linear in the input, so no log line can make a query hang. RE2 syntax has
 * no backreferences and no lookaround; those are rejected at compile time.
 *
 * @module
 */
import { RE2JS } from 're2js';

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
export class UserRegexSyntaxError extends Error {
  override readonly name = 'UserRegexSyntaxError';
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`invalid regular expression /${pattern}/: ${reason}`);
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

  return {
    source: pattern,
    groupNames,
    test: (input) => re.test(input),
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
