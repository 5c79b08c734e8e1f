/**
 * One pass over an event source feeding several consumers in lockstep.
 *
 * @module
 */

/**
 * Splits one (async) iterable into `count` async iterables that each see
 * every item, reading the source once. Consumers advance in lockstep, one
 * chunk at a time: a chunk is read only after every active consumer has
 * finished the previous one, so memory is bounded by `chunkSize` items.
 * Run all consumers concurrently (e.g. `Promise.all`); a consumer that stops
 * early (break, return, throw) no longer holds the others back, and when all
 * stop early the source iterator is closed.
 *
 * @example
 * ```ts
 * const [a, b] = broadcast([1, 2, 3], 2);
 * const collect = async (it: AsyncIterable<number>) => { const out = []; for await (const x of it) out.push(x); return out; };
 * await Promise.all([collect(a!), collect(b!)]); //=> [[1, 2, 3], [1, 2, 3]]
 * ```
 */
export function broadcast<T>(
  source: AsyncIterable<T> | Iterable<T>,
  count: number,
  chunkSize = 512,
): AsyncIterable<T>[] {
  const iterator: AsyncIterator<T> | Iterator<T> =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (source as Iterable<T>)[Symbol.iterator]();
  let chunk: readonly T[] = [];
  let chunkNo = -1;
  let ended = false;
  let failed = false;
  let failure: unknown;
  let fetching = false;
  let closed = false;
  const consumed: number[] = new Array<number>(count).fill(-1);
  const active: boolean[] = new Array<boolean>(count).fill(true);
  let waiters: (() => void)[] = [];

  const wake = (): void => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };

  const fetchNext = async (): Promise<void> => {
    const items: T[] = [];
    while (items.length < chunkSize) {
      const r = await iterator.next();
      if (r.done === true) {
        ended = true;
        break;
      }
      items.push(r.value);
    }
    chunk = items;
    chunkNo++;
  };

  const maybeAdvance = (): void => {
    if (fetching || ended) return;
    for (let i = 0; i < count; i++) if (active[i] === true && (consumed[i] ?? -1) < chunkNo) return;
    if (!active.some(Boolean)) return;
    fetching = true;
    fetchNext()
      .catch((e: unknown) => {
        failed = true;
        failure = e;
        ended = true;
      })
      .finally(() => {
        fetching = false;
        wake();
      });
  };

  const closeSource = (): void => {
    if (closed || ended) return;
    closed = true;
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  };

  async function* consumer(index: number): AsyncGenerator<T> {
    try {
      let want = 0;
      for (;;) {
        while (chunkNo < want) {
          if (failed) throw failure;
          if (ended) return;
          maybeAdvance();
          if (chunkNo < want && !(ended && !fetching))
            await new Promise<void>((resolve) => waiters.push(resolve));
        }
        if (failed) throw failure;
        for (const item of chunk) yield item;
        consumed[index] = want;
        want++;
        if (ended && chunkNo < want) return;
      }
    } finally {
      active[index] = false;
      consumed[index] = Number.POSITIVE_INFINITY;
      if (!active.some(Boolean)) closeSource();
      else maybeAdvance();
      wake();
    }
  }

  return Array.from({ length: count }, (_, i) => ({ [Symbol.asyncIterator]: () => consumer(i) }));
}
