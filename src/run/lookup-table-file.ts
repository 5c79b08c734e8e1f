/**
 * Lookup tables from local CSV files, for `lookup` and `cidrlookup`.
 *
 * The rules are the service's for an uploaded table body: a header row
 * gives the column names, the text is UTF-8 (a leading byte-order mark is
 * dropped), and the body is at most 10 MB. Rows are RFC 4180 (a quoted
 * field may hold commas, doubled quotes and line breaks); `\r\n` line ends
 * are read as `\n`, inside quoted fields too; blank lines are skipped. Every
 * cell is a string.
 *
 * A table that breaks a rule is an `InputError` naming the file and line:
 * `bad_lookup_table` (no header, an empty or repeated column name, a row
 * with more or fewer cells than the header, an unterminated quoted field,
 * bytes that are not UTF-8) or `lookup_table_too_large`.
 *
 * @module
 */
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type LookupTable, MAX_LOOKUP_TABLE_BYTES } from '../query/lookup-table.js';
import { utf8Length } from '../query/utf8-length.js';
import { parseCsvRow } from '../read/csv-records.js';
import { InputError } from '../read/input-error.js';

/**
 * Options of {@link loadLookupTable} and {@link parseLookupCsv}.
 *
 * @example
 * ```ts
 * import { loadLookupTable, type LookupTableOptions } from 'kubetrail/engine';
 * const options: LookupTableOptions = { maxBytes: 1024 * 1024 }; // refuse tables over 1 MiB (lookup_table_too_large)
 * const table = await loadLookupTable('networks', 'test/fixtures/lookups/networks.csv', options);
 * ```
 */
export interface LookupTableOptions {
  /** The largest table body read. @defaultValue 10 MB ({@link MAX_LOOKUP_TABLE_BYTES}) */
  readonly maxBytes?: number | undefined;
}

function bad(message: string, file: string | undefined, line: number): InputError {
  return new InputError('bad_lookup_table', message, { ...(file === undefined ? {} : { file }), line });
}

function countQuotes(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
}

/** The 1-based line of byte `offset` of `bytes`. */
function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** The offset of the first byte sequence that is not UTF-8 (a scan that stops there). */
function firstBadUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // the longest valid prefix, by bisection on fatal decoding of whole prefixes
  while (hi - lo > 4) {
    const mid = (lo + hi) >>> 1;
    try {
      decoder.decode(bytes.subarray(0, mid), { stream: true });
      decoder.decode();
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

/**
 * Parses the text of a lookup-table CSV (see the module notes).
 *
 * @param name - the table's name in queries
 * @param content - the CSV, as bytes (checked to be UTF-8) or text
 * @param file - the file it came from, for errors
 * @throws {InputError} `bad_lookup_table`, `lookup_table_too_large`
 * @example
 * ```ts
 * parseLookupCsv('users', 'id,name\n1,ana\n').rows //=> [['1', 'ana']]
 * ```
 */
export function parseLookupCsv(
  name: string,
  content: string | Uint8Array,
  file?: string,
  options: LookupTableOptions = {},
): LookupTable {
  const max = options.maxBytes ?? MAX_LOOKUP_TABLE_BYTES;
  let text: string;
  if (typeof content === 'string') {
    text = content;
    if (utf8Length(text) > max) throw tooLarge(file, max);
  } else {
    if (content.length > max) throw tooLarge(file, max);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(content);
    } catch {
      throw bad('the lookup table is not UTF-8 text', file, lineAt(content, firstBadUtf8(content)));
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split('\n');
  let columns: string[] | undefined;
  const rows: string[][] = [];
  const rowLines: number[] = [];
  let pending = '';
  let pendingLine = 0;
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (pending === '') {
      if (line.trim() === '') return;
      pending = line;
      pendingLine = i + 1;
    } else pending += `\n${line}`;
    if (countQuotes(pending) % 2 === 1) return; // a quoted field goes on
    const cells = parseCsvRow(pending);
    pending = '';
    if (cells === undefined) throw bad('unterminated quoted field', file, pendingLine);
    if (columns === undefined) {
      const seen = new Set<string>();
      cells.forEach((c, j) => {
        if (c.trim() === '') throw bad(`column ${j + 1} of the header row has no name`, file, pendingLine);
        if (seen.has(c)) throw bad(`the header row names the column "${c}" twice`, file, pendingLine);
        seen.add(c);
      });
      columns = cells;
      return;
    }
    if (cells.length !== columns.length) {
      throw bad(
        `the row has ${cells.length} cell${cells.length === 1 ? '' : 's'} but the header has ${columns.length} columns`,
        file,
        pendingLine,
      );
    }
    rows.push(cells);
    rowLines.push(pendingLine);
  });
  if (pending !== '') throw bad('the table ends inside a quoted field', file, pendingLine);
  if (columns === undefined) throw bad('the lookup table has no header row', file, 1);
  return { name, columns, rows, lines: rowLines, ...(file === undefined ? {} : { file }) };
}

function tooLarge(file: string | undefined, max: number): InputError {
  return new InputError(
    'lookup_table_too_large',
    `the lookup table is larger than ${max} bytes (the service's limit for a table body is 10 MB)`,
    file === undefined ? {} : { file },
  );
}

/**
 * Reads a lookup table from a CSV file (see the module notes). At most
 * `maxBytes` + 1 bytes are read, so a huge file fails fast.
 *
 * @throws {InputError} `unreadable_file`, `bad_lookup_table`, `lookup_table_too_large`
 * @example
 * ```ts
 * const table = await loadLookupTable('networks', 'test/fixtures/lookups/networks.csv');
 * table.columns //=> ['cidr', 'zone', 'owner']
 * ```
 */
export async function loadLookupTable(
  name: string,
  path: string | URL,
  options: LookupTableOptions = {},
): Promise<LookupTable> {
  const file = typeof path === 'string' ? path : fileURLToPath(path);
  const max = options.maxBytes ?? MAX_LOOKUP_TABLE_BYTES;
  let bytes: Uint8Array;
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const buffer = new Uint8Array(Math.min(size, max) + 1);
      let filled = 0;
      while (filled < buffer.length) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      bytes = buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  } catch (e) {
    const reason = (e as { code?: unknown }).code ?? (e as Error).message;
    throw new InputError(
      'unreadable_file',
      `cannot read lookup table ${file}: ${String(reason)}`,
      { file },
      { cause: e },
    );
  }
  return parseLookupCsv(name, bytes, file, options);
}
