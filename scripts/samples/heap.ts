/**
 * A min-heap of timed items with a sequence tie-break, so that equal times
 * come out in insertion order (deterministic output).
 *
 * @module
 */

interface Entry<T> {
  readonly t: number;
  readonly seq: number;
  readonly item: T;
}

/** A min-heap keyed by time. */
export class TimeHeap<T> {
  readonly #items: Entry<T>[] = [];
  #seq = 0;

  /** Number of queued items. */
  get size(): number {
    return this.#items.length;
  }

  /** The smallest queued time, or `Infinity`. */
  peekTime(): number {
    return this.#items[0]?.t ?? Number.POSITIVE_INFINITY;
  }

  /** Adds an item. */
  push(t: number, item: T): void {
    const items = this.#items;
    items.push({ t, seq: this.#seq++, item });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(items[i] as Entry<T>, items[parent] as Entry<T>)) break;
      [items[i], items[parent]] = [items[parent] as Entry<T>, items[i] as Entry<T>];
      i = parent;
    }
  }

  /** Removes and returns the earliest item. */
  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined) return undefined;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && less(items[l] as Entry<T>, items[m] as Entry<T>)) m = l;
        if (r < items.length && less(items[r] as Entry<T>, items[m] as Entry<T>)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m] as Entry<T>, items[i] as Entry<T>];
        i = m;
      }
    }
    return top.item;
  }
}

function less<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}
