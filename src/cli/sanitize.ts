/**
 * Output sanitisation: the one place that decides how attacker-controlled log
 * text is made safe for a terminal, a JSON consumer or a spreadsheet.
 *
 * - {@link escapeControl} makes every C0/C1 control character, DEL, the Unicode
 *   line/paragraph separators, the bidirectional overrides and the invisible
 *   characters (format characters, fillers, tag characters) visible as
 *   `\xNN` / `\uNNNN` / `\u{NNNNN}` escapes (plus `\n`, `\r`, `\t`, and `\\` for
 *   the backslash itself), so an ANSI escape sequence such as `ESC[2J` prints
 *   as the text `\x1b[2J` and `ad\u200bmin` cannot pass for `admin`.
 * - {@link escapeJsonText} does the same for JSON text that `JSON.stringify`
 *   left unescaped (DEL, C1, U+2028/2029, bidi controls); the result is still
 *   valid JSON with the same value.
 * - {@link csvCell} neutralises spreadsheet formulas and quotes per RFC 4180.
 *
 * @module
 */

const BACKSLASH = 0x5c;

/**
 * Code points that render as nothing (or re-order what follows) and so let
 * data spoof other text (`ad\u200bmin` looks like `admin`): the Unicode
 * format characters (general category Cf: soft hyphen, zero-width
 * space/joiners, word joiner and the invisible operators, bidi marks and
 * overrides, BOM, tag characters U+E0000–U+E007F, …), the Hangul fillers
 * U+115F/U+1160/U+3164/U+FFA0, U+034F, U+17B4/U+17B5, and U+2800.
 */
const INVISIBLE = /[\p{Cf}\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0]|\u034f/u;
/** Anything {@link escapeControl} may change: controls, separators, invisibles, surrogates, the backslash. */
const NEEDS_WORK =
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0\ud800-\udfff\\]|\u034f/u;

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

/** Tells whether a code point is invisible (see {@link INVISIBLE}). */
function isInvisibleCodePoint(cp: number): boolean {
  return cp >= 0xad && INVISIBLE.test(String.fromCodePoint(cp));
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
      return cp <= 0xff ? `\\x${hex(cp, 2)}` : cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\u{${hex(cp, 5)}}`;
  }
}

/**
 * Escapes control characters, terminal escape sequences, bidi controls and
 * invisible characters (zero-width, fillers, tag characters: see
 * {@link INVISIBLE}) visibly, as `\xNN`, `\uNNNN` or `\u{NNNNN}`. With
 * `escapeBackslash` (what tables, CSV and histograms use) a backslash in the
 * data is doubled, so the text `\x1b[31m` prints as `\\x1b[31m` and cannot be
 * taken for a neutralised escape.
 *
 * @example
 * ```ts
 * escapeControl('\u001b[31mred\u001b[0m') //=> '\\x1b[31mred\\x1b[0m'
 * escapeControl('a\nb') //=> 'a\\nb'
 * escapeControl('ad\u200bmin') //=> 'ad\\u200bmin'
 * escapeControl('\\x1b', true) //=> '\\\\x1b'
 * ```
 */
export function escapeControl(text: string, escapeBackslash = false): string {
  if (!NEEDS_WORK.test(text)) return text;
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    let cp = unit;
    let width = 1;
    if (isHighSurrogate(unit) && isLowSurrogate(text.charCodeAt(i + 1))) {
      cp = text.codePointAt(i) as number;
      width = 2;
    }
    const isLoneSurrogate = width === 1 && unit >= 0xd800 && unit <= 0xdfff;
    if (
      isUnsafeCodePoint(cp) ||
      isLoneSurrogate ||
      isInvisibleCodePoint(cp) ||
      (escapeBackslash && cp === BACKSLASH)
    ) {
      out += text.slice(start, i) + (cp === BACKSLASH ? '\\\\' : visibleEscape(cp));
      start = i + width;
    }
    i += width - 1;
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
 * one-byte CSI U+009B, U+2028/2029, bidi controls), and with `invisible` also
 * the invisible characters {@link escapeControl} escapes (zero-width, fillers,
 * tag characters, as surrogate-pair escapes). The JSON value is unchanged.
 *
 * @example
 * ```ts
 * escapeJsonText(JSON.stringify('\u009b2J')) //=> '"\\u009b2J"'
 * escapeJsonText(JSON.stringify('ad\u200bmin'), true) //=> '"ad\\u200bmin"'
 * ```
 */
export function escapeJsonText(json: string, invisible = false): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < json.length; i++) {
    const cp = json.charCodeAt(i);
    if (cp < 0x7f) continue;
    let mustEscape = isUnsafeCodePoint(cp);
    let width = 1;
    if (!mustEscape && invisible) {
      if (isHighSurrogate(cp) && isLowSurrogate(json.charCodeAt(i + 1))) {
        mustEscape = isInvisibleCodePoint(json.codePointAt(i) as number);
        width = 2;
      } else {
        mustEscape = isInvisibleCodePoint(cp);
      }
    }
    if (mustEscape) {
      let text = '';
      for (let k = 0; k < width; k++) text += `\\u${hex(json.charCodeAt(i + k), 4)}`;
      out += json.slice(start, i) + text;
      start = i + width;
    }
    i += width - 1;
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
  const escaped = escapeControl(neutral, true);
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
