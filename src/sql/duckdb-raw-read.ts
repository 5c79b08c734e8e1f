/**
 * The raw-file fast path of the DuckDB engine: plain Kubernetes audit NDJSON
 * files are read by DuckDB itself (`read_ndjson` with only the keys the
 * query reads, `duckdb-raw-load.ts`) while a byte scan of the same file runs
 * on the main thread (`duckdb-raw-scan.ts`), instead of `JSON.parse`-ing
 * every record in kubetrail's readers. It is the default (`readRaw: false`
 * turns it off).
 *
 * The fast path must give the readers' exact events and statistics, so a
 * file is taken only when the loading statement's per-line check and the
 * scan prove the result equal; otherwise the whole query falls back to the
 * readers (and says why through `onRawRead`). A file is taken when:
 *
 * - it is a local file named directly (no directory, glob, stdin or range),
 *   not gzip, its content is detected as `kubernetes-audit-ndjson` with no
 *   byte-order mark, and DuckDB's reader accepts every line (malformed JSON,
 *   invalid UTF-8, a lone surrogate escape, a line over the line limit, a
 *   duplicate key or a non-object on a path the query reads all fail it);
 * - the scan finds no `\r`, none of DuckDB's JSON extensions that
 *   `JSON.parse` rejects (`NaN`, `Infinity`, `inf` in any case where a value
 *   starts, trailing commas; a match inside a string also counts), no JSON
 *   `null` after the last key of a field the query reads (DuckDB reads it as
 *   missing), no dotted key the engine's flattened-name lookup could take
 *   instead, and no `\u` escape of one of those keys' characters in a key;
 * - every line is blank (spaces and tabs only: skipped uncounted, as the
 *   readers skip it) or an audit event as `classifyRecord` sees it (`kind`
 *   "Event", an `audit.k8s.io/` `apiVersion`, a string `auditID`, none of
 *   the CloudTrail, digest or EventBridge keys), whose
 *   `requestReceivedTimestamp` is an ISO time `YYYY-MM-DDTHH:MM:SS[.fraction]Z`
 *   that both parsers read to the same millisecond;
 * - every number the query reads is an integer of at most 15 digits (so that
 *   `JSON.parse` and `JSON.stringify` keep its text), and no line is longer
 *   than `maxLineBytes` nor than `2 × maxRecordValues` bytes (so the
 *   readers' value cap cannot apply).
 *
 * @module
 */
import { open, stat } from 'node:fs/promises';
import { streamSuffixOf } from '../read/build-event.js';
import { DETECT_BYTES, detectDecompressed } from '../read/detect-format.js';
import { pathAccountId, qualifiedLogGroup } from '../read/log-group.js';
import type { ReadLogsOptions } from '../read/read-options.js';
import { DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_RECORD_VALUES } from '../read/read-options.js';
import type { LogInput } from '../read/sources.js';

/** One file the fast path may read. */
export interface RawFile {
  /** The path as given (the events' `@ptr` and `source.file`). */
  readonly path: string;
  /** Size on disk. */
  readonly size: number;
  readonly logStream: string;
  readonly logGroup: string | undefined;
}

/**
 * How far a read has got, for a progress line: records and bytes so far
 * (over all files), and the file being read with the bytes read of it.
 * Given by `duckdb.onProgress` on both paths of the DuckDB engine: after
 * each chunk of the raw path's byte scan, and after each event of the readers.
 *
 * @example
 * ```ts
 * const onProgress = (p: ReadProgress) => process.stderr.write(`\r${p.records} records, ${p.bytes} bytes`);
 * ```
 */
export interface ReadProgress {
  /** Records read (the raw path: non-blank lines scanned). */
  readonly records: number;
  /** Bytes read: the raw path's bytes scanned, the readers' message bytes (one more per record for its newline). */
  readonly bytes: number;
  /** The file being read, when the input is a file. */
  readonly file?: string | undefined;
  /** Bytes of that file read so far (decompressed bytes for the readers), when known. */
  readonly offset?: number | undefined;
}

/** The files and read limits of a query the fast path may take. */
export interface RawReadPlan {
  readonly files: readonly RawFile[];
  readonly maxLineBytes: number;
  readonly maxRecordValues: number;
  /** Told how far the byte scan has got, after each chunk. */
  readonly onProgress?: ((progress: ReadProgress) => void) | undefined;
}

/**
 * What the fast path did: DuckDB read the files itself, or the reason
 * kubetrail's readers read them (given to `duckdb.onRawRead`).
 *
 * @example
 * ```ts
 * const onRawRead = (r: RawReadReport) => r.path === 'readers' && console.warn(r.reason);
 * ```
 */
export type RawReadReport =
  | { readonly path: 'duckdb'; readonly files: number; readonly records: number }
  | { readonly path: 'readers'; readonly reason: string };

/** The query's side of the decision: the fields it reads and whether something else must see every event. */
export interface RawReadQuery {
  /** Record fields the query reads (system fields excluded). */
  readonly fields: readonly string[];
  /** True when an `onEvent`/`tapEvents` hook or a field cap needs the readers' events. */
  readonly needsEvents: boolean;
}

const GLOB = /[*?[\]{}!]/;
const FIELD_PART = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const DIGITS = /^\d+$/;

/**
 * Why a query cannot take the fast path at all, or `undefined` when its
 * fields and read options allow it.
 *
 * @example
 * ```ts
 * queryObstacle({ fields: ['verb'], needsEvents: false }, {}); //=> undefined
 * ```
 */
export function queryObstacle(query: RawReadQuery, read: ReadLogsOptions): string | undefined {
  if (query.needsEvents) return 'an onEvent or tapEvents hook needs the events of the readers';
  if (read.range !== undefined) return 'a byte range is read by the readers';
  if (read.format !== undefined && read.format !== 'kubernetes-audit-ndjson') return `format ${read.format}`;
  if (read.kinds !== undefined) return 'a kind filter';
  if (read.walkFs !== undefined) return 'a custom file system';
  for (const name of query.fields) {
    const parts = name.split('.');
    if (!parts.every((p) => FIELD_PART.test(p) && !DIGITS.test(p))) return `field ${name}`;
  }
  return undefined;
}

/** Reads the head of a file. */
async function probeFile(path: string): Promise<{ head: Uint8Array; size: number }> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const head = new Uint8Array(Math.min(size, DETECT_BYTES));
    await handle.read(head, 0, head.length, 0);
    return { head, size };
  } finally {
    await handle.close();
  }
}

function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/**
 * Plans the fast path for the inputs of a query: every input must be a file
 * path whose content is plain audit NDJSON. Returns the reason otherwise.
 *
 * @example
 * ```ts
 * const plan = await planRawRead(['audit.ndjson'], {});
 * if (typeof plan !== 'string') console.log(plan.files.length);
 * ```
 */
export async function planRawRead(
  inputs: readonly LogInput[],
  read: ReadLogsOptions,
): Promise<RawReadPlan | string> {
  if (inputs.length === 0) return 'no input';
  const files: RawFile[] = [];
  for (const [index, input] of inputs.entries()) {
    if (typeof input !== 'string' || input === '-' || GLOB.test(input))
      return 'an input that is not a file path';
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(input);
    } catch {
      return `${input} cannot be read here`;
    }
    if (!info.isFile()) return `${input} is not a plain file`;
    const probe = await probeFile(input);
    const head = probe.head;
    if (isGzip(head)) return `${input}: gzip (the readers decompress it)`;
    if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
      return `${input}: byte-order mark`;
    }
    const format = read.format ?? detectDecompressed(head, input);
    if (format !== 'kubernetes-audit-ndjson') return `${input}: format ${format}`;
    files.push({
      path: input,
      size: probe.size,
      logStream:
        read.logStream ??
        `kube-apiserver-audit-${streamSuffixOf(input, index === 0 ? 'input' : `input-${index}`)}`,
      logGroup: qualifiedLogGroup(read.logGroup, pathAccountId(input)),
    });
  }
  return {
    files,
    maxLineBytes: read.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
    maxRecordValues: read.maxRecordValues ?? DEFAULT_MAX_RECORD_VALUES,
  };
}
