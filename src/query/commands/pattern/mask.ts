/**
 * The first step of `pattern`: turns one text into its masked token list.
 *
 * The text is split on whitespace (runs of ASCII or Unicode spaces count as
 * one separator). Before the split, timestamps are found as whole spans, so
 * `2023-01-01 19:00:01` is one `Time` token, as in the service's newer output.
 * Inside each whitespace token, runs of the characters `A-Z a-z 0-9 . _ - :`
 * are classified, and a run of a known kind is replaced by a placeholder:
 *
 * | kind | what is masked |
 * |---|---|
 * | `Time` | ISO 8601 / RFC 3339 dates with or without a time (`T` or one space between), `yyyy/mm/dd hh:mm:ss`, syslog `Jan  7 12:00:00`, access-log `07/Dec/2026:10:00:00 +0000`, klog `I1207 12:00:00.123456` (the level letter stays), `hh:mm:ss[.fff]`, epoch seconds (10 digits) or milliseconds (13 digits) between 2001 and 2039 |
 * | `IPAddress` | IPv4 (optionally `:port`, the port kept as a `Number`), IPv6 |
 * | `ID` | UUIDs; runs of 8 or more characters with at least two digits and either a letter or a separator (`i-0abc123def`, `12342342k124-12345`, `324892398123-12345`, pod names with hashes) |
 * | `Number` | integers, decimals, exponents, `0x` hex; a number with a unit of one to three letters (`327ms`) keeps the unit |
 *
 * A run that is not of a known kind is split at `:` and the parts are
 * classified again (`port:443`, ARNs). Leading `.:_` and trailing `.:_-` are
 * kept as literal text (`10.0.0.1.` is an address and a dot).
 *
 * Every matcher is a hand-written scan that looks at each character a
 * bounded number of times, so no input can make masking slow.
 *
 * A message that starts with `{` or `[` is also split after each `,`, `{`
 * and `[` (see {@link GLUE}), so that the fields of a JSON message are tokens.
 *
 * Internally a placeholder is the character U+0000 followed by the kind's
 * letter (see {@link PLACEHOLDER}); a U+0000 in the text becomes U+FFFD.
 *
 * @module
 */

/** The kinds of dynamic token that masking infers. */
export type MaskKind = 'Time' | 'IPAddress' | 'ID' | 'Number';

/** The marker that starts a placeholder inside a masked token. @internal */
export const MARK = '\u0000';

/**
 * The placeholder of each kind inside a masked token (`MARK` + a letter).
 *
 * @example
 * ```ts
 * maskText('took 5 ms'); // ['took', PLACEHOLDER.Number, 'ms']
 * ```
 */
export const PLACEHOLDER: Readonly<Record<MaskKind, string>> = {
  Time: `${MARK}T`,
  IPAddress: `${MARK}I`,
  ID: `${MARK}D`,
  Number: `${MARK}N`,
};

/**
 * Marks a token that follows the one before it without a space: a message
 * that starts with `{` or `[` (JSON) is also split after each `,`, `{` and
 * `[`, so that its fields become tokens, and the parts are glued back when a
 * template is written.
 *
 * @internal
 */
export const GLUE = `${MARK}g`;

/** The kind a placeholder letter stands for. @internal */
export const KIND_OF_LETTER: Readonly<Record<string, MaskKind>> = {
  T: 'Time',
  I: 'IPAddress',
  D: 'ID',
  N: 'Number',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isAlnum(c: number): boolean {
  return isDigit(c) || isAsciiLetter(c);
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/**
 * Whether a UTF-16 code unit separates tokens: ASCII whitespace and the
 * Unicode space separators.
 *
 * @internal
 */
export function isSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Number of digits at `i` (at most `max`). */
function digitsAt(s: string, i: number, max = Number.POSITIVE_INFINITY): number {
  let n = 0;
  while (n < max && i + n < s.length && isDigit(s.charCodeAt(i + n))) n++;
  return n;
}

/** Matches exactly `n` digits at `i`; returns the end or -1. */
function exactDigits(s: string, i: number, n: number): number {
  return digitsAt(s, i, n + 1) === n ? i + n : -1;
}

/** `hh:mm[:ss[(.|,)fff]]` at `i` (seconds required when `needSeconds`); end or -1. */
function clockAt(s: string, i: number, needSeconds: boolean): number {
  let j = exactDigits(s, i, 2);
  if (j < 0 || s[j] !== ':') return -1;
  j = exactDigits(s, j + 1, 2);
  if (j < 0) return -1;
  if (s[j] === ':' && digitsAt(s, j + 1, 3) === 2) {
    j += 3;
    if ((s[j] === '.' || s[j] === ',') && isDigit(s.charCodeAt(j + 1))) j += 1 + digitsAt(s, j + 1);
  } else if (needSeconds) return -1;
  return j;
}

/** A zone suffix after a clock: `Z`, ` +0000`-free forms `+hh:mm`, `+hhmm`, `+hh`; end (or `i`). */
function zoneAt(s: string, i: number): number {
  if (s[i] === 'Z') return i + 1;
  if (s[i] === '+' || s[i] === '-') {
    let j = exactDigits(s, i + 1, 2);
    if (j < 0) return i;
    if (s[j] === ':') {
      const k = exactDigits(s, j + 1, 2);
      return k < 0 ? i : k;
    }
    if (digitsAt(s, j, 3) === 2) j += 2;
    return j;
  }
  return i;
}

/** ISO-like `yyyy-mm-dd` or `yyyy/mm/dd`, optionally `T`/space and a clock and zone. */
function isoAt(s: string, i: number): number {
  let j = exactDigits(s, i, 4);
  if (j < 0) return -1;
  const sep = s[j];
  if (sep !== '-' && sep !== '/') return -1;
  j = exactDigits(s, j + 1, 2);
  if (j < 0 || s[j] !== sep) return -1;
  j = exactDigits(s, j + 1, 2);
  if (j < 0) return -1;
  if (s[j] === 'T' || s[j] === ' ') {
    const k = clockAt(s, j + 1, false);
    if (k > 0) return zoneAt(s, k);
  }
  return j;
}

/** Syslog `Mmm d hh:mm:ss` (one or two spaces before a one-digit day). */
function syslogAt(s: string, i: number): number {
  if (!MONTHS.includes(s.slice(i, i + 3)) || s[i + 3] !== ' ') return -1;
  let j = i + 4;
  if (s[j] === ' ') j++;
  const d = digitsAt(s, j, 3);
  if (d < 1 || d > 2 || s[j + d] !== ' ') return -1;
  return clockAt(s, j + d + 1, true);
}

/** Access-log `dd/Mmm/yyyy:hh:mm:ss[ +hhmm]`. */
function accessLogAt(s: string, i: number): number {
  let j = exactDigits(s, i, 2);
  if (j < 0 || s[j] !== '/' || !MONTHS.includes(s.slice(j + 1, j + 4)) || s[j + 4] !== '/') return -1;
  j = exactDigits(s, j + 5, 4);
  if (j < 0 || s[j] !== ':') return -1;
  j = clockAt(s, j + 1, true);
  if (j < 0) return -1;
  if (s[j] === ' ' && (s[j + 1] === '+' || s[j + 1] === '-') && digitsAt(s, j + 2, 5) === 4) return j + 6;
  return j;
}

/** klog's `Lmmdd hh:mm:ss.uuuuuu` after the level letter at `i - 1`. */
function klogAt(s: string, i: number): number {
  const j = exactDigits(s, i, 4);
  if (j < 0 || s[j] !== ' ') return -1;
  return clockAt(s, j + 1, true);
}

/**
 * Finds the timestamp spans of a text, left to right, not overlapping.
 *
 * @internal
 */
export function timeSpans(s: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    const boundary = i === 0 || !isAlnum(s.charCodeAt(i - 1));
    let end = -1;
    let start = i;
    if (boundary && isDigit(c)) {
      end = isoAt(s, i);
      if (end < 0) end = accessLogAt(s, i);
      if (end < 0) end = clockAt(s, i, true);
    } else if (boundary && isAsciiLetter(c)) {
      end = syslogAt(s, i);
      if (end < 0 && (c === 73 || c === 87 || c === 69 || c === 70)) {
        // I, W, E, F: the klog header keeps its level letter as text.
        end = klogAt(s, i + 1);
        if (end > 0) start = i + 1;
      }
    }
    if (end > 0 && (end >= s.length || !isAlnum(s.charCodeAt(end)))) {
      out.push([start, end]);
      i = end;
      continue;
    }
    // Skip the rest of an alphanumeric run: matches start only at a boundary.
    i++;
    while (i < s.length && isAlnum(s.charCodeAt(i)) && isAlnum(s.charCodeAt(i - 1))) i++;
  }
  return out;
}

function isRunChar(c: number): boolean {
  return isAlnum(c) || c === 46 || c === 95 || c === 45 || c === 58; // . _ - :
}

function isIpv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  for (const p of parts) {
    if (p.length < 1 || p.length > 3 || digitsAt(p, 0) !== p.length || Number(p) > 255) return false;
  }
  return true;
}

function isIpv6(s: string): boolean {
  if (s.length < 2 || s.length > 45 || !s.includes(':')) return false;
  const double = s.indexOf('::');
  if (double >= 0 && s.indexOf('::', double + 1) >= 0) return false;
  const groups = s.split(':');
  let slots = 0;
  for (let g = 0; g < groups.length; g++) {
    const part = groups[g] as string;
    if (part === '') continue; // only where '::' is, or a lone edge ':' (checked below)
    if (g === groups.length - 1 && part.includes('.')) {
      if (!isIpv4(part)) return false;
      slots += 2;
      continue;
    }
    if (part.length > 4) return false;
    for (let k = 0; k < part.length; k++) if (!isHex(part.charCodeAt(k))) return false;
    slots++;
  }
  if (double < 0) return slots === 8 && !groups.includes('');
  if ((s[0] === ':' && double !== 0) || (s.endsWith(':') && double !== s.length - 2)) return false;
  return slots >= 1 && slots <= 7;
}

function isUuid(s: string): boolean {
  if (s.length !== 36) return false;
  for (let k = 0; k < 36; k++) {
    const c = s.charCodeAt(k);
    if (k === 8 || k === 13 || k === 18 || k === 23) {
      if (c !== 45) return false;
    } else if (!isHex(c)) return false;
  }
  return true;
}

/** The length of a number at the start of `s` (sign, digits, fraction, exponent), or 0. */
function numberPrefix(s: string): number {
  let j = s[0] === '-' || s[0] === '+' ? 1 : 0;
  const d = digitsAt(s, j);
  if (d === 0) return 0;
  j += d;
  if (s[j] === '.' && isDigit(s.charCodeAt(j + 1))) j += 1 + digitsAt(s, j + 1);
  if ((s[j] === 'e' || s[j] === 'E') && j > 0) {
    let k = j + 1;
    if (s[k] === '+' || s[k] === '-') k++;
    const e = digitsAt(s, k);
    if (e > 0) j = k + e;
  }
  return j;
}

function isEpoch(s: string): boolean {
  const intLen = digitsAt(s, 0);
  if (intLen !== 10 && intLen !== 13) return false;
  if (intLen !== s.length && !(s[intLen] === '.' && digitsAt(s, intLen + 1) === s.length - intLen - 1)) {
    return false;
  }
  const n = Number(s.slice(0, intLen));
  return intLen === 10
    ? n >= 978_307_200 && n < 2_208_988_800
    : n >= 978_307_200_000 && n < 2_208_988_800_000;
}

function isId(s: string): boolean {
  if (s.length < 8) return false;
  let digits = 0;
  let letters = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (isDigit(c)) digits++;
    else if (isAsciiLetter(c)) letters++;
    else if (c !== 45 && c !== 95 && c !== 46) return false;
  }
  // Letters and digits (`12342342k124-12345`), or digit groups joined by a separator (`324892398123-12345`).
  return digits >= 2 && (letters >= 1 || numberPrefix(s) !== s.length);
}

/** Masks one run of run characters that is not split further; returns masked text. */
function maskPiece(p: string): string {
  if (p.length === 0) return p;
  if (isIpv4(p) || isIpv6(p)) return PLACEHOLDER.IPAddress;
  if (isUuid(p)) return PLACEHOLDER.ID;
  if (isEpoch(p)) return PLACEHOLDER.Time;
  if (/^0[xX][0-9a-fA-F]+$/.test(p)) return PLACEHOLDER.Number;
  const n = numberPrefix(p);
  if (n === p.length) return PLACEHOLDER.Number;
  if (n > 0 && p.length - n <= 3 && p[0] !== '+') {
    let letters = true;
    for (let k = n; k < p.length; k++) if (!isAsciiLetter(p.charCodeAt(k))) letters = false;
    if (letters) return PLACEHOLDER.Number + p.slice(n);
  }
  if (isId(p)) return PLACEHOLDER.ID;
  return p;
}

/** Masks a run: leading/trailing punctuation stays, the core is classified, else split at `:`. */
function maskRun(run: string): string {
  if (isIpv6(run)) return PLACEHOLDER.IPAddress; // before trimming: `::1` starts with colons
  let a = 0;
  let b = run.length;
  while (
    a < b &&
    (run[a] === '.' ||
      run[a] === ':' ||
      run[a] === '_' ||
      (run[a] === '-' && !isDigit(run.charCodeAt(a + 1))))
  )
    a++;
  while (b > a && (run[b - 1] === '.' || run[b - 1] === ':' || run[b - 1] === '_' || run[b - 1] === '-')) b--;
  const core = run.slice(a, b);
  let masked: string;
  const v4port = /^(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}):(\d{1,5})$/.exec(core);
  if (v4port && isIpv4(v4port[1] as string)) masked = `${PLACEHOLDER.IPAddress}:${PLACEHOLDER.Number}`;
  else {
    masked = maskPiece(core);
    if (masked === core && core.includes(':')) masked = core.split(':').map(maskPiece).join(':');
  }
  return run.slice(0, a) + masked + run.slice(b);
}

/** Masks the literal text of one whitespace token (no timestamps in it). */
function maskLiteral(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (!isRunChar(text.charCodeAt(i))) {
      const j0 = i;
      while (i < text.length && !isRunChar(text.charCodeAt(i))) i++;
      out += text.slice(j0, i);
      continue;
    }
    const j0 = i;
    while (i < text.length && isRunChar(text.charCodeAt(i))) i++;
    out += maskRun(text.slice(j0, i));
  }
  return out;
}

/**
 * Masks a text into its token list: whitespace-separated tokens in which
 * timestamps, addresses, ids and numbers are placeholders.
 *
 * @example
 * ```ts
 * maskText('2023-01-01 19:00:01 [INFO] id 3ff231242342-12345').map(renderMaskedToken);
 * // ['<Time>', '[INFO]', 'id', '<ID>']
 * ```
 */
export function maskText(text: string): string[] {
  const s = text.includes(MARK) ? text.replaceAll(MARK, '\uFFFD') : text;
  const spans = timeSpans(s);
  const tokens: string[] = [];
  let current = '';
  let open = false;
  const literal = (from: number, to: number): void => {
    let i = from;
    while (i < to) {
      if (isSpace(s.charCodeAt(i))) {
        if (open) tokens.push(current);
        current = '';
        open = false;
        while (i < to && isSpace(s.charCodeAt(i))) i++;
        continue;
      }
      const j0 = i;
      while (i < to && !isSpace(s.charCodeAt(i))) i++;
      current += maskLiteral(s.slice(j0, i));
      open = true;
    }
  };
  let at = 0;
  for (const [a, b] of spans) {
    literal(at, a);
    current += PLACEHOLDER.Time;
    open = true;
    at = b;
  }
  literal(at, s.length);
  if (open) tokens.push(current);
  let first = 0;
  while (first < s.length && isSpace(s.charCodeAt(first))) first++;
  return s[first] === '{' || s[first] === '[' ? tokens.flatMap(splitJsonToken) : tokens;
}

/** Splits a token of a JSON message after each `,`, `{` and `[`; the later parts are glued. */
function splitJsonToken(token: string): string[] {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < token.length; i++) {
    const c = token[i];
    if ((c === ',' || c === '{' || c === '[') && i + 1 < token.length) {
      parts.push((parts.length > 0 ? GLUE : '') + token.slice(from, i + 1));
      from = i + 1;
    }
  }
  parts.push((parts.length > 0 ? GLUE : '') + token.slice(from));
  return parts;
}

/**
 * A masked token as text, each placeholder written `<Kind>` (for tests and messages).
 *
 * @example
 * ```ts
 * renderMaskedToken(`id=${PLACEHOLDER.Number}`); // 'id=<Number>'
 * ```
 */
export function renderMaskedToken(token: string): string {
  let out = '';
  for (let i = 0; i < token.length; i++) {
    if (token[i] === MARK) {
      const letter = token[i + 1] as string;
      const kind = KIND_OF_LETTER[letter];
      out += letter === 'g' ? '' : kind === undefined ? '<Token>' : `<${kind}>`;
      i++;
    } else out += token[i];
  }
  return out;
}
