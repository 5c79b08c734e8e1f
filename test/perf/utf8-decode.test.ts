import { isUtf8 } from 'node:buffer';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { readLogs } from '../../src/read/index.js';

// Bytes that make valid and invalid UTF-8, including a real U+FFFD (EF BF BD) and its broken prefixes.
const PIECES = [
  [0x61],
  [0x20, 0x7b],
  [0xc3, 0xbc],
  [0xef, 0xbf, 0xbd],
  [0xef, 0xbf],
  [0xf0, 0x9f, 0x98, 0x80],
  [0xf0, 0x9f],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xff],
  [0x80],
];
const lineArb = fc
  .array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 })
  .map((ps) => Uint8Array.from([0x78, ...ps.flat()]));

async function* plainChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  // plain Uint8Arrays (not Buffers), so that both decoding branches run
  for (let at = 0; at < bytes.length; at += size) yield new Uint8Array(bytes.subarray(at, at + size));
}

describe('UTF-8 decoding of records', () => {
  test.prop([
    fc.array(lineArb, { minLength: 1, maxLength: 12 }),
    fc.boolean(),
    fc.integer({ min: 1, max: 40 }),
  ])(
    'valid lines decode as Buffer#toString does, invalid ones are rejected (Buffer or plain chunks)',
    async (lines, buffer, size) => {
      const bytes = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
      const reader = readLogs(buffer ? bytes : plainChunks(bytes, size), { format: 'text', onError: 'skip' });
      const messages: string[] = [];
      for await (const e of reader) messages.push(e.message);
      const valid = lines.filter((l) => isUtf8(l));
      expect(messages).toEqual(valid.map((l) => Buffer.from(l).toString('utf8')));
      expect(reader.summary.rejectedByCode.invalid_utf8 ?? 0).toBe(lines.length - valid.length);
    },
  );
});
