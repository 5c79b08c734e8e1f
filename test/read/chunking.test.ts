import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { LogEvent } from '../../src/log-event.js';
import { type ReadLogsOptions, readLogs } from '../../src/read/index.js';
import { expectConserved } from './conservation.js';
import { asAsync, cut } from './cut-chunks.js';

const fixtures = fileURLToPath(new URL('../fixtures/formats/', import.meta.url));

async function collect(
  input: Parameters<typeof readLogs>[0],
  options: ReadLogsOptions = {},
): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  const reader = readLogs(input, { klogYear: 2024, ...options });
  for await (const e of reader) events.push(e);
  expectConserved(reader.summary);
  return events;
}

const text = fc.string({ unit: 'grapheme', maxLength: 12 });

/** Generated audit events with arbitrary Unicode (multi-byte UTF-8) in their values. */
const auditEvent = fc.record({
  auditID: fc.uuid(),
  verb: fc.constantFrom('get', 'list', 'create', 'delete'),
  user: fc.record({ username: text }),
  requestURI: text.map((s) => `/api/v1/${encodeURIComponent(s)}`),
  requestReceivedTimestamp: fc
    .integer({ min: 0, max: 4_102_444_800_000 })
    .map((ms) => new Date(ms).toISOString().replace('Z', '123Z')),
  annotations: fc.dictionary(text, text, { maxKeys: 2 }),
});

const layouts = {
  ndjson: (events: readonly object[]) =>
    events.map((e) => JSON.stringify({ kind: 'Event', ...e })).join('\n'),
  crlfBom: (events: readonly object[]) =>
    `\uFEFF${events.map((e) => JSON.stringify({ kind: 'Event', ...e })).join('\r\n\r\n')}\r\n`,
  records: (events: readonly object[]) =>
    JSON.stringify({ Records: events.map((e) => ({ eventVersion: '1.08', ...e })) }),
  pretty: (events: readonly object[]) =>
    JSON.stringify(
      events.map((e) => ({ kind: 'Event', ...e })),
      null,
      3,
    ),
  export: (events: readonly object[]) =>
    events
      .map(
        (e, i) =>
          `2024-05-01T10:00:0${i % 10}.000Z ${JSON.stringify({ kind: 'Event', ...e })}\ncontinued ✓ ${i}`,
      )
      .join('\n'),
  eventList: (events: readonly object[]) =>
    events.map((e) => JSON.stringify({ kind: 'EventList', items: [{ kind: 'Event', ...e }] })).join(''),
} as const;

const points = fc.array(fc.nat(), { maxLength: 20 });

describe('output does not depend on how the bytes are chunked', () => {
  test.each(Object.keys(layouts) as (keyof typeof layouts)[])(
    '%s, random split points, plain and gzip',
    async (layout) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(auditEvent, { minLength: 1, maxLength: 6 }),
          points,
          points,
          async (events, p1, p2) => {
            const bytes = new TextEncoder().encode(layouts[layout](events));
            const whole = await collect(bytes);
            expect(whole).toHaveLength(events.length);
            if (layout !== 'export') {
              // the records are the input's values, in order, and @message is their text
              expect(whole.map((e) => (e.record as { auditID: string }).auditID)).toEqual(
                events.map((e) => e.auditID),
              );
              for (const e of whole) expect(JSON.parse(e.message)).toEqual(e.record);
            }
            expect(await collect(asAsync(cut(bytes, p1)))).toEqual(whole);
            // every byte its own chunk: splits inside every multi-byte character
            if (bytes.length < 3000)
              expect(await collect(asAsync(cut(bytes, [...bytes.keys()])))).toEqual(whole);
            const gz = gzipSync(bytes);
            expect(await collect(asAsync(cut(gz, p2)))).toEqual(whole);
          },
        ),
        { numRuns: 40 },
      );
    },
  );

  test('every hand-made fixture, split anywhere, plain and gzip', async () => {
    const files = readdirSync(fixtures).sort();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...files), points, fc.boolean(), async (file, p, gz) => {
        const plain = readFileSync(join(fixtures, file));
        const whole = await collect(plain);
        const bytes = gz ? gzipSync(plain) : plain;
        expect(await collect(asAsync(cut(bytes, p)))).toEqual(whole);
      }),
      { numRuns: 150 },
    );
  });

  test('a web ReadableStream and a Node stream give the same events', async () => {
    const bytes = readFileSync(join(fixtures, 'cwl-export.txt'));
    const whole = await collect(bytes);
    const web = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of cut(bytes, [5, 100, 101, 400])) controller.enqueue(c);
        controller.close();
      },
    });
    expect(await collect(web)).toEqual(whole);
    const { Readable } = await import('node:stream');
    expect(await collect(Readable.from(cut(bytes, [7, 300])))).toEqual(whole);
    expect(await collect(new Set([bytes.toString('utf8')]))).toEqual(whole); // a sync iterable of string chunks
  });
});
