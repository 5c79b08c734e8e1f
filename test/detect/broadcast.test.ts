import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { broadcast } from '../../src/detect/broadcast.js';

async function collect<T>(it: AsyncIterable<T>, stopAfter = Number.POSITIVE_INFINITY): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) {
    if (out.length >= stopAfter) break;
    out.push(x);
  }
  return out;
}

describe('broadcast', () => {
  test.prop(
    [
      fc.array(fc.integer(), { maxLength: 200 }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 17 }),
    ],
    { seed: 42 },
  )('every consumer sees every item once, in order, reading the source once', async (items, count, chunk) => {
    let reads = 0;
    function* source() {
      for (const x of items) {
        reads++;
        yield x;
      }
    }
    const outs = await Promise.all(broadcast(source(), count, chunk).map((c) => collect(c)));
    for (const o of outs) expect(o).toEqual(items);
    expect(reads).toBe(items.length);
  });

  test.prop([fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 7 })], { seed: 42 })(
    'a consumer that stops early does not block the others',
    async (stop, chunk) => {
      const items = Array.from({ length: 60 }, (_, i) => i);
      const [a, b] = broadcast(items, 2, chunk);
      const [ra, rb] = await Promise.all([collect(a!, stop), collect(b!)]);
      expect(ra).toEqual(items.slice(0, stop));
      expect(rb).toEqual(items);
    },
  );

  test('closes the source when every consumer stops early', async () => {
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const [a, b] = broadcast(source(), 2, 4);
    await Promise.all([collect(a!, 3), collect(b!, 5)]);
    await new Promise((r) => setTimeout(r, 0));
    expect(closed).toBe(true);
  });

  test('a source error reaches every consumer', async () => {
    async function* source() {
      yield 1;
      throw new Error('boom');
    }
    const results = await Promise.allSettled(broadcast(source(), 3, 1).map((c) => collect(c)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
  });
});
