/**
 * The byte scan of the DuckDB engine's raw-file path: one pass over a plain
 * NDJSON file, run on the main thread while DuckDB reads the same file on
 * its own threads. It finds what DuckDB's reader cannot tell, or accepts
 * where `JSON.parse` does not:
 *
 * - the line layout: how many lines, which are blank (spaces and tabs only:
 *   the readers skip them uncounted, DuckDB too), where each other line
 *   starts and how long it is (for `@message` read back and `@ptr`), and the
 *   longest line;
 * - a carriage return anywhere (the readers' messages and byte counts keep it;
 *   the file is left to them);
 * - DuckDB's JSON extensions, which `JSON.parse` rejects: a trailing comma
 *   (`,` then `}` or `]`) and `NaN`/`Infinity`/`inf` in any letter case after
 *   `:`, `,` or `[` (a match inside a string only sends the file to the readers);
 * - for the keys the caller names, a `"key"` then `null` (DuckDB reads a JSON
 *   null as SQL NULL, like a missing key, where the engine's sort tells them
 *   apart), and a `\u` escape in a key that writes one of the keys'
 *   characters (such a key would escape the literal test).
 *
 * @module
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** What to look for beyond the line layout. */
export interface RawScanKeys {
  /** Keys whose value must not be a JSON null anywhere (`"key"` then `:` then `null`). */
  readonly notNull: readonly string[];
}

/** The line layout of a file, or why the readers must read it. */
export interface RawScan {
  /** Non-blank lines: the records. */
  readonly records: number;
  /** Blank lines before the last non-blank one (they shift the line numbers of the lines after them). */
  readonly blankLinesBetween: number;
  /** Byte offset and length of each non-blank line, in order. */
  readonly starts: Float64Array;
  readonly lengths: Float64Array;
  /** The first reason the file needs the readers, if any. */
  readonly obstacle: string | undefined;
}

/** Bytes read at a time; a longer line sends the file to the readers. */
const CHUNK = 4 * 1024 * 1024;

/** Letters of `nan`/`inf` (any case) and trailing commas. */
const SUSPECT = /(?:[nN][aA]|[iI][nN])[nNfF]|,[ \t]*[}\]]/g;

const SPACE = 0x20;
const TAB = 0x09;
const NEWLINE = 0x0a;
const CR = 0x0d;

/** Whether the letters at `at` stand where a JSON value begins: after `:`, `,` or `[`, spaces and an optional minus. */
function valueStart(text: string, at: number): boolean {
  let i = at - 1;
  if (i >= 0 && text.charCodeAt(i) === 0x2d) i--;
  while (i >= 0 && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i--;
  if (i < 0) return true;
  const c = text.charCodeAt(i);
  return c === 0x3a || c === 0x2c || c === 0x5b;
}

/** Bytes of text given to the regex at a time (a string under V8's 128 KiB large-object size is collected young: 128 KiB pieces cost 0.5 s more system CPU per GiB). */
const PIECE = 48 * 1024;

/** DuckDB's JSON extensions in a piece of whole lines. */
function suspectIn(text: string): string | undefined {
  SUSPECT.lastIndex = 0;
  for (let m = SUSPECT.exec(text); m !== null; m = SUSPECT.exec(text)) {
    if (m[0].startsWith(',')) return 'a trailing comma, or one in a string (JSON.parse rejects the first)';
    if (valueStart(text, m.index))
      return `${m[0]} where a value starts (DuckDB reads it as a number, JSON.parse rejects it)`;
  }
  return undefined;
}

/** The key before position `at` when `"key"`, spaces, a colon and spaces stand there (escapes in it are left to the `\\u` check), else `undefined`. */
function keyBefore(b: Uint8Array, at: number): string | undefined {
  let i = at - 1;
  while (i >= 0 && (b[i] === SPACE || b[i] === TAB)) i--;
  if (b[i] !== 0x3a) return undefined;
  i--;
  while (i >= 0 && (b[i] === SPACE || b[i] === TAB)) i--;
  if (b[i] !== 0x22) return undefined;
  const close = i;
  i--;
  while (i >= 0 && b[i] !== 0x22 && b[i] !== NEWLINE) i--;
  if (b[i] !== 0x22) return undefined;
  return Buffer.from(b.buffer, b.byteOffset + i + 1, close - i - 1).toString('latin1');
}

function hexValue(b: Uint8Array, at: number): number {
  let v = 0;
  for (let i = at; i < at + 4; i++) {
    const c = b[i] as number;
    const d =
      c >= 0x30 && c <= 0x39
        ? c - 0x30
        : c >= 0x61 && c <= 0x66
          ? c - 0x57
          : c >= 0x41 && c <= 0x46
            ? c - 0x37
            : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Whether the string around position `at` (inside a string of valid JSON) is a key: a colon follows its closing quote. */
function inKey(b: Uint8Array, at: number, end: number): boolean {
  let i = at;
  while (i < end && b[i] !== 0x22) i += b[i] === 0x5c ? 2 : 1;
  i++;
  while (i < end && (b[i] === SPACE || b[i] === TAB)) i++;
  return b[i] === 0x3a;
}

/** Growable pair of offset/length arrays. */
class LineTable {
  starts = new Float64Array(1024);
  lengths = new Float64Array(1024);
  size = 0;
  push(start: number, length: number): void {
    if (this.size === this.starts.length) {
      const s = new Float64Array(this.size * 2);
      s.set(this.starts);
      this.starts = s;
      const l = new Float64Array(this.size * 2);
      l.set(this.lengths);
      this.lengths = l;
    }
    this.starts[this.size] = start;
    this.lengths[this.size] = length;
    this.size++;
  }
}

/** The checks on one chunk's text of whole lines; the first problem found. */
function chunkObstacle(
  b: Uint8Array,
  end: number,
  notNull: ReadonlySet<string>,
  keyChars: ReadonlySet<number>,
): string | undefined {
  const view = Buffer.from(b.buffer, b.byteOffset, end);
  if (view.indexOf(CR) >= 0) return 'a carriage return (the readers keep it in the message)';
  // in pieces of whole lines: a string of a whole chunk lives in V8's old space until a full GC (+90 MB RSS at 256 MiB)
  for (let from = 0; from < end; ) {
    const newline = view.indexOf(NEWLINE, Math.min(from + PIECE, end - 1));
    const to = newline < 0 || newline >= end ? end : newline + 1;
    const found = suspectIn(view.toString('latin1', from, to));
    if (found !== undefined) return found;
    from = to;
  }
  if (notNull.size > 0) {
    // each `null`: is it the value of one of the keys? (a `null` inside a string only costs this look back)
    for (let at = view.indexOf('null'); at >= 0; at = view.indexOf('null', at + 4)) {
      const key = keyBefore(b, at);
      if (key !== undefined && notNull.has(key))
        return `a null ${JSON.stringify(key)} (DuckDB reads it as a missing key)`;
    }
  }
  if (keyChars.size > 0) {
    for (let at = view.indexOf('\\u'); at >= 0; at = view.indexOf('\\u', at + 2)) {
      if (keyChars.has(hexValue(b, at + 2)) && inKey(b, at, end))
        return 'a \\u escape in a key, of a character of a key the query reads';
    }
  }
  return undefined;
}

/**
 * Scans a plain file (see the module comment). `maxLine` is the longest line
 * the fast path takes (longer: the readers decide); `onChunk` is told the
 * records (non-blank lines) and bytes scanned so far after each chunk (for a progress line).
 *
 * @example
 * ```ts
 * const scan = scanRawFile('audit.ndjson', 2_000_000, { notNull: ['verb', 'user.username'] });
 * if (scan.obstacle !== undefined) console.log(scan.obstacle);
 * ```
 */
export function scanRawFile(
  path: string,
  maxLine: number,
  keys: RawScanKeys,
  onChunk?: (records: number, bytes: number) => void,
): RawScan {
  const table = new LineTable();
  const keyChars = new Set<number>();
  const notNull = new Set(keys.notNull);
  for (const k of keys.notNull) for (const c of k) keyChars.add(c.charCodeAt(0));
  const buffer = new Uint8Array(CHUNK);
  const fd = openSync(path, 'r');
  let lines = 0;
  let blankLines = 0;
  let blankLinesBetween = 0;
  let obstacle: string | undefined;
  try {
    let position = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, position);
      if (n === 0) break;
      const view = Buffer.from(buffer.buffer, 0, n);
      let start = 0;
      let nl = view.indexOf(NEWLINE, 0);
      // the last line of the file may have no newline
      const last = n < CHUNK;
      while (nl >= 0 || (last && start < n)) {
        const end = nl >= 0 ? nl : n;
        const length = end - start;
        lines++;
        let blank = true;
        for (let i = start; i < end; i++) {
          const c = buffer[i];
          if (c !== SPACE && c !== TAB) {
            blank = false;
            break;
          }
        }
        if (blank) blankLines++;
        else {
          if (length > maxLine) {
            obstacle = `line ${lines} is longer than ${maxLine} bytes`;
            break;
          }
          table.push(position + start, length);
          blankLinesBetween = blankLines;
        }
        start = end + 1;
        if (nl < 0) break;
        nl = view.indexOf(NEWLINE, start);
      }
      if (obstacle !== undefined) break;
      const whole = Math.min(start, n);
      if (whole === 0) {
        obstacle = `a line longer than ${CHUNK} bytes`;
        break;
      }
      obstacle = chunkObstacle(buffer, whole, notNull, keyChars);
      if (obstacle !== undefined) break;
      position += whole;
      onChunk?.(table.size, position);
      if (last) break;
    }
  } finally {
    closeSync(fd);
  }
  return {
    records: table.size,
    blankLinesBetween,
    starts: table.starts.subarray(0, table.size),
    lengths: table.lengths.subarray(0, table.size),
    obstacle,
  };
}

/**
 * Reads the text of non-blank line `index` (0-based) of a scanned file.
 *
 * @example
 * ```ts
 * const fd = openSync('audit.ndjson', 'r');
 * const first = readScannedLine(fd, scan, 0);
 * closeSync(fd);
 * ```
 */
export function readScannedLine(fd: number, scan: RawScan, index: number): string {
  const length = scan.lengths[index] as number;
  const bytes = Buffer.allocUnsafe(length);
  readSync(fd, bytes, 0, length, scan.starts[index] as number);
  return bytes.toString('utf8');
}
