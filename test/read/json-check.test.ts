import { isUtf8 } from 'node:buffer';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { checkJson, JSON_INVALID, JSON_TOO_COMPLEX } from '../../src/read/json-check.js';

function parses(bytes: Uint8Array): boolean {
  if (!isUtf8(bytes)) return false;
  try {
    JSON.parse(Buffer.from(bytes).toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

/** Counts values as checkJson does (keys not counted). */
function values(v: unknown): number {
  if (Array.isArray(v)) return 1 + v.reduce((n: number, x) => n + values(x), 0);
  if (typeof v === 'object' && v !== null)
    return 1 + Object.values(v).reduce((n: number, x) => n + values(x), 0);
  return 1;
}

const enc = new TextEncoder();
/** Bytes that break JSON in the ways real damage does: cuts, stray bytes, invalid UTF-8. */
const mutate = (text: string) =>
  fc
    .tuple(
      fc.nat(text.length),
      fc.constantFrom('cut', 'insert', 'delete', 'byte'),
      fc.integer({ min: 0, max: 255 }),
    )
    .map(([at, how, byte]) => {
      const b = enc.encode(text);
      const i = Math.min(at, b.length);
      if (how === 'cut') return b.subarray(0, i);
      if (how === 'delete') return Uint8Array.from([...b.subarray(0, i), ...b.subarray(i + 1)]);
      if (how === 'insert') return Uint8Array.from([...b.subarray(0, i), byte, ...b.subarray(i)]);
      const c = Uint8Array.from(b);
      if (i < c.length) c[i] = byte;
      return c;
    });

const json = fc
  .tuple(fc.jsonValue(), fc.boolean())
  .map(([v, pretty]) => JSON.stringify(v, null, pretty ? 1 : undefined));
const tokens = fc
  .array(
    fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"a"',
      '"\\u00e9"',
      '"\\x"',
      '1',
      '-0',
      '1.5e+3',
      '01',
      '1.',
      'true',
      'nul',
      ' ',
      '\t',
      '"é"',
      '"\u0001"',
    ),
    { maxLength: 12 },
  )
  .map((t) => t.join(''));

describe('checkJson: the same verdict as JSON.parse, without building anything', () => {
  test.prop([json])('valid JSON is accepted, with its value count', (text) => {
    const b = enc.encode(text);
    const r = checkJson(b, 0, b.length);
    expect(r).toBeGreaterThanOrEqual(0);
    expect(Math.floor(r / 2)).toBe(values(JSON.parse(text)));
  });

  test.prop([json.chain(mutate)])('damaged JSON: accepted exactly when JSON.parse accepts it', (b) => {
    expect(checkJson(b, 0, b.length) >= 0).toBe(parses(b));
  });

  test.prop([tokens])('token soup: accepted exactly when JSON.parse accepts it', (text) => {
    const b = enc.encode(text);
    expect(checkJson(b, 0, b.length) >= 0).toBe(parses(b));
  });

  test.prop([fc.uint8Array({ maxLength: 40 })])('random bytes inside a string', (raw) => {
    const b = Uint8Array.from([0x22, ...raw.filter((x) => x !== 0x22 && x !== 0x5c), 0x22]);
    expect(checkJson(b, 0, b.length) >= 0).toBe(parses(b));
  });

  test('a range: bytes outside it are not read', () => {
    const b = enc.encode('x1.5y');
    expect(checkJson(b, 1, 2)).toBe(2);
    expect(checkJson(enc.encode('-\n5'), 0, 1)).toBe(JSON_INVALID);
    expect(checkJson(enc.encode('{"a":1}\n'), 0, 7)).toBe(4);
  });

  test('container keys at the top level, and the value cap', () => {
    const flag = (t: string) => checkJson(enc.encode(t), 0, enc.encode(t).length) % 2;
    expect(flag('{"Records":[]}')).toBe(1);
    expect(flag('{"a":{"Records":[]}}')).toBe(0);
    expect(flag('{"\\u0052ecords":[]}')).toBe(1);
    expect(flag('{"verb":"events"}')).toBe(0);
    const many = enc.encode(`[${'{},'.repeat(999)}{}]`);
    expect(checkJson(many, 0, many.length, 1000)).toBe(JSON_TOO_COMPLEX);
    expect(checkJson(many, 0, many.length, 1001)).toBe(2002);
  });
});
