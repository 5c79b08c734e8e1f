/**
 * The hashing functions of the newest revision (`md5`, `sha256`): lower-case
 * hex digests of the UTF-8 bytes of the value's result string.
 *
 * Both digests are implemented here from their specifications (RFC 1321 and
 * FIPS 180-4) so that `src/query` stays free of `node:` imports and runs in a
 * browser bundle.
 *
 * @module
 */
import { argString } from './args.js';
import type { FunctionDef } from './types.js';

const encoder = new TextEncoder();

/** Pads a message as MD5 and SHA-256 both do: 0x80, zeros, then the bit length (64 bits). */
function pad(bytes: Uint8Array, bigEndianLength: boolean): Uint8Array {
  const total = (((bytes.length + 8) >>> 6) + 1) << 6;
  const out = new Uint8Array(total);
  out.set(bytes);
  out[bytes.length] = 0x80;
  const bits = bytes.length * 8;
  const lo = bits >>> 0;
  const hi = Math.floor(bits / 0x100000000) >>> 0;
  for (let i = 0; i < 4; i++) {
    if (bigEndianLength) {
      out[total - 1 - i] = (lo >>> (8 * i)) & 0xff;
      out[total - 5 - i] = (hi >>> (8 * i)) & 0xff;
    } else {
      out[total - 8 + i] = (lo >>> (8 * i)) & 0xff;
      out[total - 4 + i] = (hi >>> (8 * i)) & 0xff;
    }
  }
  return out;
}

function hex32(words: readonly number[], littleEndian: boolean): string {
  let s = '';
  for (const w of words) {
    for (let i = 0; i < 4; i++) {
      const byte = littleEndian ? (w >>> (8 * i)) & 0xff : (w >>> (24 - 8 * i)) & 0xff;
      s += byte.toString(16).padStart(2, '0');
    }
  }
  return s;
}

const MD5_SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const MD5_K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000) >>> 0);

/**
 * The MD5 digest (RFC 1321) of some bytes, as 32 lower-case hex digits.
 *
 * @example
 * ```ts
 * md5Hex(new TextEncoder().encode('abc')) //=> '900150983cd24fb0d6963f7d28e17f72'
 * ```
 */
export function md5Hex(bytes: Uint8Array): string {
  const m = pad(bytes, false);
  let a0 = 0x67452301;
  let b0 = 0xefcdab89;
  let c0 = 0x98badcfe;
  let d0 = 0x10325476;
  const w = new Array<number>(16);
  for (let off = 0; off < m.length; off += 64) {
    for (let i = 0; i < 16; i++) {
      const j = off + 4 * i;
      w[i] = (m[j]! | (m[j + 1]! << 8) | (m[j + 2]! << 16) | (m[j + 3]! << 24)) >>> 0;
    }
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      const s = MD5_SHIFTS[(i >>> 4) * 4 + (i % 4)]!;
      const sum = (a + f + MD5_K[i]! + w[g]!) >>> 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << s) | (sum >>> (32 - s)))) >>> 0;
    }
    a0 = (a0 + a) >>> 0;
    b0 = (b0 + b) >>> 0;
    c0 = (c0 + c) >>> 0;
    d0 = (d0 + d) >>> 0;
  }
  return hex32([a0, b0, c0, d0], true);
}

const SHA256_K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
];

function rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}

/**
 * The SHA-256 digest (FIPS 180-4) of some bytes, as 64 lower-case hex digits.
 *
 * @example
 * ```ts
 * sha256Hex(new TextEncoder().encode('abc')) //=> 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 * ```
 */
export function sha256Hex(bytes: Uint8Array): string {
  const m = pad(bytes, true);
  const h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  const w = new Array<number>(64);
  for (let off = 0; off < m.length; off += 64) {
    for (let i = 0; i < 16; i++) {
      const j = off + 4 * i;
      w[i] = ((m[j]! << 24) | (m[j + 1]! << 16) | (m[j + 2]! << 8) | m[j + 3]!) >>> 0;
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!;
      const y = w[i - 2]!;
      const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
      const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = h as [number, number, number, number, number, number, number, number];
    for (let i = 0; i < 64; i++) {
      const s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + s1 + ch + SHA256_K[i]! + w[i]!) >>> 0;
      const s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (s0 + maj) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] = (h[0]! + a) >>> 0;
    h[1] = (h[1]! + b) >>> 0;
    h[2] = (h[2]! + c) >>> 0;
    h[3] = (h[3]! + d) >>> 0;
    h[4] = (h[4]! + e) >>> 0;
    h[5] = (h[5]! + f) >>> 0;
    h[6] = (h[6]! + g) >>> 0;
    h[7] = (h[7]! + hh) >>> 0;
  }
  return hex32(h, false);
}

/**
 * The hashing functions.
 *
 * @example
 * ```ts
 * HASH_FUNCTIONS.map((f) => f.name) //=> ['md5', 'sha256']
 * ```
 */
export const HASH_FUNCTIONS: readonly FunctionDef[] = Object.freeze([
  {
    kind: 'scalar',
    name: 'md5',
    signature: 'md5(s)',
    family: 'hash',
    returns: 'string',
    minArgs: 1,
    maxArgs: 1,
    summary:
      'MD5 of the UTF-8 bytes of the value (numbers, booleans and timestamps as their result string), as 32 lower-case hex digits; no value for missing, null, maps and lists.',
    example: 'md5("abc") => "900150983cd24fb0d6963f7d28e17f72"',
    call: (args) => {
      const s = argString(args[0]);
      return s === undefined ? undefined : md5Hex(encoder.encode(s));
    },
  },
  {
    kind: 'scalar',
    name: 'sha256',
    signature: 'sha256(s)',
    family: 'hash',
    returns: 'string',
    minArgs: 1,
    maxArgs: 1,
    summary:
      'SHA-256 of the UTF-8 bytes of the value (numbers, booleans and timestamps as their result string), as 64 lower-case hex digits; no value for missing, null, maps and lists.',
    example: 'sha256("abc") => "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"',
    call: (args) => {
      const s = argString(args[0]);
      return s === undefined ? undefined : sha256Hex(encoder.encode(s));
    },
  },
]);
