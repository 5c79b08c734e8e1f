/**
 * `LogEvent.messageBytes`: where a reader sets it, it is the UTF-8 length of
 * the message, so the engine's `bytesScanned` is the same whether it uses the
 * reader's count or measures the message itself.
 */
import { fileURLToPath } from 'node:url';
import { fc, test as fcTest } from '@fast-check/vitest';
import { compileQuery, type LogEvent, readLogs } from 'kubetrail';
import { describe, expect, test } from 'vitest';
import { corpusPath } from '../test-data.js';
import { expectConserved } from './conservation.js';

const corpus = corpusPath();
const samples = fileURLToPath(new URL('../../samples/incident/', import.meta.url));

async function collect(input: Parameters<typeof readLogs>[0]): Promise<LogEvent[]> {
  const out: LogEvent[] = [];
  const reader = readLogs(input, { onError: 'skip' });
  for await (const e of reader) out.push(e);
  expectConserved(reader.summary);
  return out;
}

function checkAll(events: readonly LogEvent[]): number {
  let known = 0;
  for (const e of events) {
    if (e.messageBytes === undefined) continue;
    known++;
    expect(e.messageBytes).toBe(Buffer.byteLength(e.message, 'utf8'));
  }
  return known;
}

describe('messageBytes', () => {
  test('equals the UTF-8 length of the message for every corpus event that has it', async () => {
    const events = await collect(corpus);
    expect(events.length).toBeGreaterThan(1000);
    expect(checkAll(events)).toBeGreaterThan(100);
  }, 120_000);

  test('equals the UTF-8 length of the message for every sample event that has it', async () => {
    const events = await collect(samples);
    expect(events.length).toBeGreaterThan(1000);
    expect(checkAll(events)).toBeGreaterThan(1000);
  }, 120_000);

  const text = fc.string({ unit: 'binary', maxLength: 12 });
  const line = fc.record({ auditID: text, verb: text, user: fc.record({ username: text }) });

  fcTest.prop([fc.array(line, { maxLength: 20 }), fc.boolean()])(
    'NDJSON lines and Records elements carry their byte length; bytesScanned is the same either way',
    async (records, asRecordsFile) => {
      const body = asRecordsFile
        ? `{"Records":[${records.map((r) => JSON.stringify({ eventVersion: '1.08', ...r })).join(',\n')}]}`
        : records.map((r) => JSON.stringify(r)).join('\n');
      const events = await collect(Buffer.from(body));
      expect(checkAll(events)).toBe(events.length);
      const q = compileQuery('stats count(*)', { now: 0 });
      const withBytes = await q.run(events);
      const measured = await q.run(events.map(({ messageBytes: _, ...e }) => e));
      expect(withBytes.statistics.bytesScanned).toBe(measured.statistics.bytesScanned);
      expect(withBytes.statistics.bytesScanned).toBe(
        events.reduce((n, e) => n + Buffer.byteLength(e.message, 'utf8'), 0),
      );
    },
  );
});
