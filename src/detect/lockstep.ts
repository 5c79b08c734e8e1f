/**
 * Lockstep channels: one reader hands each consumer its own batch of every
 * input batch, and reads the next input batch only once every consumer has
 * taken the previous one, so memory stays bounded by one input batch.
 *
 * @module
 */
import type { LogEvent } from '../log-event.js';

const END: unique symbol = Symbol('end');

/**
 * One consumer's view: an async iterable of events that also hands them
 * over in batches (the engine's `BatchedEvents` seam, one await per batch).
 *
 * @internal
 */
export class EventChannel implements AsyncIterable<LogEvent> {
  #item: readonly LogEvent[] | typeof END | undefined;
  #failure: { error: unknown } | undefined;
  #wake: (() => void) | undefined;
  #taken: (() => void) | undefined;
  /** `true` once the consumer stopped (finished, broke off or threw). */
  closed = false;

  /** Hands over one batch; resolves when the consumer asks for the next one or stops. */
  deliver(batch: readonly LogEvent[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#taken = resolve;
      this.#item = batch;
      this.#wake?.();
    });
  }

  /** Ends the input: the consumer's iteration finishes, or throws `error` when given. */
  end(error?: { error: unknown }): void {
    this.#failure = error;
    this.#item = END;
    this.#wake?.();
  }

  /** Marks the consumer as gone (its run settled), releasing a pending `deliver`. */
  abandon(): void {
    this.closed = true;
    const taken = this.#taken;
    this.#taken = undefined;
    taken?.();
  }

  async *batches(): AsyncGenerator<readonly LogEvent[]> {
    let consumed: (() => void) | undefined;
    try {
      for (;;) {
        consumed?.();
        consumed = undefined;
        while (this.#item === undefined) await new Promise<void>((r) => (this.#wake = r));
        this.#wake = undefined;
        const item = this.#item;
        this.#item = undefined;
        if (item === END) {
          if (this.#failure !== undefined) throw this.#failure.error;
          return;
        }
        consumed = this.#taken;
        this.#taken = undefined;
        yield item;
      }
    } finally {
      this.closed = true;
      consumed?.();
      this.#taken?.();
      this.#taken = undefined;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<LogEvent> {
    for await (const batch of this.batches()) yield* batch;
  }
}

/** Batches of an event source: its own `batches()` when it has them, else runs of `size`. */
export async function* batchesOf(
  source: AsyncIterable<LogEvent> | Iterable<LogEvent>,
  size = 512,
): AsyncGenerator<readonly LogEvent[]> {
  const own = (source as { batches?: () => AsyncIterable<readonly LogEvent[]> }).batches;
  if (typeof own === 'function') {
    yield* own.call(source);
    return;
  }
  let batch: LogEvent[] = [];
  if (Symbol.asyncIterator in source) {
    for await (const e of source as AsyncIterable<LogEvent>) {
      batch.push(e);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
  } else {
    for (const e of source as Iterable<LogEvent>) {
      batch.push(e);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}
