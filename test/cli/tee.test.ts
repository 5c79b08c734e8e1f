import { expect, test } from 'vitest';
import { tee } from '../../src/cli/tee.js';

async function* numbers(n: number, log: string[]): AsyncGenerator<number> {
  try {
    for (let i = 0; i < n; i++) yield i;
  } finally {
    log.push('closed');
  }
}

async function collect<T>(it: AsyncIterable<T>, max = Number.POSITIVE_INFINITY): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) {
    out.push(x);
    if (out.length >= max) break;
  }
  return out;
}

test('every consumer sees every item, with a small buffer', async () => {
  const log: string[] = [];
  const [a, b] = tee(numbers(100, log), 2, 3);
  const [ra, rb] = await Promise.all([collect(a!), collect(b!)]);
  expect(ra).toEqual([...Array(100).keys()]);
  expect(rb).toEqual(ra);
  expect(log).toEqual(['closed']);
});

test('a consumer that stops early does not block the other', async () => {
  const log: string[] = [];
  const [a, b] = tee(numbers(50, log), 2, 2);
  const [ra, rb] = await Promise.all([collect(a!, 5), collect(b!)]);
  expect(ra).toEqual([0, 1, 2, 3, 4]);
  expect(rb).toHaveLength(50);
});

test('the source closes when all consumers stop', async () => {
  const log: string[] = [];
  const [a, b] = tee(numbers(1000, log), 2, 4);
  await Promise.all([collect(a!, 3), collect(b!, 7)]);
  expect(log).toEqual(['closed']);
});

test('errors reach every consumer', async () => {
  async function* failing(): AsyncGenerator<number> {
    yield 1;
    throw new Error('boom');
  }
  const [a, b] = tee(failing(), 2);
  await expect(Promise.all([collect(a!), collect(b!)])).rejects.toThrow('boom');
});
