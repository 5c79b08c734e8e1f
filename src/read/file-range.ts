/**
 * Reads the whole lines of one byte range of a file, so that a file can be
 * cut into ranges that are read independently (by worker threads) and
 * together hold every line exactly once.
 *
 * A range `{ start, end }` begins just after the first `\n` at or after
 * `start` (at 0 when `start` is 0) and ends with the first `\n` at or after
 * `end` (or at the end of the file). Ranges `[0, a)`, `[a, b)`, …, `[z, size)`
 * therefore partition the file's lines: the line that holds byte `a` (or
 * starts there) belongs to the first range, the next line to the second.
 *
 * @module
 */
import { open } from 'node:fs/promises';
import { InputError } from './input-error.js';

/** A byte range of a file, cut at line ends (see the module notes). */
export interface ByteRange {
  /** 0-based offset at or after which the range's first line starts. */
  readonly start: number;
  /** 0-based offset; the range ends with the line that holds byte `end`. */
  readonly end: number;
}

/** The chunks of a range and where they start in the file. */
export interface RangeChunks {
  readonly chunks: AsyncGenerator<Uint8Array>;
  /** The file offset of the range's first byte, known once the first chunk was produced (or the range found empty). */
  readonly start: () => number;
}

const CHUNK = 512 * 1024;
const NEWLINE = 10;

function unreadable(file: string, e: unknown): InputError {
  const reason = (e as { code?: unknown }).code ?? (e as Error).message;
  return new InputError('unreadable_file', `cannot read ${file}: ${String(reason)}`, { file }, { cause: e });
}

/** How {@link readFileRange} reads. */
export interface RangeReadOptions {
  /** Bytes per read. @defaultValue 512 KiB */
  readonly chunkBytes?: number;
  /**
   * Read every chunk into one buffer: a chunk is then valid only until the
   * next one is asked for. For a consumer that keeps nothing of a chunk (a
   * line count), this spares a new buffer per read, which piles up outside
   * the heap until a GC when the consumer allocates little else.
   */
  readonly reuseBuffer?: boolean;
}

/**
 * Opens the line-aligned range of a file. I/O errors become `unreadable_file`.
 *
 * @example
 * ```ts
 * const { chunks, start } = readFileRange('big.ndjson', { start: 1 << 20, end: 2 << 20 });
 * for await (const chunk of chunks) handle(chunk);
 * start() //=> offset of the first line after byte 1 MiB
 * ```
 */
export function readFileRange(file: string, range: ByteRange, options: RangeReadOptions = {}): RangeChunks {
  let first = range.start <= 0 ? 0 : Number.NaN;
  const size = Math.max(1, Math.floor(options.chunkBytes ?? CHUNK));
  async function* chunks(): AsyncGenerator<Uint8Array> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(file, 'r');
    } catch (e) {
      throw unreadable(file, e);
    }
    const shared = options.reuseBuffer === true ? Buffer.allocUnsafe(size) : undefined;
    const read = async (position: number): Promise<Buffer> => {
      const buf = shared ?? Buffer.allocUnsafe(size);
      try {
        const { bytesRead } = await handle.read(buf, 0, size, position);
        return bytesRead === size ? buf : buf.subarray(0, bytesRead);
      } catch (e) {
        throw unreadable(file, e);
      }
    };
    try {
      let pos = Math.max(0, range.start);
      if (Number.isNaN(first)) {
        // the range starts after the first line end at or after `start`
        for (;;) {
          const buf = await read(pos);
          if (buf.length === 0) {
            first = pos;
            return;
          }
          const nl = buf.indexOf(NEWLINE);
          if (nl !== -1) {
            pos += nl + 1;
            first = pos;
            // that line end is at or after `end` too: the range holds no line
            if (first > range.end) return;
            break;
          }
          pos += buf.length;
        }
      }
      for (;;) {
        const buf = await read(pos);
        if (buf.length === 0) return;
        if (pos + buf.length > range.end) {
          // the range ends with the first line end at or after `end`
          const nl = buf.indexOf(NEWLINE, Math.max(0, range.end - pos));
          if (nl !== -1) {
            yield buf.subarray(0, nl + 1);
            return;
          }
        }
        yield buf;
        pos += buf.length;
      }
    } finally {
      await handle.close();
    }
  }
  return {
    chunks: chunks(),
    start: () => (Number.isNaN(first) ? Math.max(0, range.start) : first),
  };
}
