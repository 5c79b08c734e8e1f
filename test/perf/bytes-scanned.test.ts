import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { LogEvent } from '../../src/log-event.js';
import { compileQuery } from '../../src/query/index.js';

function events(messages: readonly string[]): LogEvent[] {
  return messages.map((message) => ({ timestamp: 0, message, kind: 'text', source: {} }));
}

const unit = fc.constantFrom<'grapheme' | 'binary' | 'grapheme-ascii'>(
  'grapheme',
  'binary',
  'grapheme-ascii',
);

describe('bytesScanned is the UTF-8 size of the messages', () => {
  test.prop([unit.chain((u) => fc.array(fc.string({ unit: u, maxLength: 60 }), { maxLength: 20 }))])(
    'short messages (encoded natively) count as Buffer.byteLength does',
    async (messages) => {
      const r = await compileQuery('fields @message', { now: 0 }).run(events(messages));
      const want = messages.reduce((n, m) => n + Buffer.byteLength(m, 'utf8'), 0);
      expect(r.statistics.bytesScanned).toBe(want);
    },
  );

  test.each([
    ['ascii', 'a'.repeat(70_000)],
    ['two- and four-byte characters', `${'é😀'.repeat(30_000)}x`],
    ['lone surrogates', `${'\ud800a\udc00'.repeat(25_000)}\ud83d`],
  ])('a long message (counted by the loop): %s', async (_name, message) => {
    const r = await compileQuery('fields @message', { now: 0 }).run(events([message]));
    expect(r.statistics.bytesScanned).toBe(Buffer.byteLength(message, 'utf8'));
  });
});
