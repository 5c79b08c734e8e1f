/**
 * The UTF-8 byte length of a string without allocating its encoding:
 * `bytesScanned`, `messageSize()` and the lookup-table size cap count bytes
 * with it.
 *
 * @module
 */

const utf8Encoder = new TextEncoder();
/** Scratch space for {@link utf8Length}: 3 bytes per UTF-16 unit is the most UTF-8 can take. */
let utf8Scratch = new Uint8Array(3 * 8192);
/** Messages up to this many UTF-16 units are measured by encoding them (native code); longer ones by a loop. */
const ENCODE_MAX_UNITS = 65536;

/**
 * The UTF-8 byte length of a string, as `TextEncoder` would encode it: a
 * lone surrogate counts as the 3 bytes of U+FFFD.
 *
 * @example
 * ```ts
 * utf8Length('héllo') //=> 6
 * utf8Length('😀') //=> 4
 * utf8Length('\ud800') //=> 3
 * ```
 */
export function utf8Length(s: string): number {
  if (s.length <= ENCODE_MAX_UNITS) {
    if (utf8Scratch.length < 3 * s.length) utf8Scratch = new Uint8Array(3 * ENCODE_MAX_UNITS);
    return utf8Encoder.encodeInto(s, utf8Scratch).written;
  }
  return utf8LengthLoop(s);
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function utf8LengthLoop(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      if (c < 0x800) n += 1;
      else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(s.charCodeAt(i + 1))) {
        n += 2; // a surrogate pair: 4 bytes for 2 units
        i++;
      } else n += 2;
    }
  }
  return n;
}
