/**
 * Splits a byte stream into lines without making a string per line.
 *
 * @module
 */

/** Receives one line: `bytes[start, end)` without its `\n` (and without a trailing `\r`). */
export type LineHandler = (
  bytes: Uint8Array,
  start: number,
  end: number,
  line: number,
  offset: number,
) => void;

/** Receives a line that exceeded the limit; its bytes are dropped. */
export type LongLineHandler = (line: number, offset: number, length: number) => void;

/** A push-based line splitter. */
export interface LineSplitter {
  /** Feeds the next chunk; calls the line handler for every complete line in it. */
  push(chunk: Uint8Array): void;
  /** Flushes a final line that has no newline. */
  end(): void;
}

/** Options of {@link createLineSplitter}. */
export interface LineSplitterOptions {
  /** Largest line kept, in bytes; longer lines are reported to `onTooLong` and dropped. */
  readonly maxLineBytes: number;
  /** Byte offset of the first byte pushed (e.g. 3 after a skipped BOM). */
  readonly startOffset?: number;
  readonly onLine: LineHandler;
  readonly onTooLong: LongLineHandler;
  /**
   * Chunk-level skipping: for each chunk, an optional search whose result for
   * a line start is the position of the next possible hit. Whole lines of the
   * chunk that end before it go to `onSkippable` instead of `onLine`.
   */
  readonly search?: (chunk: Uint8Array) => ((from: number) => number) | undefined;
  /** Receives the lines `search` rules out (required with `search`). */
  readonly onSkippable?: LineHandler;
}

const NL = 10;
const CR = 13;

function concat(pieces: readonly Uint8Array[], total: number): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Creates a line splitter. Lines that span chunks are joined; lines within a
 * chunk are passed as a range of the chunk itself (no copy). Handlers must
 * not keep the byte array after they return.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const s = createLineSplitter({
 *   maxLineBytes: 1 << 20,
 *   onLine: (b, start, end) => lines.push(Buffer.from(b).toString('utf8', start, end)),
 *   onTooLong: () => {},
 * });
 * s.push(Buffer.from('a\r\nb'));
 * s.end(); // lines = ['a', 'b']
 * ```
 */
export function createLineSplitter(options: LineSplitterOptions): LineSplitter {
  const { maxLineBytes, onLine, onTooLong, search } = options;
  const onSkippable = options.onSkippable ?? onLine;
  let pieces: Uint8Array[] = [];
  let carried = 0;
  let discarding = false;
  let lineNo = 1;
  let lineOffset = options.startOffset ?? 0;
  let offset = lineOffset;

  function emit(bytes: Uint8Array, start: number, end: number): void {
    let e = end;
    if (e > start && bytes[e - 1] === CR) e--;
    onLine(bytes, start, e, lineNo, lineOffset);
  }

  function skip(bytes: Uint8Array, start: number, end: number): void {
    let e = end;
    if (e > start && bytes[e - 1] === CR) e--;
    onSkippable(bytes, start, e, lineNo, lineOffset);
  }

  return {
    push(chunk) {
      let pos = 0;
      const n = chunk.length;
      const next = search?.(chunk);
      // lines of this chunk that end before `hit` can be skipped; recomputed once passed
      let hit = -1;
      while (pos < n) {
        const nl = chunk.indexOf(NL, pos);
        if (nl < 0) {
          const rest = n - pos;
          if (!discarding) {
            if (carried + rest > maxLineBytes) {
              onTooLong(lineNo, lineOffset, carried + rest);
              discarding = true;
              pieces = [];
              carried = 0;
            } else {
              pieces.push(chunk.subarray(pos));
              carried += rest;
            }
          }
          offset += rest;
          return;
        }
        const len = nl - pos;
        if (discarding) {
          discarding = false;
        } else if (carried + len > maxLineBytes) {
          onTooLong(lineNo, lineOffset, carried + len);
          pieces = [];
          carried = 0;
        } else if (carried === 0) {
          if (next !== undefined && hit < pos) hit = next(pos);
          if (nl < hit) skip(chunk, pos, nl);
          else emit(chunk, pos, nl);
        } else {
          pieces.push(chunk.subarray(pos, nl));
          const joined = concat(pieces, carried + len);
          pieces = [];
          carried = 0;
          emit(joined, 0, joined.length);
        }
        offset += len + 1;
        lineNo++;
        lineOffset = offset;
        pos = nl + 1;
      }
    },
    end() {
      if (!discarding && carried > 0) {
        const joined = concat(pieces, carried);
        pieces = [];
        carried = 0;
        emit(joined, 0, joined.length);
      }
      discarding = false;
    },
  };
}
