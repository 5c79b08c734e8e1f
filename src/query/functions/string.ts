/**
 * String functions.
 *
 * String arguments read numbers, booleans and timestamps in their result
 * string form; missing values, null, maps and lists have no string form, so
 * the function gives no value (except the predicates, which answer 1/0).
 * Lengths and offsets count Unicode code points, not UTF-16 units.
 *
 * @module
 */
import { compileUserRegex, type UserRegex } from '../regex.js';
import { isTruthy } from '../semantics/compare.js';
import type { Value } from '../value.js';
import { argNumber, argRegex, argString, argValue } from './args.js';
import type { Arg, ScalarFunctionDef } from './types.js';

const UTF8_ENCODER = new TextEncoder();
const UTF8_DECODER = new TextDecoder('utf-8', { fatal: true });

/** Whitespace removed by `trim` and friends without a character set: JavaScript's `\s` set. */
const WHITESPACE = /\s/u;

function codePoints(s: string): string[] {
  return Array.from(s);
}

function trimSet(s: string, chars: string | undefined, left: boolean, right: boolean): string {
  const cps = codePoints(s);
  const set = chars === undefined ? undefined : new Set(codePoints(chars));
  const strip = (c: string): boolean => (set === undefined ? WHITESPACE.test(c) : set.has(c));
  let start = 0;
  let end = cps.length;
  if (left) while (start < end && strip(cps[start] ?? '')) start++;
  if (right) while (end > start && strip(cps[end - 1] ?? '')) end--;
  return cps.slice(start, end).join('');
}

function trimDef(
  name: string,
  left: boolean,
  right: boolean,
  example: string,
  what: string,
): ScalarFunctionDef {
  return {
    kind: 'scalar',
    name,
    signature: `${name}(s [, chars])`,
    family: 'string',
    returns: 'string',
    minArgs: 1,
    maxArgs: 2,
    summary: `Removes whitespace from ${what}; with a second argument, removes any of those characters (a set, not a substring) instead.`,
    example,
    call: (args) => {
      const s = argString(args[0]);
      if (s === undefined) return undefined;
      if (args.length < 2) return trimSet(s, undefined, left, right);
      const chars = argString(args[1]);
      return chars === undefined ? undefined : trimSet(s, chars, left, right);
    },
  };
}

function flag(b: boolean): number {
  return b ? 1 : 0;
}

/** Bounded cache of regexes compiled from string patterns (`regexReplace(s, "a+", …)`). */
const PATTERN_CACHE = new Map<string, UserRegex | null>();
const PATTERN_CACHE_SIZE = 64;

function regexFromString(pattern: string): UserRegex | undefined {
  const cached = PATTERN_CACHE.get(pattern);
  if (cached !== undefined) return cached ?? undefined;
  let re: UserRegex | null;
  try {
    re = compileUserRegex(pattern);
  } catch {
    re = null;
  }
  if (PATTERN_CACHE.size >= PATTERN_CACHE_SIZE) {
    const first = PATTERN_CACHE.keys().next();
    if (!first.done) PATTERN_CACHE.delete(first.value);
  }
  PATTERN_CACHE.set(pattern, re);
  return re ?? undefined;
}

function patternArg(a: Arg | undefined): UserRegex | undefined {
  const re = argRegex(a);
  if (re !== undefined) return re;
  const s = argString(a);
  return s === undefined ? undefined : regexFromString(s);
}

/** `application/x-www-form-urlencoded` as Java's URLEncoder writes it. */
function urlEncode(s: string): string {
  let out = '';
  for (const byte of UTF8_ENCODER.encode(s)) {
    const c = String.fromCharCode(byte);
    if (
      (byte >= 0x30 && byte <= 0x39) ||
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      c === '.' ||
      c === '-' ||
      c === '*' ||
      c === '_'
    ) {
      out += c;
    } else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

function urlDecode(s: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2b) bytes.push(0x20);
    else if (c === 0x25) {
      const hi = hexValue(s.charCodeAt(i + 1));
      const lo = hexValue(s.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return undefined;
      bytes.push(hi * 16 + lo);
      i += 2;
    } else if (c < 0x80) bytes.push(c);
    else {
      const cp = s.codePointAt(i) ?? c;
      for (const b of UTF8_ENCODER.encode(String.fromCodePoint(cp))) bytes.push(b);
      if (cp > 0xffff) i++;
    }
  }
  return decodeUtf8(Uint8Array.from(bytes));
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return UTF8_DECODER.decode(bytes);
  } catch {
    return undefined;
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64Encode(s: string): string {
  let binary = '';
  for (const b of UTF8_ENCODER.encode(s)) binary += String.fromCharCode(b);
  return btoa(binary);
}

function base64Decode(s: string): string | undefined {
  const t = s.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (!BASE64.test(t) || t.length % 4 === 1) return undefined;
  const padded = t.length % 4 === 0 ? t : t + '='.repeat(4 - (t.length % 4));
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return decodeUtf8(bytes);
}

/** Hex digits after an optional sign and `0x`; `undefined` when malformed. */
function hexDigits(s: string): { negative: boolean; digits: string } | undefined {
  let t = s.trim();
  let negative = false;
  if (t.startsWith('-')) {
    negative = true;
    t = t.slice(1);
  }
  if (t.startsWith('0x') || t.startsWith('0X')) t = t.slice(2);
  if (t.length === 0) return undefined;
  for (let i = 0; i < t.length; i++) if (hexValue(t.charCodeAt(i)) < 0) return undefined;
  return { negative, digits: t };
}

function hexToAscii(s: string): string | undefined {
  const h = hexDigits(s);
  if (h === undefined || h.negative || h.digits.length % 2 !== 0) return undefined;
  const bytes = new Uint8Array(h.digits.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = hexValue(h.digits.charCodeAt(2 * i)) * 16 + hexValue(h.digits.charCodeAt(2 * i + 1));
  }
  return decodeUtf8(bytes);
}

function hexToDec(s: string): number | undefined {
  const h = hexDigits(s);
  if (h === undefined || h.digits.length > 256) return undefined;
  const n = Number.parseInt(h.digits, 16);
  if (!Number.isFinite(n)) return undefined;
  return h.negative ? (n === 0 ? 0 : -n) : n;
}

function decToHex(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  const t = Math.trunc(n);
  const hex = BigInt(Math.abs(t)).toString(16);
  return t < 0 ? `-0x${hex}` : `0x${hex}`;
}

function substr(s: string, start: number, length: number | undefined): string {
  const cps = codePoints(s);
  const from = Math.min(Math.max(Math.trunc(start), 0), cps.length);
  if (length === undefined) return cps.slice(from).join('');
  const len = Math.trunc(length);
  if (len <= 0) return '';
  return cps.slice(from, from + len).join('');
}

function split(s: string, delimiter: string): Value {
  if (delimiter === '') return codePoints(s);
  return s.split(delimiter);
}

/**
 * The string functions.
 *
 * @example
 * ```ts
 * STRING_FUNCTIONS.map((f) => f.name).includes('substr') //=> true
 * ```
 */
export const STRING_FUNCTIONS: readonly ScalarFunctionDef[] = [
  {
    kind: 'scalar',
    name: 'isempty',
    signature: 'isempty(s)',
    family: 'string',
    returns: '1/0',
    minArgs: 1,
    maxArgs: 1,
    summary: '1 when the value is missing, null or the empty string (maps and lists count as null), else 0.',
    example: 'isempty("") => 1',
    call: (args) => {
      const s = argString(args[0]);
      return flag(s === undefined || s === '');
    },
  },
  {
    kind: 'scalar',
    name: 'isblank',
    signature: 'isblank(s)',
    family: 'string',
    returns: '1/0',
    minArgs: 1,
    maxArgs: 1,
    summary: '1 when the value is missing, null, empty or only whitespace, else 0.',
    example: 'isblank("  ") => 1',
    call: (args) => {
      const s = argString(args[0]);
      return flag(s === undefined || trimSet(s, undefined, true, true) === '');
    },
  },
  {
    kind: 'scalar',
    name: 'concat',
    signature: 'concat(s, ...strs)',
    family: 'string',
    returns: 'string',
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    summary:
      'Joins the arguments as strings; arguments without a value are skipped (no value if none has one).',
    example: 'concat("a", "-", 1) => "a-1"',
    call: (args) => {
      let out: string | undefined;
      for (const a of args) {
        const s = argString(a);
        if (s !== undefined) out = (out ?? '') + s;
      }
      return out;
    },
  },
  trimDef('ltrim', true, false, 'ltrim("xyZxyfooxyZ", "xyZ") => "fooxyZ"', 'the start'),
  trimDef('rtrim', false, true, 'rtrim("xyZfooxyxyZ", "xyZ") => "xyZfoo"', 'the end'),
  trimDef('trim', true, true, 'trim("xyZxyfooxyxyZ", "xyZ") => "foo"', 'both ends'),
  {
    kind: 'scalar',
    name: 'strlen',
    signature: 'strlen(s)',
    family: 'string',
    returns: 'number',
    minArgs: 1,
    maxArgs: 1,
    summary: 'Length in Unicode code points.',
    example: 'strlen("héllo") => 5',
    call: (args) => {
      const s = argString(args[0]);
      return s === undefined ? undefined : codePoints(s).length;
    },
  },
  {
    kind: 'scalar',
    name: 'toupper',
    signature: 'toupper(s)',
    family: 'string',
    returns: 'string',
    minArgs: 1,
    maxArgs: 1,
    summary: 'Upper case (locale-independent).',
    example: 'toupper("abc") => "ABC"',
    call: (args) => argString(args[0])?.toUpperCase(),
  },
  {
    kind: 'scalar',
    name: 'tolower',
    signature: 'tolower(s)',
    family: 'string',
    returns: 'string',
    minArgs: 1,
    maxArgs: 1,
    summary: 'Lower case (locale-independent).',
    example: 'tolower("ABC") => "abc"',
    call: (args) => argString(args[0])?.toLowerCase(),
  },
  {
    kind: 'scalar',
    name: 'substr',
    signature: 'substr(s, start [, length])',
    family: 'string',
    returns: 'string',
    minArgs: 2,
    maxArgs: 3,
    summary:
      'substr(s, start [, length]): the substring from the 0-based start (clamped to the string), to the end or of at most length code points.',
    example: 'substr("xyZfooxyZ", 3, 3) => "foo"',
    call: (args) => {
      const s = argString(args[0]);
      const start = argNumber(args[1]);
      if (s === undefined || start === undefined) return undefined;
      if (args.length < 3) return substr(s, start, undefined);
      const len = argNumber(args[2]);
      return len === undefined ? undefined : substr(s, start, len);
    },
  },
  {
    kind: 'scalar',
    name: 'replace',
    signature: 'replace(s, search, replacement)',
    family: 'string',
    returns: 'string',
    minArgs: 3,
    maxArgs: 3,
    summary: 'Replaces every occurrence of a literal search string; an empty search string changes nothing.',
    example: 'replace("foo", "o", "0") => "f00"',
    call: (args) => {
      const s = argString(args[0]);
      const search = argString(args[1]);
      const replacement = argString(args[2]);
      if (s === undefined || search === undefined || replacement === undefined) return undefined;
      return search === '' ? s : s.split(search).join(replacement);
    },
  },
  {
    kind: 'scalar',
    name: 'regexReplace',
    signature: 'regexReplace(s, pattern, replacement)',
    family: 'string',
    returns: 'string',
    minArgs: 3,
    maxArgs: 3,
    constantArgs: [1],
    summary:
      'regexReplace(s, pattern, replacement): replaces every match of an RE2 pattern (a /regex/ or a string); `$1`, `$$` and named-group references work in the replacement.',
    example: 'regexReplace("a1b22", /[0-9]+/, "#") => "a#b#"',
    validate: (constants) => {
      const c = constants[1];
      if (argRegex(c) !== undefined) return undefined;
      const s = argString(c);
      if (s === undefined) return 'regexReplace: the pattern must be a regex or a string';
      try {
        compileUserRegex(s);
        return undefined;
      } catch (error) {
        return error instanceof Error ? `regexReplace: ${error.message}` : 'regexReplace: invalid pattern';
      }
    },
    call: (args) => {
      const s = argString(args[0]);
      const re = patternArg(args[1]);
      const replacement = argString(args[2]);
      if (s === undefined || re === undefined || replacement === undefined) return undefined;
      return re.replaceAll(s, replacement);
    },
  },
  {
    kind: 'scalar',
    name: 'strcontains',
    signature: 'strcontains(s, search [, caseInsensitive])',
    family: 'string',
    returns: '1/0',
    minArgs: 2,
    maxArgs: 3,
    summary:
      '1 when the string contains the search string (case-insensitively when the third argument is true), else 0.',
    example: 'strcontains("Kubernetes-Admin", "admin", true) => 1',
    call: (args) => {
      const s = argString(args[0]);
      const search = argString(args[1]);
      if (s === undefined || search === undefined) return 0;
      if (args.length > 2 && isTruthy(argValue(args[2]))) {
        return flag(s.toLowerCase().includes(search.toLowerCase()));
      }
      return flag(s.includes(search));
    },
  },
  {
    kind: 'scalar',
    name: 'startsWith',
    signature: 'startsWith(s, prefix)',
    family: 'string',
    returns: '1/0',
    minArgs: 2,
    maxArgs: 2,
    summary: '1 when the string starts with the prefix (case-sensitive), else 0.',
    example: 'startsWith("kube-apiserver", "kube") => 1',
    call: (args) => {
      const s = argString(args[0]);
      const x = argString(args[1]);
      return flag(s !== undefined && x !== undefined && s.startsWith(x));
    },
  },
  {
    kind: 'scalar',
    name: 'endsWith',
    signature: 'endsWith(s, suffix)',
    family: 'string',
    returns: '1/0',
    minArgs: 2,
    maxArgs: 2,
    summary: '1 when the string ends with the suffix (case-sensitive), else 0.',
    example: 'endsWith("audit.log", ".log") => 1',
    call: (args) => {
      const s = argString(args[0]);
      const x = argString(args[1]);
      return flag(s !== undefined && x !== undefined && s.endsWith(x));
    },
  },
  {
    kind: 'scalar',
    name: 'urlencode',
    signature: 'urlencode(s)',
    family: 'string',
    returns: 'string',
    minArgs: 1,
    maxArgs: 1,
    summary:
      'Form-URL-encodes UTF-8 text (letters, digits and `.-*_` kept, space as `+`, everything else `%XX`), like Java URLEncoder.',
    example: 'urlencode("a b/c") => "a+b%2Fc"',
    call: (args) => {
      const s = argString(args[0]);
      return s === undefined ? undefined : urlEncode(s);
    },
  },
  {
    kind: 'scalar',
    name: 'urldecode',
    signature: 'urldecode(s)',
    family: 'string',
    returns: 'string',
    minArgs: 1,
    maxArgs: 1,
    summary:
      'Decodes `%XX` escapes (UTF-8) and `+` as space; no value for a malformed escape or invalid UTF-8.',
    example: 'urldecode("a+b%2Fc") => "a b/c"',
    call: (args) => {
      const s = argString(args[0]);
      return s === undefined ? undefined : urlDecode(s);
    },
  },
  {
    kind: 'scalar',
    name: 'base64encode',
    signature: 'base64encode(s)',
    family: 'string',
    returns: 'string',
    minArgs: 1,
    maxArgs: 1,
    summary: 'Base64 (standard alphabet, padded) of the UTF-8 bytes.',
    example: 'base64encode("hello") => "aGVsbG8="',
    call: (args) => {
      const s = argString(args[0]);
      return s === undefined ? undefined : base64Encode(s);
    },
  },
  {
    kind: 'scalar',
    name: 'base64decode',
    signature: 'base64decode(s)',
    family: 'string',
    returns: 'string',
    minArgs: 1,
    maxArgs: 1,
    summary:
      'Decodes base64 (standard or URL-safe alphabet, padding optional) to UTF-8 text; no value when malformed or not UTF-8.',
    example: 'base64decode("aGVsbG8=") => "hello"',
    call: (args) => {
      const s = argString(args[0]);
      return s === undefined ? undefined : base64Decode(s);
    },
  },
  {
    kind: 'scalar',
    name: 'split',
    signature: 'split(s, delimiter)',
    family: 'string',
    returns: 'list',
    minArgs: 2,
    maxArgs: 2,
    summary:
      'Splits on a literal delimiter into a list of strings; an empty delimiter splits into characters.',
    example: 'split("a,b,c", ",") => ["a","b","c"]',
    call: (args) => {
      const s = argString(args[0]);
      const d = argString(args[1]);
      return s === undefined || d === undefined ? undefined : split(s, d);
    },
  },
  {
    kind: 'scalar',
    name: 'hexToAscii',
    signature: 'hexToAscii(hex)',
    family: 'string',
    returns: 'string',
    minArgs: 1,
    maxArgs: 1,
    summary: 'Decodes hex byte pairs (optional `0x`) as UTF-8 text; no value when malformed.',
    example: 'hexToAscii("0x48656c6c6f") => "Hello"',
    call: (args) => {
      const s = argString(args[0]);
      return s === undefined ? undefined : hexToAscii(s);
    },
  },
  {
    kind: 'scalar',
    name: 'hexToDec',
    signature: 'hexToDec(hex)',
    family: 'string',
    returns: 'number',
    minArgs: 1,
    maxArgs: 1,
    summary: 'Parses a hexadecimal number (optional `-` and `0x`, any case); no value when malformed.',
    example: 'hexToDec("0xff") => 255',
    call: (args) => {
      const s = argString(args[0]);
      return s === undefined ? undefined : hexToDec(s);
    },
  },
  {
    kind: 'scalar',
    name: 'decToHex',
    signature: 'decToHex(n)',
    family: 'string',
    returns: 'string',
    minArgs: 1,
    maxArgs: 1,
    summary: 'Formats a number as lower-case hex with `0x` (`-0x…` for negatives; fractions truncated).',
    example: 'decToHex(255) => "0xff"',
    call: (args) => {
      const n = argNumber(args[0]);
      return n === undefined ? undefined : decToHex(n);
    },
  },
  {
    kind: 'scalar',
    name: 'unmask',
    signature: 'unmask(s)',
    family: 'string',
    returns: 'string',
    minArgs: 1,
    maxArgs: 1,
    summary:
      'Shows data-protection-masked content; exported files are never masked, so this returns its argument.',
    example: 'unmask("abc") => "abc"',
    call: (args) => argValue(args[0]),
  },
];
