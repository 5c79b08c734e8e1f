/**
 * Scanning helpers for Go-style `key=value` text (logrus text format and klog
 * structured logging). Everything here is a single forward pass over the
 * input: no regular expressions, no backtracking, so attacker-controlled
 * lines cannot make it slow.
 *
 * @module
 */

/** A scanned value and the index just past it. */
export interface Scanned {
  readonly value: string;
  readonly end: number;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, string>, {
    '"': '"',
    '\\': '\\',
    "'": "'",
    n: '\n',
    t: '\t',
    r: '\r',
    a: '\x07',
    b: '\b',
    f: '\f',
    v: '\v',
  }),
);

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

function readHex(text: string, start: number, count: number): number | undefined {
  if (start + count > text.length) return undefined;
  for (let i = start; i < start + count; i++) {
    if (!isHex(text.charCodeAt(i))) return undefined;
  }
  return Number.parseInt(text.slice(start, start + count), 16);
}

/**
 * Reads a Go double-quoted string (as written by `strconv.Quote` / `%q`)
 * starting at `start`, which must index the opening quote. Unknown escapes
 * are kept literally. Returns `undefined` when the string is not terminated.
 *
 * @example
 * ```ts
 * readQuoted('a="x \\"y\\"" b', 2) //=> { value: 'x "y"', end: 11 }
 * ```
 */
export function readQuoted(text: string, start: number): Scanned | undefined {
  if (text[start] !== '"') return undefined;
  let out = '';
  let runStart = start + 1;
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      out += text.slice(runStart, i);
      return { value: out, end: i + 1 };
    }
    if (ch === '\\' && i + 1 < text.length) {
      out += text.slice(runStart, i);
      const esc = text[i + 1] as string;
      const simple = SIMPLE_ESCAPES[esc];
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else if (esc === 'x' || esc === 'u' || esc === 'U') {
        const width = esc === 'x' ? 2 : esc === 'u' ? 4 : 8;
        const code = readHex(text, i + 2, width);
        if (code !== undefined && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)) {
          out += String.fromCodePoint(code);
          i += 2 + width;
        } else {
          out += '\\' + esc;
          i += 2;
        }
      } else {
        out += '\\' + esc;
        i += 2;
      }
      runStart = i;
      continue;
    }
    i++;
  }
  return undefined;
}

/**
 * Reads an unquoted value starting at `start` up to the next space at bracket
 * depth zero, so Go renderings such as `map[IPv4:10.0.0.1 IPv6:::1]` or
 * `[a b c]` stay one value. Unbalanced closing brackets are treated as text.
 *
 * @example
 * ```ts
 * readBare('k=map[a:1 b:2] x=1', 2) //=> { value: 'map[a:1 b:2]', end: 14 }
 * ```
 */
export function readBare(text: string, start: number): Scanned {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '[' || ch === '{') depth++;
    else if ((ch === ']' || ch === '}') && depth > 0) depth--;
    else if (ch === ' ' && depth === 0) break;
    i++;
  }
  return { value: text.slice(start, i), end: i };
}

/**
 * Reads a key made of the characters Go loggers use in keys (letters, digits,
 * `_ - . / @ :`), starting at `start`, stopping before `=` or a space.
 *
 * @example
 * ```ts
 * readKey('path=/x', 0) //=> { value: 'path', end: 4 }
 * ```
 */
export function readKey(text: string, start: number): Scanned {
  let i = start;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '=' || ch === ' ' || ch === '"') break;
    i++;
  }
  return { value: text.slice(start, i), end: i };
}

/** Index of the first character at or after `start` that is not a space. */
export function skipSpaces(text: string, start: number): number {
  let i = start;
  while (i < text.length && text[i] === ' ') i++;
  return i;
}

/**
 * Parses a run of ` key=value` pairs (values quoted or bare) into a
 * null-prototype object, starting at `start`. Stops at the first token that is
 * not a pair and reports where it stopped. Duplicate keys: the last wins.
 *
 * @example
 * ```ts
 * parsePairs('a=1 b="x y"', 0).pairs.b //=> 'x y'
 * ```
 */
export function parsePairs(
  text: string,
  start: number,
): { readonly pairs: Record<string, string>; readonly end: number; readonly complete: boolean } {
  const pairs = Object.create(null) as Record<string, string>;
  let i = skipSpaces(text, start);
  while (i < text.length) {
    const key = readKey(text, i);
    if (key.value.length === 0 || text[key.end] !== '=') {
      return { pairs, end: i, complete: false };
    }
    const valueStart = key.end + 1;
    let scanned: Scanned | undefined;
    if (text[valueStart] === '"') {
      scanned = readQuoted(text, valueStart);
      if (scanned === undefined) return { pairs, end: i, complete: false };
    } else if (text[valueStart] === '<' && text[valueStart + 1] === '\n') {
      // klog renders multi-line string values as `key=<\n\tline1\n\tline2\n >`.
      const close = text.indexOf('\n >', valueStart + 1);
      if (close === -1) return { pairs, end: i, complete: false };
      const body = text.slice(valueStart + 2, close);
      scanned = {
        value: body
          .split('\n')
          .map((l) => (l.startsWith('\t') ? l.slice(1) : l))
          .join('\n'),
        end: close + 3,
      };
    } else {
      scanned = readBare(text, valueStart);
    }
    pairs[key.value] = scanned.value;
    i = skipSpaces(text, scanned.end);
  }
  return { pairs, end: i, complete: true };
}
