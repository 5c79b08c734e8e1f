/**
 * Output sanitisation: the one place that decides how attacker-controlled log
 * text is made safe for a terminal, a JSON consumer or a spreadsheet.
 *
 * - {@link escapeControl} makes every C0/C1 control character, DEL, the Unicode
 *   line/paragraph separators and the bidirectional overrides visible as
 *   `\xNN` / `\uNNNN` escapes (plus `\n`, `\r`, `\t`, and `\\` for the
 *   backslash itself), so an ANSI escape sequence such as `ESC[2J` prints as
 *   the text `\x1b[2J`.
 * - {@link escapeJsonText} does the same for JSON text that `JSON.stringify`
 *   left unescaped (DEL, C1, U+2028/2029, bidi controls); the result is still
 *   valid JSON with the same value.
 * - {@link csvCell} neutralises spreadsheet formulas and quotes per RFC 4180.
 *
 * @module
 */

const BACKSLASH = 0x5c;

/** Tells whether a code point must never reach a terminal raw. */
function isUnsafeCodePoint(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069) ||
    cp === 0x200e ||
    cp === 0x200f ||
    cp === 0x061c ||
    cp === 0xfeff
  );
}

function hex(cp: number, digits: number): string {
  return cp.toString(16).padStart(digits, '0');
}

function visibleEscape(cp: number): string {
  switch (cp) {
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    default:
      return cp <= 0xff ? `\\x${hex(cp, 2)}` : `\\u${hex(cp, 4)}`;
  }
}

/**
 * Escapes control characters, terminal escape sequences and bidi controls
 * visibly. Backslashes are doubled only when `escapeBackslash` is set, so that
 * the output can be told apart from an input that already contained `\x1b`.
 *
 * @example
 * ```ts
 * escapeControl('\u001b[31mred\u001b[0m') //=> '\\x1b[31mred\\x1b[0m'
 * escapeControl('a\nb') //=> 'a\\nb'
 * ```
 */
export function escapeControl(text: string, escapeBackslash = false): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.charCodeAt(i);
    const isLoneSurrogate =
      (cp >= 0xd800 && cp <= 0xdbff && !isLowSurrogate(text.charCodeAt(i + 1))) ||
      (cp >= 0xdc00 && cp <= 0xdfff && !isHighSurrogate(text.charCodeAt(i - 1)));
    if (isUnsafeCodePoint(cp) || isLoneSurrogate || (escapeBackslash && cp === BACKSLASH)) {
      out += text.slice(start, i) + (cp === BACKSLASH ? '\\\\' : visibleEscape(cp));
      start = i + 1;
    }
  }
  return start === 0 ? text : out + text.slice(start);
}

function isHighSurrogate(cp: number): boolean {
  return cp >= 0xd800 && cp <= 0xdbff;
}

function isLowSurrogate(cp: number): boolean {
  return cp >= 0xdc00 && cp <= 0xdfff;
}

/**
 * Escapes, as JSON `\uNNNN` escapes, the characters that `JSON.stringify`
 * leaves raw but a terminal would interpret (DEL, C1 controls such as the
 * one-byte CSI U+009B, U+2028/2029, bidi controls). The JSON value is unchanged.
 *
 * @example
 * ```ts
 * escapeJsonText(JSON.stringify('\u009b2J')) //=> '"\\u009b2J"'
 * ```
 */
export function escapeJsonText(json: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < json.length; i++) {
    const cp = json.charCodeAt(i);
    if (cp >= 0x7f && isUnsafeCodePoint(cp)) {
      out += json.slice(start, i) + `\\u${hex(cp, 4)}`;
      start = i + 1;
    }
  }
  return start === 0 ? json : out + json.slice(start);
}

/** First characters that make a spreadsheet treat a cell as a formula. */
const FORMULA_STARTS: ReadonlySet<string> = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * Renders one CSV cell: neutralises a leading formula character with a `'`
 * prefix, escapes control characters visibly (a cell never spans lines, so the
 * output is safe on a terminal too), and quotes per RFC 4180 when the cell
 * contains a comma, a double quote, CR or LF.
 *
 * Pass `isText = false` for numbers so that `-5` stays a number.
 *
 * @example
 * ```ts
 * csvCell('=cmd|"/c calc"!A1') //=> `"'=cmd|""/c calc""!A1"`
 * csvCell('a,b') //=> '"a,b"'
 * csvCell('-5', false) //=> '-5'
 * ```
 */
export function csvCell(text: string, isText = true): string {
  const first = text.charAt(0);
  const neutral = isText && FORMULA_STARTS.has(first) ? `'${text}` : text;
  const escaped = escapeControl(neutral);
  return /[",\r\n]/.test(escaped) ? `"${escaped.replaceAll('"', '""')}"` : escaped;
}

/**
 * Cuts a sanitised string to at most `width` code points, ending with `…` when cut.
 *
 * @example
 * ```ts
 * truncateText('kubernetes', 5) //=> 'kube…'
 * ```
 */
export function truncateText(text: string, width: number): string {
  const points = Array.from(text);
  if (points.length <= width) return text;
  if (width <= 0) return '';
  return points.slice(0, width - 1).join('') + '…';
}

/**
 * The display width of a sanitised string, counted in code points.
 *
 * @example
 * ```ts
 * displayWidth('héllo') //=> 5
 * ```
 */
export function displayWidth(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
