/**
 * Turns every accepted input shape into named byte-chunk sources: files,
 * directories (walked recursively), globs, stdin, Buffers, Node streams,
 * web streams and (async) iterables of chunks.
 *
 * @module
 */
import type { Dirent } from 'node:fs';
import { open, opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { InputError } from './input-error.js';

/**
 * One input accepted by `readLogs`: a path, `file:` URL, directory (walked
 * recursively), glob, `'-'` for stdin, bytes, a Node `Readable`, a web
 * `ReadableStream`, or an (async) iterable of `Uint8Array`/string chunks.
 *
 * @example
 * ```ts
 * const inputs: LogInput[] = ['samples/incident/', 'logs/**\/*.json.gz', Buffer.from('{"verb":"get"}\n')];
 * for await (const event of readLogs(inputs)) console.log(event.kind);
 * ```
 */
export type LogInput =
  | string
  | URL
  | Uint8Array
  | NodeJS.ReadableStream
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>;

/** A source of bytes with an optional file name. */
export interface ChunkSource {
  /** Path of a file; `undefined` for in-memory input and stdin. */
  readonly file?: string;
  /** True when the file was found by a directory walk or a glob (unknown formats are skipped, not errors). */
  readonly discovered: boolean;
  /** Set when the walk could not read this path: opening the source throws it. */
  readonly fault?: InputError;
  /**
   * Opens the source; closing the iterator closes the file. `maxChunkBytes`
   * caps the size of a file read (default {@link DEFAULT_READ_CHUNK}).
   */
  open(maxChunkBytes?: number): AsyncIterable<Uint8Array>;
}

/**
 * Largest file read by default. Chunks are parsed a batch at a time, so a
 * bigger chunk means more parsed records alive at once: 512 KiB keeps
 * full-parse queries' heaps small.
 */
export const DEFAULT_READ_CHUNK = 512 * 1024;
/**
 * Largest file read when most records are rejected on their raw bytes
 * (chunk search): few records are parsed, and fewer, bigger reads and chunk
 * searches make the scan faster.
 */
export const SEARCH_READ_CHUNK = 2 * 1024 * 1024;
/** First read: what format detection sees, as it always has (see docs/performance.md, Read sizes). */
const FIRST_READ = 512 * 1024;
const GLOB_CHARS = /[*?[\]{}]/;
const encoder = new TextEncoder();

function unreadable(file: string, e: unknown): InputError {
  const reason = (e as { code?: unknown }).code ?? (e as Error).message;
  return new InputError('unreadable_file', `cannot read ${file}: ${String(reason)}`, { file }, { cause: e });
}

/**
 * Reads a file in fresh chunks; I/O errors become `unreadable_file`. The
 * next chunk is read while the consumer works on the current one, so the
 * copy from the page cache overlaps the parsing. Chunks start at 512 KiB and
 * double on every full read up to `maxChunkBytes`.
 */
export async function* readFileChunks(
  file: string,
  maxChunkBytes: number = DEFAULT_READ_CHUNK,
): AsyncGenerator<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    throw unreadable(file, e);
  }
  const h = handle;
  let size = Math.min(FIRST_READ, maxChunkBytes);
  const readNext = async (): Promise<Uint8Array> => {
    const want = size;
    const buf = Buffer.allocUnsafe(want);
    let n: number;
    try {
      ({ bytesRead: n } = await h.read(buf, 0, want, null));
    } catch (e) {
      throw unreadable(file, e);
    }
    if (n === want) {
      size = Math.min(size * 2, maxChunkBytes); // a full read: the file goes on, read more at once
      return buf;
    }
    return buf.subarray(0, n);
  };
  let ahead: Promise<Uint8Array> | undefined;
  try {
    ahead = readNext();
    while (true) {
      const chunk = await ahead;
      ahead = undefined;
      if (chunk.length === 0) return;
      ahead = readNext();
      // a read the consumer never asks for is settled in `finally`; keep it from being unhandled meanwhile
      ahead.catch(() => {});
      yield chunk;
    }
  } finally {
    if (ahead !== undefined) await ahead.catch(() => {});
    await handle.close();
  }
}

/** A Uint8Array (or Buffer), also from another realm. */
function isBytes(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array || Object.prototype.toString.call(x) === '[object Uint8Array]';
}

function toBytes(chunk: unknown): Uint8Array {
  if (isBytes(chunk)) return chunk;
  if (typeof chunk === 'string') return encoder.encode(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new InputError('bad_input', `unsupported chunk type: ${typeof chunk}`);
}

async function* iterateChunks(
  source: AsyncIterable<unknown> | Iterable<unknown>,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) yield toBytes(chunk);
}

async function* iterateWebStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    while (true) {
      const r = await reader.read();
      if (r.done) return;
      yield toBytes(r.value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/**
 * The file-system calls a directory walk makes; a seam for tests (a test run
 * as root cannot make `chmod 000` deny anything).
 *
 * @internal
 */
export interface WalkFs {
  opendir(path: string): Promise<AsyncIterable<Dirent>>;
  stat(path: string): Promise<{ isDirectory(): boolean; isFile(): boolean; dev: number; ino: number }>;
}

/** What a directory walk passed over on purpose, counted (see docs/formats.md, Directory walks). */
export interface WalkCounts {
  /** Files and directories whose name starts with `.` (not read unless `includeDotFiles`). */
  dotFilesSkipped: number;
  /** Symbolic links to a directory already being walked (loops, and a second way into one tree). */
  symlinksSkipped: number;
  /** FIFOs, sockets and devices (reading one could block forever). */
  specialFilesSkipped: number;
}

/**
 * Settings of a walk: the file system, whether dot-files are read, and the
 * counts to add to.
 *
 * @internal
 */
export interface WalkContext {
  readonly fs?: WalkFs;
  readonly includeDotFiles?: boolean;
  readonly counts?: WalkCounts;
}

const nodeFs: WalkFs = { opendir, stat };

/** One entry a walk found: a file to read, or a path it could not read (a fault to count, not an end). */
type WalkEntry = { readonly file: string } | { readonly fault: InputError };

interface WalkState {
  readonly fs: WalkFs;
  readonly dots: boolean;
  readonly counts: WalkCounts;
  /** `dev:ino` of the directories on the current path: a symlink back into one is a loop. */
  readonly active: Set<string>;
}

/**
 * Walks a directory tree in name order. An unreadable directory is yielded
 * as a fault and the walk goes on with its siblings; symlinks are followed
 * (a link to a directory being walked is skipped and counted); dot-files and
 * special files are skipped and counted.
 */
async function* walkDirectory(dir: string, state: WalkState): AsyncGenerator<WalkEntry> {
  let names: { name: string; isDir: boolean; isFile: boolean; isLink: boolean }[];
  try {
    const d = await state.fs.opendir(dir);
    names = [];
    for await (const entry of d) {
      names.push({
        name: entry.name,
        isDir: entry.isDirectory(),
        isFile: entry.isFile(),
        isLink: entry.isSymbolicLink(),
      });
    }
  } catch (e) {
    yield { fault: unreadable(dir, e) };
    return;
  }
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of names) {
    if (!state.dots && entry.name.startsWith('.')) {
      state.counts.dotFilesSkipped++;
      continue;
    }
    const path = join(dir, entry.name);
    let isDir = entry.isDir;
    let isFile = entry.isFile;
    let key: string | undefined;
    if (entry.isLink || isDir) {
      let info: Awaited<ReturnType<WalkFs['stat']>>;
      try {
        info = await state.fs.stat(path); // follows the link
      } catch (e) {
        yield { fault: unreadable(path, e) }; // a dangling link, or a directory gone since it was listed
        continue;
      }
      isDir = info.isDirectory();
      isFile = info.isFile();
      if (isDir) key = `${info.dev}:${info.ino}`;
    }
    if (isDir) {
      if (key !== undefined && state.active.has(key)) {
        state.counts.symlinksSkipped++;
        continue;
      }
      if (key !== undefined) state.active.add(key);
      try {
        yield* walkDirectory(path, state);
      } finally {
        if (key !== undefined) state.active.delete(key);
      }
    } else if (isFile) {
      yield { file: path };
    } else {
      state.counts.specialFilesSkipped++;
    }
  }
}

/**
 * Empty walk counts.
 *
 * @example
 * ```ts
 * createWalkCounts().dotFilesSkipped //=> 0
 * ```
 * @internal
 */
export function createWalkCounts(): WalkCounts {
  return { dotFilesSkipped: 0, symlinksSkipped: 0, specialFilesSkipped: 0 };
}

function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function'
  );
}

function isIterable(x: unknown): x is Iterable<unknown> {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Record<symbol, unknown>)[Symbol.iterator] === 'function'
  );
}

function isWebStream(x: unknown): x is ReadableStream<Uint8Array> {
  return (
    typeof x === 'object' && x !== null && typeof (x as { getReader?: unknown }).getReader === 'function'
  );
}

function fileSource(file: string, discovered: boolean): ChunkSource {
  return { file, discovered, open: (maxChunkBytes) => readFileChunks(file, maxChunkBytes) };
}

/** A source that fails when opened: a path the walk could not read, counted where files are. */
function faultSource(error: InputError): ChunkSource {
  return {
    ...(error.file === undefined ? {} : { file: error.file }),
    discovered: true,
    fault: error,
    open: () => {
      throw error;
    },
  };
}

async function* expandPath(path: string, walk: WalkContext): AsyncGenerator<ChunkSource> {
  const fs = walk.fs ?? nodeFs;
  let info: Awaited<ReturnType<WalkFs['stat']>> | undefined;
  try {
    info = await fs.stat(path);
  } catch (e) {
    if (!GLOB_CHARS.test(path)) throw unreadable(path, e);
  }
  if (info?.isDirectory()) {
    const state: WalkState = {
      fs,
      dots: walk.includeDotFiles === true,
      counts: walk.counts ?? createWalkCounts(),
      active: new Set([`${info.dev}:${info.ino}`]),
    };
    for await (const entry of walkDirectory(path, state)) {
      yield 'file' in entry ? fileSource(entry.file, true) : faultSource(entry.fault);
    }
    return;
  }
  if (info !== undefined) {
    yield fileSource(path, false);
    return;
  }
  // (loaded on first use: most inputs are plain paths)
  const { glob } = await import('tinyglobby');
  const matches = await glob(path, {
    onlyFiles: true,
    dot: walk.includeDotFiles === true,
    expandDirectories: false,
  });
  if (matches.length === 0) throw new InputError('bad_input', `the glob ${path} matched no files`);
  matches.sort();
  for (const file of matches) yield fileSource(file, true);
}

/**
 * Expands inputs into chunk sources lazily (a directory is walked as it is
 * read).
 */
export async function* expandInputs(
  inputs: readonly LogInput[],
  walk: WalkContext = {},
): AsyncGenerator<ChunkSource> {
  for (const input of inputs) {
    if (typeof input === 'string') {
      if (input === '-') yield { discovered: false, open: () => iterateChunks(process.stdin) };
      else yield* expandPath(input, walk);
    } else if (input instanceof URL) {
      if (input.protocol !== 'file:')
        throw new InputError('bad_input', `only file: URLs are supported, got ${input.protocol}`);
      yield* expandPath(fileURLToPath(input), walk);
    } else if (isBytes(input)) {
      yield { discovered: false, open: () => iterateChunks([input]) };
    } else if (input instanceof Readable || isAsyncIterable(input)) {
      const it = input as AsyncIterable<unknown>;
      yield { discovered: false, open: () => iterateChunks(it) };
    } else if (isWebStream(input)) {
      yield { discovered: false, open: () => iterateWebStream(input) };
    } else if (isIterable(input)) {
      yield { discovered: false, open: () => iterateChunks(input) };
    } else {
      throw new InputError('bad_input', `unsupported input: ${Object.prototype.toString.call(input)}`);
    }
  }
}
