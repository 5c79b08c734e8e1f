/**
 * The hand-written scanner of the query language.
 *
 * Lexical rules (also in `docs/query-language.md`, "Syntax"):
 * - Whitespace (space, tab, line breaks) separates tokens; `#` outside a
 *   string, regex or backtick name starts a comment to the end of the line.
 * - Strings use `'...'` or `"..."` and may span lines. A backslash escapes
 *   the string's quote, the other quote and itself (`\"`, `\'`, `\\`); any
 *   other backslash is kept as written, so `"\d"` is the two characters `\d`.
 * - Names: letters, digits and `_` (not starting with a digit), optionally
 *   after one or more `@`; dot-separated segments, which may be all digits
 *   (`sourceIPs.0`) or backticked (`` a.`b.c` ``); bracket indexes
 *   `users[1]`. Backticks quote any characters but a line break; inside them
 *   `` \` `` and `\\` are escapes.
 * - Numbers: digits, an optional fraction, an optional exponent (`1e3`). A
 *   number directly followed by a time unit is a period (`5m`, `2hrs`).
 * - `/` is a divide sign or a regex; the parser decides from context and calls
 *   {@link Lexer.rescanRegex}. In a regex, `\/` does not end it, and neither
 *   does `/` inside a character class `[...]`.
 *
 * Lexical errors do not throw: they come back as `Error` tokens that the
 * parser reports when it reaches them.
 *
 * @module
 */
import type { PathSegment } from './ast.js';
import { PERIOD_UNITS, RESERVED_WORDS, type Token, type TokenKind } from './tokens.js';

/** A pull-based scanner over one query text. */
export interface Lexer {
  /** Scans the next token (`Slash` for `/`; `EOF` at the end, repeatedly). */
  next(): Token;
  /** Re-scans a `Slash` token as a regex literal and continues after it. */
  rescanRegex(slash: Token): Token;
  /** Continues scanning at `offset` (used after a look-ahead). */
  reset(offset: number): void;
}

enum Ch {
  Tab = 9,
  LineFeed = 10,
  VTab = 11,
  FormFeed = 12,
  Return = 13,
  Space = 32,
  Bang = 33,
  DoubleQuote = 34,
  Hash = 35,
  Percent = 37,
  SingleQuote = 39,
  LParen = 40,
  RParen = 41,
  Star = 42,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  Lt = 60,
  Eq = 61,
  Gt = 62,
  At = 64,
  UpperA = 65,
  UpperZ = 90,
  LBracket = 91,
  Backslash = 92,
  RBracket = 93,
  Caret = 94,
  Underscore = 95,
  Backtick = 96,
  LowerA = 97,
  LowerE = 101,
  LowerZ = 122,
  Pipe = 124,
  Tilde = 126,
  NoBreakSpace = 160,
  Bom = 0xfeff,
}

const isDigit = (c: number): boolean => c >= Ch.Zero && c <= Ch.Nine;
const isLetter = (c: number): boolean =>
  (c >= Ch.LowerA && c <= Ch.LowerZ) || (c >= Ch.UpperA && c <= Ch.UpperZ);
const isWordChar = (c: number): boolean => isLetter(c) || isDigit(c) || c === Ch.Underscore;
const isNameStart = (c: number): boolean => isLetter(c) || c === Ch.Underscore;
const isSpace = (c: number): boolean =>
  c === Ch.Space ||
  c === Ch.Tab ||
  c === Ch.LineFeed ||
  c === Ch.Return ||
  c === Ch.VTab ||
  c === Ch.FormFeed ||
  c === Ch.NoBreakSpace ||
  c === Ch.Bom;

const SINGLE: ReadonlyMap<number, TokenKind> = new Map<number, TokenKind>([
  [Ch.Pipe, 'Pipe'],
  [Ch.Comma, 'Comma'],
  [Ch.LParen, 'LParen'],
  [Ch.RParen, 'RParen'],
  [Ch.LBracket, 'LBracket'],
  [Ch.RBracket, 'RBracket'],
  [Ch.Dot, 'Dot'],
  [Ch.Colon, 'Colon'],
  [Ch.Plus, 'Plus'],
  [Ch.Minus, 'Minus'],
  [Ch.Star, 'Star'],
  [Ch.Slash, 'Slash'],
  [Ch.Percent, 'Percent'],
  [Ch.Caret, 'Caret'],
]);

/**
 * Creates a scanner over `text`.
 *
 * @example
 * ```ts
 * const lexer = createLexer('limit 5');
 * lexer.next().kind //=> 'Name'
 * lexer.next().number //=> 5
 * ```
 */
export function createLexer(text: string): Lexer {
  const length = text.length;
  let pos = 0;
  const at = (i: number): number => (i < length ? text.charCodeAt(i) : -1);

  const skipTrivia = (): void => {
    while (pos < length) {
      const c = text.charCodeAt(pos);
      if (isSpace(c)) pos++;
      else if (c === Ch.Hash) {
        while (pos < length && text.charCodeAt(pos) !== Ch.LineFeed && text.charCodeAt(pos) !== Ch.Return)
          pos++;
      } else break;
    }
  };

  const error = (
    start: number,
    end: number,
    code: NonNullable<Token['error']>['code'],
    message: string,
  ): Token => ({
    kind: 'Error',
    start,
    end,
    error: { code, message },
  });

  /** Reads a quoted run starting at the opening quote; returns the decoded value or undefined if unterminated. */
  const readQuoted = (quote: number, allowLineBreaks: boolean): string | undefined => {
    let i = pos + 1;
    let value = '';
    let chunk = i;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c === quote) {
        value += text.slice(chunk, i);
        pos = i + 1;
        return value;
      }
      if (!allowLineBreaks && (c === Ch.LineFeed || c === Ch.Return)) break;
      if (c === Ch.Backslash) {
        const n = at(i + 1);
        if (n === quote || n === Ch.Backslash || n === Ch.DoubleQuote || n === Ch.SingleQuote) {
          value += text.slice(chunk, i) + String.fromCharCode(n);
          i += 2;
          chunk = i;
          continue;
        }
      }
      i++;
    }
    pos = i;
    return undefined;
  };

  /** Reads one plain run of word characters. */
  const readWord = (): string => {
    const start = pos;
    while (pos < length && isWordChar(text.charCodeAt(pos))) pos++;
    return text.slice(start, pos);
  };

  const scanName = (start: number): Token => {
    const path: PathSegment[] = [];
    // Head: any number of `@`, then a word or a backticked name.
    while (at(pos) === Ch.At) pos++;
    const ats = text.slice(start, pos);
    let plainHead = ats === '';
    if (at(pos) === Ch.Backtick) {
      const open = pos;
      const value = readQuoted(Ch.Backtick, false);
      if (value === undefined)
        return error(open, pos, 'unterminated_name', 'backtick-quoted name has no closing backtick');
      path.push({ kind: 'name', name: ats + value });
      plainHead = false;
    } else if (isWordChar(at(pos)) && (ats !== '' || isNameStart(at(pos)))) {
      path.push({ kind: 'name', name: ats + readWord() });
    } else {
      pos = Math.max(pos, start + 1);
      return error(start, pos, 'unexpected_character', `unexpected character "${text.slice(start, pos)}"`);
    }
    const headWord = plainHead ? (path[0] as { name: string }).name.toLowerCase() : undefined;
    const canIndex = headWord === undefined || !RESERVED_WORDS.has(headWord);
    // Tail: `.segment` and `[digits]`.
    for (;;) {
      const c = at(pos);
      if (c === Ch.Dot) {
        const n = at(pos + 1);
        if (n === Ch.Backtick) {
          pos++;
          const open = pos;
          const value = readQuoted(Ch.Backtick, false);
          if (value === undefined)
            return error(open, pos, 'unterminated_name', 'backtick-quoted name has no closing backtick');
          path.push({ kind: 'name', name: value });
        } else if (isWordChar(n)) {
          pos++;
          path.push({ kind: 'name', name: readWord() });
        } else break;
      } else if (c === Ch.LBracket && canIndex && isDigit(at(pos + 1))) {
        let i = pos + 1;
        while (isDigit(at(i))) i++;
        if (at(i) !== Ch.RBracket) break;
        path.push({ kind: 'index', index: Number(text.slice(pos + 1, i)) });
        pos = i + 1;
      } else break;
    }
    const token: Token = { kind: 'Name', start, end: pos, path };
    return path.length === 1 && headWord !== undefined ? { ...token, word: headWord } : token;
  };

  const scanNumber = (start: number): Token => {
    while (isDigit(at(pos))) pos++;
    if (at(pos) === Ch.Dot && isDigit(at(pos + 1))) {
      pos++;
      while (isDigit(at(pos))) pos++;
    }
    const c = at(pos);
    let exponent = false;
    if (c === Ch.LowerE || c === Ch.LowerE - 32) {
      const sign = at(pos + 1) === Ch.Plus || at(pos + 1) === Ch.Minus ? 1 : 0;
      if (isDigit(at(pos + 1 + sign))) {
        exponent = true;
        pos += 1 + sign;
        while (isDigit(at(pos))) pos++;
      }
    }
    const numberEnd = pos;
    const amount = Number(text.slice(start, numberEnd));
    if (isLetter(at(pos)) || at(pos) === Ch.Underscore) {
      const unitText = readWord();
      const unit = PERIOD_UNITS.get(unitText.toLowerCase());
      if (unit !== undefined && !exponent) {
        return { kind: 'Period', start, end: pos, number: amount, unit };
      }
      return error(
        start,
        pos,
        'invalid_number',
        `"${text.slice(start, pos)}" is not a number or a time period (units: ms, s, m, h, d, w, mo, q, y)`,
      );
    }
    return { kind: 'Number', start, end: pos, number: amount };
  };

  const scanRegex = (start: number): Token => {
    let i = start + 1;
    let inClass = false;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c === Ch.Backslash) {
        i += 2;
        continue;
      }
      if (inClass) {
        if (c === Ch.RBracket) inClass = false;
      } else if (c === Ch.LBracket) {
        inClass = true;
        // `[]...]` and `[^]...]`: a leading `]` is a literal.
        if (at(i + 1) === Ch.Caret) i++;
        if (at(i + 1) === Ch.RBracket) i++;
      } else if (c === Ch.Slash) {
        pos = i + 1;
        return { kind: 'Regex', start, end: pos, value: text.slice(start + 1, i) };
      }
      i++;
    }
    pos = length;
    return error(start, start + 1, 'unterminated_regex', 'regex has no closing "/"');
  };

  const op = (kind: TokenKind, size: number): Token => {
    const start = pos;
    pos += size;
    return { kind, start, end: pos };
  };

  const next = (): Token => {
    skipTrivia();
    const start = pos;
    if (pos >= length) return { kind: 'EOF', start, end: start };
    const c = text.charCodeAt(pos);
    if (isNameStart(c) || c === Ch.At || c === Ch.Backtick) return scanName(start);
    if (isDigit(c)) return scanNumber(start);
    if (c === Ch.DoubleQuote || c === Ch.SingleQuote) {
      const value = readQuoted(c, true);
      if (value === undefined)
        return error(start, start + 1, 'unterminated_string', 'string has no closing quote');
      return { kind: 'String', start, end: pos, value };
    }
    const two = at(pos + 1);
    switch (c) {
      case Ch.Eq:
        return two === Ch.Eq ? op('EqEq', 2) : two === Ch.Tilde ? op('Match', 2) : op('Eq', 1);
      case Ch.Bang:
        if (two === Ch.Eq) return op('NotEq', 2);
        break;
      case Ch.Lt:
        return two === Ch.Eq ? op('LtEq', 2) : op('Lt', 1);
      case Ch.Gt:
        return two === Ch.Eq ? op('GtEq', 2) : op('Gt', 1);
    }
    const single = SINGLE.get(c);
    if (single !== undefined) return op(single, 1);
    const cp = text.codePointAt(pos) ?? c;
    const size = cp > 0xffff ? 2 : 1;
    pos += size;
    return error(
      start,
      pos,
      'unexpected_character',
      `unexpected character ${JSON.stringify(String.fromCodePoint(cp))}`,
    );
  };

  return {
    next,
    rescanRegex(slash) {
      pos = slash.start;
      return scanRegex(slash.start);
    },
    reset(offset) {
      pos = offset;
    },
  };
}

/** Kinds after which a `/` is a divide sign rather than the start of a regex. */
const VALUE_END: ReadonlySet<TokenKind> = new Set<TokenKind>([
  'Number',
  'Period',
  'String',
  'Regex',
  'RParen',
  'RBracket',
]);

/**
 * Scans a whole query into tokens (ending with `EOF`), deciding regex versus
 * divide the way the parser usually does: `/` after a value (a non-keyword
 * name, a literal, `)` or `]`) divides, anywhere else (and after
 * `parse <field>`) it starts a regex. The
 * parser itself decides from the grammar; this is for tools and tests.
 *
 * @example
 * ```ts
 * tokenize('a / 2').map((t) => t.kind) //=> ['Name', 'Slash', 'Number', 'EOF']
 * tokenize('like /x/').map((t) => t.kind) //=> ['Name', 'Regex', 'EOF']
 * ```
 */
export function tokenize(text: string): Token[] {
  const lexer = createLexer(text);
  const tokens: Token[] = [];
  let prev: Token | undefined;
  let beforePrev: Token | undefined;
  for (;;) {
    let token = lexer.next();
    if (token.kind === 'Slash' && !slashDivides(prev, beforePrev)) token = lexer.rescanRegex(token);
    tokens.push(token);
    if (token.kind === 'EOF') return tokens;
    beforePrev = prev;
    prev = token;
  }
}

/**
 * Tells whether a `/` after `prev` (and `beforePrev`) is a divide sign (see
 * {@link tokenize}). `parse <field> /re/` is the one place where a regex
 * follows a name.
 *
 * @example
 * ```ts
 * slashDivides(tokenize('a')[0]) //=> true
 * ```
 */
export function slashDivides(prev: Token | undefined, beforePrev?: Token): boolean {
  if (prev === undefined) return false;
  if (prev.kind === 'Name') {
    if (beforePrev?.kind === 'Name' && beforePrev.word === 'parse') return false;
    return prev.word === undefined || !RESERVED_WORDS.has(prev.word);
  }
  return VALUE_END.has(prev.kind);
}
