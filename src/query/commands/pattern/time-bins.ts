/**
 * Time bins for `pattern`'s followers (`anomaly`, and `diff` over the data's
 * own range): per-signature event counts on epoch-aligned bins whose width
 * comes from a fixed ladder.
 *
 * Each width of the ladder divides the next, so counts at one width turn
 * into counts at any wider width exactly. A collector starts at the finest
 * width and moves up the ladder while it holds more than
 * {@link MAX_DISTINCT_BINS} distinct bins or {@link MAX_BIN_ENTRIES}
 * (signature, bin) entries. Both numbers only grow with more data and only
 * shrink with a wider bin, so the final width is the narrowest one at which
 * the whole input fits, whatever the order or chunking of the input: the
 * counts are the same for every order, and merging collectors is exact.
 *
 * @module
 */

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

/**
 * The bin widths in ms, narrowest first; each divides the next.
 *
 * @example
 * ```ts
 * BIN_LADDER.includes(5 * 60_000); // true: 5-minute bins
 * ```
 */
export const BIN_LADDER: readonly number[] = [
  1,
  10,
  100,
  S,
  5 * S,
  10 * S,
  30 * S,
  M,
  5 * M,
  10 * M,
  30 * M,
  H,
  2 * H,
  6 * H,
  12 * H,
  D,
  7 * D,
  28 * D,
  364 * D,
];

/** The most distinct bins a collector holds before it widens its bins. */
export const MAX_DISTINCT_BINS = 2048;

/** The most (signature, bin) entries a collector holds before it widens its bins. */
export const MAX_BIN_ENTRIES = 200_000;

/**
 * Per-key counts on a shared bin width. Keys are signatures.
 *
 * @example
 * ```ts
 * const bins = createTimeBins();
 * bins.add('a', Date.UTC(2026, 0, 1));
 * bins.width; // 1 (ms) until there are more than MAX_DISTINCT_BINS distinct bins
 * ```
 */
export interface TimeBins {
  /** The current width in ms (an entry of {@link BIN_LADDER}). */
  readonly width: number;
  /** Counts per bin index (`floor(t / width)`) of each key. */
  readonly counts: ReadonlyMap<string, ReadonlyMap<number, number>>;
  /** (key, bin) entries held. */
  readonly entries: number;
  /** Smallest and largest timestamp added (`undefined` before any). */
  readonly minTime: number | undefined;
  readonly maxTime: number | undefined;
  /** Counts one event of `key` at time `t` (finite epoch ms). */
  add(key: string, t: number, n?: number): void;
  /** Adds another collector's counts (exact: the wider width wins). */
  merge(other: TimeBins): void;
  /** Moves to the given ladder width (wider only). */
  widenTo(width: number): void;
}

class Bins implements TimeBins {
  width = BIN_LADDER[0] as number;
  counts = new Map<string, Map<number, number>>();
  /** Events per bin over all keys (for the distinct-bin count). */
  private readonly totals = new Map<number, number>();
  entries = 0;
  minTime: number | undefined;
  maxTime: number | undefined;

  add(key: string, t: number, n = 1): void {
    if (this.minTime === undefined || t < this.minTime) this.minTime = t;
    if (this.maxTime === undefined || t > this.maxTime) this.maxTime = t;
    this.addToBin(key, Math.floor(t / this.width), n);
    this.fit();
  }

  private addToBin(key: string, bin: number, n: number): void {
    let m = this.counts.get(key);
    if (m === undefined) {
      m = new Map();
      this.counts.set(key, m);
    }
    const had = m.get(bin);
    if (had === undefined) this.entries++;
    m.set(bin, (had ?? 0) + n);
    this.totals.set(bin, (this.totals.get(bin) ?? 0) + n);
  }

  private fit(): void {
    if (this.totals.size <= MAX_DISTINCT_BINS && this.entries <= MAX_BIN_ENTRIES) return;
    let i = BIN_LADDER.indexOf(this.width);
    while (i + 1 < BIN_LADDER.length) {
      i++;
      this.rebin(BIN_LADDER[i] as number);
      if (this.totals.size <= MAX_DISTINCT_BINS && this.entries <= MAX_BIN_ENTRIES) return;
    }
  }

  private rebin(width: number): void {
    const factor = width / this.width;
    const old = this.counts;
    this.counts = new Map();
    this.totals.clear();
    this.entries = 0;
    this.width = width;
    for (const [key, m] of old) for (const [bin, n] of m) this.addToBin(key, Math.floor(bin / factor), n);
  }

  widenTo(width: number): void {
    if (width > this.width) this.rebin(width);
  }

  merge(other: TimeBins): void {
    this.widenTo(other.width);
    const factor = this.width / other.width;
    for (const [key, m] of other.counts)
      for (const [bin, n] of m) this.addToBin(key, Math.floor(bin / factor), n);
    if (other.minTime !== undefined && (this.minTime === undefined || other.minTime < this.minTime)) {
      this.minTime = other.minTime;
    }
    if (other.maxTime !== undefined && (this.maxTime === undefined || other.maxTime > this.maxTime)) {
      this.maxTime = other.maxTime;
    }
    this.fit();
  }
}

/**
 * Makes an empty collector at the narrowest width (1 ms).
 *
 * @example
 * ```ts
 * const a = createTimeBins();
 * a.add('sig', 1_000);
 * ```
 */
export function createTimeBins(): TimeBins {
  return new Bins();
}

/**
 * The narrowest ladder width, at least `min`, at which the span
 * `[start, end]` has at most `maxBins` bins.
 *
 * @example
 * ```ts
 * analysisWidth(0, 24 * 3_600_000 - 1, 200, 1); // 600000 (10-minute bins: 144 of them)
 * ```
 */
export function analysisWidth(start: number, end: number, maxBins: number, min: number): number {
  for (const w of BIN_LADDER) {
    if (w < min) continue;
    if (Math.floor(end / w) - Math.floor(start / w) + 1 <= maxBins) return w;
  }
  return BIN_LADDER[BIN_LADDER.length - 1] as number;
}
