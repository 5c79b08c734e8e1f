/**
 * A JSON well-formedness check on raw UTF-8 bytes, without building
 * anything: what `JSON.parse` would accept (RFC 8259, as ECMAScript parses
 * it), with the UTF-8 validated as `isUtf8` does, and the number of values
 * the text holds (what `JSON.parse` would allocate).
 *
 * The raw prefilter uses it on the records it drops, so that a malformed
 * record is still reported (`bad_json_line`, `invalid_utf8`) and a container
 * line still counts its elements; the readers use it before `JSON.parse` on
 * big records, so that a record that would explode in memory becomes a
 * located `record_too_complex` skip.
 *
 * @module
 */

/** The text is not JSON (or not UTF-8). */
export const JSON_INVALID = -1;
/** The text holds more values than allowed. */
export const JSON_TOO_COMPLEX = -2;

/** Top-level keys that make an object a container of records (or a digest), as `classifyRecord` and the readers tell. */
const CONTAINER_KEYS: readonly Uint8Array[] = [
  'Records',
  'digestS3Object',
  'logFiles',
  'items',
  'logEvents',
  'Events',
  'events',
  'results',
].map((k) => new TextEncoder().encode(k));

function isContainerKey(b: Uint8Array, start: number, end: number): boolean {
  const n = end - start;
  for (const k of CONTAINER_KEYS) {
    if (k.length !== n) continue;
    let i = 0;
    while (i < n && b[start + i] === k[i]) i++;
    if (i === n) return true;
  }
  return false;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Length of the valid UTF-8 sequence of a non-ASCII lead byte at `i`, or 0. */
function utf8Sequence(b: Uint8Array, i: number, end: number): number {
  const c = b[i] as number;
  if (c >= 0xc2 && c <= 0xdf) return i + 1 < end && ((b[i + 1] as number) & 0xc0) === 0x80 ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (i + 2 >= end) return 0;
    const c1 = b[i + 1] as number;
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf; // no surrogates
    return c1 >= lo && c1 <= hi && ((b[i + 2] as number) & 0xc0) === 0x80 ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (i + 3 >= end) return 0;
    const c1 = b[i + 1] as number;
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return c1 >= lo &&
      c1 <= hi &&
      ((b[i + 2] as number) & 0xc0) === 0x80 &&
      ((b[i + 3] as number) & 0xc0) === 0x80
      ? 4
      : 0;
  }
  return 0;
}

/** Bytes that end the plain run of a string: `"`, `\\`, controls, and UTF-8 lead/continuation bytes. */
const STRING_STOP = new Uint8Array(256);
for (let c = 0; c < 256; c++) if (c === 0x22 || c === 0x5c || c < 0x20 || c >= 0x80) STRING_STOP[c] = 1;

// container stack: 1 = object, 2 = array
let stack = new Uint8Array(64);

/**
 * Checks `b[start, end)` as one JSON text. Returns {@link JSON_INVALID} when
 * `JSON.parse` of its UTF-8 decoding would throw (or the bytes are not valid
 * UTF-8), {@link JSON_TOO_COMPLEX} when it holds more than `maxValues`
 * values (objects, arrays, strings, numbers and literals, keys not counted),
 * else `values * 2 + c` where `c` is 1 when the text is an object with a
 * top-level key that makes it a container of records (or when a top-level
 * key is escaped and could be one).
 *
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode('{"a":[1,2]}');
 * checkJson(bytes, 0, bytes.length) //=> 8 (4 values: the object, the array, 1, 2)
 * checkJson(new TextEncoder().encode('{"a":tru}'), 0, 9) //=> JSON_INVALID
 * ```
 */
export function checkJson(
  b: Uint8Array,
  start: number,
  end: number,
  maxValues = Number.POSITIVE_INFINITY,
): number {
  let i = start;
  let depth = 0;
  let values = 0;
  let container = 0;
  // after a value: expect `,` / closer / end; else expect a value (or a key in an object)
  let afterValue = false;
  let expectKey = false; // after `{` or `,` in an object
  let emptyOk = false; // after `{` or `[`: a closer may come
  while (true) {
    while (i < end && isSpace(b[i] as number)) i++;
    if (i >= end) return depth === 0 && afterValue ? values * 2 + container : JSON_INVALID;
    const c = b[i] as number;
    if (afterValue) {
      if (depth === 0) return JSON_INVALID; // something after the top-level value
      const top = stack[depth - 1];
      if (c === 0x2c) {
        i++;
        afterValue = false;
        expectKey = top === 1;
        emptyOk = false;
        continue;
      }
      if ((c === 0x7d && top === 1) || (c === 0x5d && top === 2)) {
        i++;
        depth--;
        continue;
      }
      return JSON_INVALID;
    }
    if (emptyOk && ((c === 0x7d && stack[depth - 1] === 1) || (c === 0x5d && stack[depth - 1] === 2))) {
      i++;
      depth--;
      afterValue = true;
      emptyOk = false;
      expectKey = false;
      continue;
    }
    emptyOk = false;
    if (expectKey) {
      if (c !== 0x22) return JSON_INVALID;
      const keyStart = i + 1;
      let escaped = false;
      i++;
      while (true) {
        while (i < end && STRING_STOP[b[i] as number] === 0) i++;
        if (i >= end) return JSON_INVALID;
        const d = b[i] as number;
        if (d === 0x22) break;
        if (d < 0x20) return JSON_INVALID;
        if (d >= 0x80) {
          const n = utf8Sequence(b, i, end);
          if (n === 0) return JSON_INVALID;
          i += n;
          continue;
        }
        // a backslash
        escaped = true;
        const e = b[i + 1];
        if (e === 0x75) {
          if (i + 5 >= end) return JSON_INVALID;
          if (!isHex(b[i + 2] as number) || !isHex(b[i + 3] as number)) return JSON_INVALID;
          if (!isHex(b[i + 4] as number) || !isHex(b[i + 5] as number)) return JSON_INVALID;
          i += 6;
        } else if (
          e === 0x22 ||
          e === 0x5c ||
          e === 0x2f ||
          e === 0x62 ||
          e === 0x66 ||
          e === 0x6e ||
          e === 0x72 ||
          e === 0x74
        ) {
          i += 2;
        } else {
          return JSON_INVALID;
        }
      }
      if (depth === 1 && (escaped || isContainerKey(b, keyStart, i))) container = 1;
      i++;
      while (i < end && isSpace(b[i] as number)) i++;
      if (i >= end || b[i] !== 0x3a) return JSON_INVALID;
      i++;
      expectKey = false;
      continue;
    }
    // a value
    if (++values > maxValues) return JSON_TOO_COMPLEX;
    if (c === 0x7b || c === 0x5b) {
      if (depth === stack.length) {
        const bigger = new Uint8Array(stack.length * 2);
        bigger.set(stack);
        stack = bigger;
      }
      stack[depth++] = c === 0x7b ? 1 : 2;
      i++;
      emptyOk = true;
      expectKey = c === 0x7b;
      continue;
    }
    if (c === 0x22) {
      i++;
      while (true) {
        while (i < end && STRING_STOP[b[i] as number] === 0) i++;
        if (i >= end) return JSON_INVALID;
        const d = b[i] as number;
        if (d === 0x22) break;
        if (d < 0x20) return JSON_INVALID;
        if (d >= 0x80) {
          const n = utf8Sequence(b, i, end);
          if (n === 0) return JSON_INVALID;
          i += n;
          continue;
        }
        const e = b[i + 1];
        if (e === 0x75) {
          if (i + 5 >= end) return JSON_INVALID;
          if (!isHex(b[i + 2] as number) || !isHex(b[i + 3] as number)) return JSON_INVALID;
          if (!isHex(b[i + 4] as number) || !isHex(b[i + 5] as number)) return JSON_INVALID;
          i += 6;
        } else if (
          e === 0x22 ||
          e === 0x5c ||
          e === 0x2f ||
          e === 0x62 ||
          e === 0x66 ||
          e === 0x6e ||
          e === 0x72 ||
          e === 0x74
        ) {
          i += 2;
        } else {
          return JSON_INVALID;
        }
      }
      i++;
      afterValue = true;
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      if (c === 0x2d) i++;
      if (i < end && b[i] === 0x30) {
        i++;
      } else if (i < end && (b[i] as number) >= 0x31 && (b[i] as number) <= 0x39) {
        while (i < end && (b[i] as number) >= 0x30 && (b[i] as number) <= 0x39) i++;
      } else {
        return JSON_INVALID;
      }
      if (i < end && b[i] === 0x2e) {
        i++;
        const from = i;
        while (i < end && (b[i] as number) >= 0x30 && (b[i] as number) <= 0x39) i++;
        if (i === from) return JSON_INVALID;
      }
      if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
        i++;
        if (i < end && (b[i] === 0x2b || b[i] === 0x2d)) i++;
        const from = i;
        while (i < end && (b[i] as number) >= 0x30 && (b[i] as number) <= 0x39) i++;
        if (i === from) return JSON_INVALID;
      }
      afterValue = true;
      continue;
    }
    if (c === 0x74 && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65 && i + 3 < end) {
      i += 4;
    } else if (
      c === 0x66 &&
      b[i + 1] === 0x61 &&
      b[i + 2] === 0x6c &&
      b[i + 3] === 0x73 &&
      b[i + 4] === 0x65 &&
      i + 4 < end
    ) {
      i += 5;
    } else if (c === 0x6e && b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c && i + 3 < end) {
      i += 4;
    } else {
      return JSON_INVALID;
    }
    afterValue = true;
  }
}
