/**
 * Cutting bytes into chunks, for the tests that check a reader gives the same
 * events however its input is chunked.
 */

/** Cuts bytes at the given points (taken modulo length + 1, deduplicated and sorted). */
export function cut(bytes: Uint8Array, points: readonly number[]): Uint8Array[] {
  const sorted = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of sorted) {
    out.push(bytes.subarray(at, p));
    at = p;
  }
  out.push(bytes.subarray(at));
  return out;
}

/** The chunks as an async iterable, as a stream hands them over. */
export async function* asAsync(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield c;
}
