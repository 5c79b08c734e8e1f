/**
 * Transparent gunzip by magic bytes, including concatenated members and
 * double-gzipped payloads.
 *
 * @module
 */
import { Readable } from 'node:stream';
import { constants, createGunzip, gunzipSync } from 'node:zlib';
import { InputError } from './input-error.js';

/** Tells whether bytes start with the gzip magic `1F 8B`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses as much of a gzip prefix as possible (for format detection);
 * returns what could be inflated, possibly nothing.
 */
export function gunzipPrefix(bytes: Uint8Array): Uint8Array {
  try {
    return gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return new Uint8Array(0);
  }
}

/** Byte counters shared with the caller. */
export interface ByteCounter {
  bytes: number;
}

/** A chunk stream with its first bytes looked at. */
export interface PeekedChunks {
  /** The first bytes (at least `want` unless the stream is shorter), concatenated. */
  readonly head: Uint8Array;
  /** All chunks, including those in `head`, in order. `return()` closes the source even if never iterated. */
  readonly chunks: AsyncIterableIterator<Uint8Array> & { return(): Promise<IteratorResult<Uint8Array>> };
}

/**
 * Reads chunks until at least `want` bytes are buffered, then replays them.
 * Closing the returned iterable closes the source.
 */
export async function peekChunks(source: AsyncIterable<Uint8Array>, want: number): Promise<PeekedChunks> {
  const it = source[Symbol.asyncIterator]();
  const buffered: Uint8Array[] = [];
  let total = 0;
  let done = false;
  try {
    while (total < want) {
      const r = await it.next();
      if (r.done) {
        done = true;
        break;
      }
      if (r.value.length === 0) continue;
      buffered.push(r.value);
      total += r.value.length;
    }
  } catch (e) {
    await it.return?.();
    throw e;
  }
  const head = buffered.length === 1 ? buffered[0]! : Buffer.concat(buffered);
  const chunks: AsyncIterableIterator<Uint8Array> & { return(): Promise<IteratorResult<Uint8Array>> } = {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<Uint8Array>> {
      const b = buffered.shift();
      if (b !== undefined) return { value: b, done: false };
      if (done) return { value: undefined, done: true };
      const r = await it.next();
      if (r.done) done = true;
      return r;
    },
    async return(): Promise<IteratorResult<Uint8Array>> {
      buffered.length = 0;
      if (!done) {
        done = true;
        await it.return?.();
      }
      return { value: undefined, done: true };
    },
  };
  return { head, chunks };
}

/** The size of the pieces zlib is given (see {@link fixedSizeChunks}). */
const GUNZIP_INPUT_CHUNK = 64 * 1024;

/**
 * Re-cuts a byte stream into pieces of exactly `size` bytes (the last may be
 * shorter), whatever chunks the source gives. zlib reports how much input it
 * had taken when a fault stops it only at the end of its steps, so the
 * location of a `bad_gzip` depends on where the pieces it was given start and
 * end; with fixed pieces it is the same however the file was read (found by the
 * fuzz campaign: a CRC fault located at byte 1048341 with one read size and at
 * 1048576 with another). Aligned source chunks are sliced, not copied.
 *
 * @example
 * ```ts
 * for await (const piece of fixedSizeChunks(chunks, 65536)) gz.write(piece);
 * ```
 */
export async function* fixedSizeChunks(
  source: AsyncIterable<Uint8Array>,
  size: number,
): AsyncGenerator<Uint8Array> {
  let carry: Uint8Array | undefined;
  for await (const chunk of source) {
    let rest = chunk;
    if (carry !== undefined) {
      const need = size - carry.length;
      const joined = new Uint8Array(carry.length + Math.min(need, rest.length));
      joined.set(carry, 0);
      joined.set(rest.subarray(0, need), carry.length);
      rest = rest.subarray(Math.min(need, rest.length));
      if (joined.length < size) {
        carry = joined;
        continue;
      }
      carry = undefined;
      yield joined;
    }
    let at = 0;
    while (rest.length - at >= size) {
      yield rest.subarray(at, at + size);
      at += size;
    }
    if (at < rest.length) carry = rest.slice(at);
  }
  if (carry !== undefined) yield carry;
}

/**
 * Gunzips a chunk stream (which must start with the gzip magic). Damaged and
 * truncated data become {@link InputError}s located at the compressed offset.
 */
export async function* gunzipChunks(
  source: AsyncIterable<Uint8Array>,
  file: string | undefined,
  compressedCounter: ByteCounter,
): AsyncGenerator<Uint8Array> {
  const input = Readable.from(fixedSizeChunks(source, GUNZIP_INPUT_CHUNK), { objectMode: false });
  const gz = createGunzip({ chunkSize: 256 * 1024 });
  input.on('error', (e) => gz.destroy(e));
  input.pipe(gz);
  try {
    for await (const chunk of gz) yield chunk as Uint8Array;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as { code?: unknown }).code;
    // the compressed bytes zlib had taken in before the fault: where it is, whatever the reader had read ahead
    // (the bytes read from the file depend on how fast the records were consumed; found by the fuzz campaign)
    const byteOffset = Math.min(gz.bytesWritten, compressedCounter.bytes);
    if (code === 'Z_BUF_ERROR') {
      throw new InputError(
        'truncated_gzip',
        'gzip data ends before the end of the member',
        { ...(file === undefined ? {} : { file }), byteOffset },
        { cause: e },
      );
    }
    throw new InputError(
      'bad_gzip',
      `corrupt gzip data: ${(e as Error).message}`,
      { ...(file === undefined ? {} : { file }), byteOffset },
      { cause: e },
    );
  } finally {
    input.unpipe(gz);
    input.destroy();
    gz.destroy();
  }
}
