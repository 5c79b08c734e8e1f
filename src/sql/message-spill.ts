/**
 * Messages kept out of DuckDB until the result rows need them.
 *
 * A query that only shows `@message` (`fields @timestamp, @message | filter
 * …`) needs the text of the rows it returns, not of every event: copied into
 * DuckDB, the messages are most of the loaded table, which then outgrows
 * DuckDB's memory limit and spills (peak RSS grew with the input). Instead,
 * each message goes to one temporary file and DuckDB holds a short handle
 * (`offset:bytes`); the result rows' handles are read back at the end.
 *
 * {@link lateMessageColumns} decides when that is exact: the SQL passes
 * `kt_message` through untouched to output columns and reads it nowhere
 * else (no filter, sort, group, parse or function sees the handle).
 *
 * @module
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_SYSTEM_COLUMNS, type CompiledSql } from './compile-sql.js';
import { holdsLoneSurrogate } from './lone-surrogate.js';

/** Pending message text is written once it reaches this many UTF-16 units. */
const WRITE_UNITS = 1 << 20;

/** The output aliases of the final SELECT that are `kt_message` itself. */
const PASSED_THROUGH = /(?<=SELECT |, )kt_message AS (c\d+)(?=, | FROM )/g;

/**
 * The output columns (aliases) that show `kt_message` unchanged, when that
 * is the only use the SQL makes of it; `undefined` when the query reads
 * `@message` in any other way (or not at all).
 *
 * @example
 * ```ts
 * lateMessageColumns(compileToSql('fields @message', { dialect: 'duckdb', table: 'kubetrail' })) //=> ['c0']
 * ```
 * @internal
 */
export function lateMessageColumns(compiled: CompiledSql): string[] | undefined {
  const at = compiled.sql.lastIndexOf('\nSELECT ');
  if (at < 0) return undefined;
  // The CTEs may carry the column along in the base relation's column list, nothing more.
  const ctes = compiled.sql.slice(0, at).replaceAll(BASE_SYSTEM_COLUMNS, '');
  if (ctes.includes('kt_message')) return undefined;
  const select = compiled.sql.slice(at + 1);
  const aliases = [...select.matchAll(PASSED_THROUGH)].map((m) => m[1] as string);
  if (aliases.length === 0 || select.replace(PASSED_THROUGH, '').includes('kt_message')) return undefined;
  const known = new Set(compiled.columns.map((c) => c.alias));
  return aliases.every((a) => known.has(a)) ? aliases : undefined;
}

/** A temporary file of messages, written in order and read back by handle. */
export interface MessageSpill {
  /** Stores a message; returns its handle. */
  put(message: string): string;
  /** The message of a handle {@link MessageSpill.put} returned. */
  get(handle: string): string;
  /** Closes and removes the file. */
  dispose(): void;
}

/**
 * Opens a message spill file in a new directory under `dir`.
 *
 * @example
 * ```ts
 * const spill = openMessageSpill(tmpdir());
 * const h = spill.put('{"verb":"get"}');
 * spill.get(h); //=> '{"verb":"get"}'
 * spill.dispose();
 * ```
 * @internal
 */
export function openMessageSpill(dir: string): MessageSpill {
  const home = mkdtempSync(join(dir, 'kubetrail-messages-'));
  let fd: number;
  try {
    fd = openSync(join(home, 'messages'), 'w+');
  } catch (error) {
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
  // Text not yet written (a rope: V8 joins it once, when it is written) and the bytes before each handle.
  let pending = '';
  let offset = 0;
  const flush = (): void => {
    if (pending !== '') writeSync(fd, pending);
    pending = '';
  };
  return {
    put(message) {
      // UTF-8 would turn a lone surrogate into U+FFFD: such a message is stored as UTF-16.
      if (holdsLoneSurrogate(message)) {
        flush();
        const wide = Buffer.from(message, 'utf16le');
        writeSync(fd, wide);
        const handle = `${offset}:${wide.length}w`;
        offset += wide.length;
        return handle;
      }
      const bytes = Buffer.byteLength(message);
      const handle = `${offset}:${bytes}`;
      offset += bytes;
      pending += message;
      if (pending.length >= WRITE_UNITS) flush();
      return handle;
    },
    get(handle) {
      flush();
      const colon = handle.indexOf(':');
      const wide = handle.endsWith('w');
      const start = Number(handle.slice(0, colon));
      const bytes = Number(handle.slice(colon + 1, wide ? -1 : undefined));
      const buffer = Buffer.alloc(bytes);
      let read = 0;
      while (read < bytes) {
        const n = readSync(fd, buffer, read, bytes - read, start + read);
        if (n === 0) break;
        read += n;
      }
      return buffer.toString(wide ? 'utf16le' : 'utf8', 0, read);
    },
    dispose() {
      closeSync(fd);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
