/**
 * The gunzip stage: its input is re-cut into fixed pieces, so where a
 * `bad_gzip` is located does not depend on how the file was read.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fixedSizeChunks, gunzipChunks } from '../../src/read/decompress.js';
import { InputError } from '../../src/read/input-error.js';
import { asAsync, cut } from './cut-chunks.js';

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const c of source) out.push(c);
  return out;
}

describe('fixedSizeChunks', () => {
  test('gives the same bytes in pieces of the size, the last one shorter, however the source is cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.integer({ min: 1, max: 40 }),
        async (bytes, points, size) => {
          const pieces = await collect(fixedSizeChunks(asAsync(cut(bytes, points)), size));
          expect(Buffer.concat(pieces)).toEqual(Buffer.from(bytes));
          for (const p of pieces.slice(0, -1)) expect(p.length).toBe(size);
          if (pieces.length > 0) expect(pieces.at(-1)?.length).toBeGreaterThan(0);
          expect(pieces.at(-1)?.length ?? 0).toBeLessThanOrEqual(size);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe('gunzipChunks', () => {
  // Incompressible data, so the member is larger than several of zlib's input pieces; a flipped CRC byte
  // in the trailer makes zlib fail at the very end ("incorrect data check").
  let state = 12345;
  const data = Uint8Array.from({ length: 300_000 }, () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state & 0xff;
  });
  const gz = gzipSync(data);
  const badCrc = Uint8Array.from(gz);
  badCrc[badCrc.length - 8] = (badCrc[badCrc.length - 8] as number) ^ 0xff;

  async function faultOffset(chunks: Uint8Array[]): Promise<number | undefined> {
    const counter = { bytes: 0 };
    const counted = (async function* () {
      for (const c of chunks) {
        counter.bytes += c.length;
        yield c;
      }
    })();
    try {
      await collect(gunzipChunks(counted, 'x.gz', counter));
      return undefined;
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).code).toBe('bad_gzip');
      return (e as InputError).byteOffset;
    }
  }

  test('a corrupt member is located at the same byte however its file was read', async () => {
    const whole = await faultOffset([badCrc]);
    expect(whole).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 10 }), async (points) => {
        expect(await faultOffset(cut(badCrc, points))).toBe(whole);
      }),
      { seed: 42, numRuns: 50 },
    );
    for (const size of [1024, 65_536, 1 << 20]) {
      const pieces: Uint8Array[] = [];
      for (let at = 0; at < badCrc.length; at += size) pieces.push(badCrc.subarray(at, at + size));
      expect(await faultOffset(pieces)).toBe(whole);
    }
  });

  test('an intact member gunzips to its data however it is cut', async () => {
    const out = await collect(
      gunzipChunks(asAsync(cut(gz, [5, 70_000, 70_001])), 'x.gz', { bytes: gz.length }),
    );
    expect(Buffer.concat(out)).toEqual(Buffer.from(data));
  });
});
