import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import type { LogEvent } from '../../src/log-event.js';
import { countRangeLines } from '../../src/parallel/run-partition.js';
import { readFileRange } from '../../src/read/file-range.js';
import { readLogs } from '../../src/read/index.js';

const dir = mkdtempSync(join(tmpdir(), 'kubetrail-range-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

async function collect(file: string, options: Parameters<typeof readLogs>[1]): Promise<LogEvent[]> {
  const out: LogEvent[] = [];
  for await (const e of readLogs(file, options)) out.push(e);
  return out;
}

/** Lines of NDJSON, some long enough to span several 512 KiB chunks' worth of cut points, some blank or bad. */
const line = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({ verb: fc.string({ maxLength: 30 }), n: fc.integer() })
      .map((o) => JSON.stringify(o)),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '{bad json', '{"big":"' + 'x'.repeat(3000) + '"}') },
);

describe('readLogs range option', () => {
  test.prop(
    [fc.array(line, { minLength: 0, maxLength: 60 }), fc.array(fc.nat(), { maxLength: 6 }), fc.boolean()],
    {
      numRuns: 60,
    },
  )(
    'meeting ranges hold every line once, with file offsets, and sum to the file size',
    async (lines, cuts, bom) => {
      const file = join(dir, `f${fileNo++}.ndjson`);
      const text = `${bom ? '\uFEFF' : ''}${lines.join('\n')}`;
      writeFileSync(file, text);
      const size = Buffer.byteLength(text);
      const points = [...new Set(cuts.map((c) => (size === 0 ? 0 : c % (size + 2))))].sort((a, b) => a - b);
      const bounds = [0, ...points.filter((p) => p > 0 && p < size), size];
      const whole = readLogs(file, { onError: 'skip', format: 'ndjson' });
      const expected: LogEvent[] = [];
      for await (const e of whole) expected.push(e);
      const got: LogEvent[] = [];
      let bytes = 0;
      let rejected = 0;
      for (let i = 0; i + 1 < bounds.length; i++) {
        const reader = readLogs(file, {
          onError: 'skip',
          format: 'ndjson',
          range: { start: bounds[i] as number, end: bounds[i + 1] as number },
        });
        for await (const e of reader) got.push(e);
        bytes += reader.summary.bytesDecompressed;
        rejected += reader.summary.rejected;
      }
      expect(got.map((e) => [e.message, e.source.offset])).toEqual(
        expected.map((e) => [e.message, e.source.offset]),
      );
      expect(bytes).toBe(whole.summary.bytesDecompressed);
      expect(rejected).toBe(whole.summary.rejected);
    },
  );

  test.prop([fc.nat({ max: 200 }), fc.nat({ max: 200 })])(
    'a range with no line end inside it is empty',
    async (a, b) => {
      const file = join(dir, `g${fileNo++}.ndjson`);
      writeFileSync(file, `{"a":"${'y'.repeat(300)}"}\n{"b":1}\n`);
      const start = Math.min(a, b) + 1;
      const end = Math.max(a, b) + 1;
      const events = await collect(file, { format: 'ndjson', range: { start, end } });
      // the first line end is at byte 309: ranges starting at or before it and ending before it hold nothing
      expect(events).toEqual([]);
    },
  );

  test('skipUnknownFormats skips a file an explicit path would fail on', async () => {
    const file = join(dir, 'unknown.bin');
    writeFileSync(file, Buffer.from([0, 1, 2, 3, 255, 254]));
    const reader = readLogs(file, { skipUnknownFormats: true });
    expect(await collect(file, { skipUnknownFormats: true })).toEqual([]);
    for await (const _ of reader) expect.unreachable();
    expect(reader.summary.unknownFilesSkipped).toBe(1);
    await expect(collect(file, {})).rejects.toMatchObject({ code: 'unknown_format' });
  });
});

describe('countRangeLines', () => {
  /** The newlines of the chunks the range reader yields: what a range's line numbers count. */
  async function readerLines(file: string, range: { start: number; end: number }): Promise<number> {
    let n = 0;
    for await (const chunk of readFileRange(file, range).chunks) for (const b of chunk) if (b === 10) n++;
    return n;
  }

  test.prop(
    [
      fc.array(fc.oneof(fc.constantFrom('', 'x', '{"a":1}'), fc.string({ maxLength: 40 })), {
        maxLength: 40,
      }),
      fc.boolean(),
      fc.nat(),
      fc.nat(),
      fc.integer({ min: 1, max: 64 }),
    ],
    { numRuns: 200 },
  )(
    'counts the lines the range reader reads, whatever its read size',
    async (lines, trailing, a, b, chunkBytes) => {
      const file = join(dir, `c${fileNo++}.ndjson`);
      const text = `${lines.join('\n')}${trailing ? '\n' : ''}`;
      writeFileSync(file, text);
      const size = Buffer.byteLength(text);
      const start = a % (size + 3);
      const end = start + (b % (size + 3));
      const range = { start, end };
      expect(await countRangeLines(file, range, chunkBytes)).toBe(await readerLines(file, range));
      expect(await countRangeLines(file, range)).toBe(await readerLines(file, range));
    },
  );

  test('a file that cannot be opened is unreadable_file', async () => {
    await expect(countRangeLines(join(dir, 'missing.ndjson'), { start: 0, end: 1 })).rejects.toMatchObject({
      code: 'unreadable_file',
    });
  });
});
