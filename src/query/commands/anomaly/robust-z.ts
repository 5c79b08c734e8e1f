/**
 * Robust z-scores: how far a count lies from the median of its series, in
 * units of the series' spread measured robustly.
 *
 * The modified z-score of Iglewicz and Hoaglin: `0.6745 · (x − median) / MAD`,
 * where MAD is the median absolute deviation. When more than half the series
 * is equal (MAD = 0, common for sparse counts), the mean absolute deviation
 * stands in: `(x − median) / (1.253314 · meanAD)`. When both are 0 every value
 * equals the median and every score is 0.
 *
 * @module
 */

/**
 * The median of numbers (the mean of the middle two for an even count; 0 for none).
 *
 * @example
 * ```ts
 * median([3, 1, 2, 10]); // 2.5
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The centre and spread of a series for {@link robustZ}. */
export interface RobustBaseline {
  readonly median: number;
  /** The scale that divides `x − median` (0 when the series is constant). */
  readonly scale: number;
}

/**
 * The baseline of a series.
 *
 * @example
 * ```ts
 * robustBaseline([1, 1, 2, 2, 30]); // { median: 2, scale: 1.4826… } (MAD 1 / 0.6745)
 * ```
 */
export function robustBaseline(values: readonly number[]): RobustBaseline {
  const m = median(values);
  const deviations = values.map((v) => Math.abs(v - m));
  const mad = median(deviations);
  if (mad > 0) return { median: m, scale: mad / 0.6745 };
  const meanAd = deviations.reduce((a, b) => a + b, 0) / (values.length || 1);
  return { median: m, scale: meanAd * 1.253314 };
}

/**
 * The robust z-score of `x` against a baseline (0 when the scale is 0).
 *
 * @example
 * ```ts
 * robustZ(30, robustBaseline([1, 1, 2, 2, 30])); // about 18.9
 * ```
 */
export function robustZ(x: number, baseline: RobustBaseline): number {
  return baseline.scale > 0 ? (x - baseline.median) / baseline.scale : 0;
}

/**
 * `ln(n!)`: exact sums up to 50, Stirling's series above.
 *
 * @example
 * ```ts
 * Math.exp(logFactorial(5)); // 120 (within rounding)
 * ```
 */
export function logFactorial(n: number): number {
  if (n <= 50) {
    let s = 0;
    for (let k = 2; k <= n; k++) s += Math.log(k);
    return s;
  }
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n) - 1 / (360 * n ** 3);
}

/**
 * The Poisson upper tail `P(X ≥ x)` for mean `lambda`: for `x` above the
 * mean, terms summed from `x` upward (each from log space, so large counts
 * neither overflow nor lose precision), else `1 − P(X < x)`.
 *
 * @example
 * ```ts
 * poissonUpperTail(0, 3); // 1
 * poissonUpperTail(3, 0.5); // about 0.0144
 * ```
 */
export function poissonUpperTail(x: number, lambda: number): number {
  if (x <= 0) return 1;
  if (!(lambda > 0)) return 0;
  if (x <= lambda) {
    // Below the mean the lower tail is the short sum: 1 − P(X < x).
    let lower = 0;
    for (let k = 0; k < x; k++) lower += Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k));
    return Math.max(0, Math.min(1, 1 - lower));
  }
  let term = Math.exp(-lambda + x * Math.log(lambda) - logFactorial(x));
  let sum = 0;
  for (let k = x; k < x + 100_000; k++) {
    sum += term;
    term *= lambda / (k + 1);
    if (term < sum * 1e-15) break;
  }
  return Math.min(1, sum);
}
