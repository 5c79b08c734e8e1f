/**
 * Chunk-level search for the raw prefilter: instead of testing every line
 * of a chunk for a literal, search the literal in the whole chunk once and
 * let the line splitter hand the lines before the next hit straight to the
 * prefilter's rejection, without decoding or testing them one by one.
 *
 * @module
 */
import type { RawPrefilter } from './read-options.js';

/**
 * Starts a search of `bytes[0, end)`. The returned function gives, for a
 * position `from` (never smaller than the previous call's), a position
 * `p >= from` (or `end`) such that every byte range inside `[from, p)`
 * whose first byte after spaces and tabs is `{` fails the prefilter's
 * `test`. Ranges with a line feed inside are not meant (the readers give
 * it lines).
 *
 * @internal
 */
export type ChunkSearch = (bytes: Uint8Array, end: number) => (from: number) => number;

/**
 * A {@link RawPrefilter} that can also search a whole chunk.
 *
 * @internal
 */
export interface ChunkSearchPrefilter extends RawPrefilter {
  readonly searchChunk: ChunkSearch;
}

/**
 * Tells whether a prefilter can search whole chunks.
 *
 * @internal
 */
export function canSearchChunks(p: RawPrefilter | undefined): p is ChunkSearchPrefilter {
  return p !== undefined && typeof (p as Partial<ChunkSearchPrefilter>).searchChunk === 'function';
}

/**
 * Creates a search for the first occurrence of any of `patterns`: `from`
 * maps to the smallest start of an occurrence at or after `from`, or `end`.
 * Each pattern's next occurrence is remembered, so a chunk is searched once
 * per pattern whatever the number of calls (positions must not decrease).
 *
 * @example
 * ```ts
 * const next = createMultiSearch([Buffer.from('ab'), Buffer.from('cd')])(Buffer.from('xxcdab'), 6);
 * next(0) //=> 2
 * next(3) //=> 4
 * next(5) //=> 6
 * ```
 * @internal
 */
export function createMultiSearch(patterns: readonly Uint8Array[]): ChunkSearch {
  const needles = patterns.map((p) => Buffer.from(p.buffer, p.byteOffset, p.length));
  return (bytes, end) => {
    const view = Buffer.from(bytes.buffer, bytes.byteOffset, end);
    const next = needles.map(() => -1);
    return (from) => {
      let best = end;
      for (let i = 0; i < needles.length; i++) {
        let at = next[i] as number;
        if (at < from) {
          at = view.indexOf(needles[i] as Buffer, from);
          if (at < 0) at = end;
          next[i] = at;
        }
        if (at < best) best = at;
      }
      return best;
    };
  };
}
