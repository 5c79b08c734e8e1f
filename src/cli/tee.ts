/**
 * Splits one async iterable into several that each see every item, with a
 * bounded buffer: a consumer that runs ahead waits for the slowest one, so
 * memory stays bounded. A consumer that stops early (`return`) no longer
 * holds the others back; the source is closed when every consumer stopped.
 *
 * @module
 */

interface Waiter {
  readonly resolve: () => void;
}

/**
 * Tees an async iterable into `count` iterables (each may be iterated once).
 *
 * @example
 * ```ts
 * const [a, b] = tee(readLogs('samples/incident'), 2);
 * await Promise.all([queryA.run(a), queryB.run(b)]);
 * ```
 */
export function tee<T>(source: AsyncIterable<T>, count: number, maxBuffer = 1024): AsyncIterable<T>[] {
  const iterator = source[Symbol.asyncIterator]();
  const buffer: T[] = [];
  let base = 0; // index of buffer[0] in the whole sequence
  let finished = false;
  let failure: { error: unknown } | undefined;
  let pulling: Promise<void> | undefined;
  const positions: number[] = new Array(count).fill(0);
  const active: boolean[] = new Array(count).fill(true);
  let waiters: Waiter[] = [];

  const wakeAll = (): void => {
    const ws = waiters;
    waiters = [];
    for (const w of ws) w.resolve();
  };

  const trim = (): void => {
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < count; i++) if (active[i]) min = Math.min(min, positions[i] ?? 0);
    if (!Number.isFinite(min)) min = base + buffer.length;
    const drop = min - base;
    if (drop > 0) {
      buffer.splice(0, drop);
      base = min;
      wakeAll();
    }
  };

  const pull = (): Promise<void> => {
    pulling ??= (async () => {
      try {
        const r = await iterator.next();
        if (r.done === true) finished = true;
        else buffer.push(r.value);
      } catch (error) {
        failure = { error };
        finished = true;
      } finally {
        pulling = undefined;
        wakeAll();
      }
    })();
    return pulling;
  };

  const closeSource = async (): Promise<void> => {
    if (!finished) {
      finished = true;
      await iterator.return?.();
    }
  };

  const consumer = (index: number): AsyncIterable<T> => ({
    [Symbol.asyncIterator]: () => ({
      async next(): Promise<IteratorResult<T>> {
        for (;;) {
          const pos = positions[index] ?? 0;
          if (pos < base + buffer.length) {
            const value = buffer[pos - base] as T;
            positions[index] = pos + 1;
            trim();
            return { done: false, value };
          }
          if (failure !== undefined) throw failure.error;
          if (finished) return { done: true, value: undefined };
          if (buffer.length >= maxBuffer && pulling === undefined) {
            await new Promise<void>((resolve) => waiters.push({ resolve }));
            continue;
          }
          await pull();
        }
      },
      async return(): Promise<IteratorResult<T>> {
        if (active[index]) {
          active[index] = false;
          trim();
          if (!active.some(Boolean)) await closeSource();
        }
        return { done: true, value: undefined };
      },
    }),
  });

  return Array.from({ length: count }, (_, i) => consumer(i));
}
