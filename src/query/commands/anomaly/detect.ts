/**
 * `anomaly`'s detectors: statistics over the per-bin event counts of each
 * mined pattern. No learned model: the same input always gives the same
 * findings, and they are not the service's.
 *
 * The window (the run's `startTime`/`endTime`, else the first to the last
 * event) is cut into epoch-aligned bins: the narrowest width of the
 * {@link BIN_LADDER} that gives at most {@link MAX_ANALYSIS_BINS} bins, and
 * never narrower than the bins the counts were collected on. Each pattern
 * gets one count per bin, zeros included. Then:
 *
 * - **new-pattern**: the pattern has no event in the first half of the bins
 *   (the baseline) and some in the second; one finding at its first bin.
 * - **frequency**: for a pattern present in the baseline, with at least
 *   {@link MIN_BINS} bins, every bin whose robust z-score against the
 *   pattern's whole series ({@link robustZ}) is at least
 *   {@link Z_THRESHOLD}, whose count exceeds the median by at least
 *   {@link MIN_EXCESS} events, and which a Poisson count with the series'
 *   mean reaches with probability at most {@link SURGE_ALPHA} divided by
 *   the number of bins (so sparse patterns do not surge by chance). Only
 *   surges are findings; drops are what `diff` shows.
 *
 * Priority: a frequency finding is `HIGH` at z ≥ 10, `MEDIUM` at z ≥ 6,
 * `LOW` below; a new pattern is `HIGH` when its severity is `Error`,
 * `MEDIUM` for `Warning`, `LOW` otherwise.
 *
 * Not detected offline: token-variation, numerical-token and HTTP-code
 * anomalies (the miner keeps counts per signature, not token values).
 *
 * @module
 */
import type { MinedPattern } from '../pattern/drain.js';
import { analysisWidth, BIN_LADDER, type TimeBins } from '../pattern/time-bins.js';
import { poissonUpperTail, robustBaseline, robustZ } from './robust-z.js';

/** The most bins the window is cut into. */
export const MAX_ANALYSIS_BINS = 200;

/** The fewest bins for frequency findings. */
export const MIN_BINS = 8;

/** The robust z-score at which a bin is a surge. */
export const Z_THRESHOLD = 3.5;

/** The fewest events above the median for a surge. */
export const MIN_EXCESS = 3;

/**
 * The chance, over all bins of a pattern's series together, that a surge is
 * noise: a bin is a surge only when a Poisson count with the series' mean
 * reaches it with probability at most `SURGE_ALPHA / bins` (Bonferroni).
 */
export const SURGE_ALPHA = 0.001;

/** The kinds of finding. */
export type AnomalyType = 'frequency' | 'new-pattern';

/** The priorities of a finding. */
export type AnomalyPriority = 'HIGH' | 'MEDIUM' | 'LOW';

/** One finding: a pattern and the bin where it is unusual. */
export interface AnomalyFinding {
  readonly pattern: MinedPattern;
  readonly type: AnomalyType;
  /** Start of the bin, epoch ms. */
  readonly binStart: number;
  /** Width of the bins, ms. */
  readonly binWidth: number;
  /** Events of the pattern in the bin. */
  readonly observed: number;
  /** The pattern's median events per bin (0 for a new pattern: its baseline half is empty). */
  readonly expected: number;
  /** The robust z-score of the bin (for a new pattern, against its whole series). */
  readonly score: number;
  readonly priority: AnomalyPriority;
}

/**
 * Per-pattern counts on the analysis bins.
 *
 * @example
 * ```ts
 * const { width, first, series } = binSeries(patterns, bins, { start, end });
 * series[0]; // the first pattern's count in each bin
 * ```
 */
export function binSeries(
  patterns: readonly MinedPattern[],
  bins: TimeBins,
  window: { readonly start: number; readonly end: number },
): { width: number; first: number; series: number[][] } {
  const width = analysisWidth(window.start, window.end, MAX_ANALYSIS_BINS, bins.width);
  const factor = width / bins.width;
  const first = Math.floor(window.start / width);
  const n = Math.max(0, Math.floor(window.end / width) - first + 1);
  const series = patterns.map((p) => {
    const s = new Array<number>(n).fill(0);
    for (const key of p.signatures) {
      const m = bins.counts.get(key);
      if (m === undefined) continue;
      for (const [bin, count] of m) {
        const k = Math.floor(bin / factor) - first;
        if (k >= 0 && k < n) s[k] = (s[k] as number) + count;
      }
    }
    return s;
  });
  return { width, first, series };
}

function frequencyPriority(z: number): AnomalyPriority {
  return z >= 10 ? 'HIGH' : z >= 6 ? 'MEDIUM' : 'LOW';
}

/**
 * Finds the anomalies of mined patterns. Sorted by bin, then pattern text,
 * then type.
 *
 * @example
 * ```ts
 * const findings = detectAnomalies(minePatterns(summary), summary.bins!, { start, end });
 * findings.filter((f) => f.type === 'frequency');
 * ```
 */
export function detectAnomalies(
  patterns: readonly MinedPattern[],
  bins: TimeBins,
  window: { readonly start: number; readonly end: number },
): AnomalyFinding[] {
  if (!(window.end >= window.start)) return [];
  const { width, first, series } = binSeries(patterns, bins, window);
  const out: AnomalyFinding[] = [];
  patterns.forEach((pattern, i) => {
    const s = series[i] as number[];
    const n = s.length;
    const half = Math.floor(n / 2);
    let baselineEvents = 0;
    for (let k = 0; k < half; k++) baselineEvents += s[k] as number;
    const baseline = robustBaseline(s);
    if (n >= 2 && baselineEvents === 0) {
      const k = s.findIndex((c) => c > 0);
      if (k >= 0) {
        out.push({
          pattern,
          type: 'new-pattern',
          binStart: (first + k) * width,
          binWidth: width,
          observed: s[k] as number,
          expected: 0,
          score: robustZ(s[k] as number, baseline),
          priority: pattern.severity === 'Error' ? 'HIGH' : pattern.severity === 'Warning' ? 'MEDIUM' : 'LOW',
        });
      }
      return;
    }
    if (n < MIN_BINS) return;
    let events = 0;
    for (const c of s) events += c;
    const mean = events / n;
    for (let k = 0; k < n; k++) {
      const x = s[k] as number;
      const z = robustZ(x, baseline);
      if (
        z >= Z_THRESHOLD &&
        x - baseline.median >= MIN_EXCESS &&
        poissonUpperTail(x, mean) <= SURGE_ALPHA / n
      ) {
        out.push({
          pattern,
          type: 'frequency',
          binStart: (first + k) * width,
          binWidth: width,
          observed: x,
          expected: baseline.median,
          score: z,
          priority: frequencyPriority(z),
        });
      }
    }
  });
  return out.sort(
    (a, b) =>
      a.binStart - b.binStart ||
      (a.pattern.pattern < b.pattern.pattern ? -1 : a.pattern.pattern > b.pattern.pattern ? 1 : 0) ||
      (a.type < b.type ? -1 : a.type > b.type ? 1 : 0),
  );
}

/**
 * A bin width as a period literal (`10m`, `1h`, `7d`, `250ms`).
 *
 * @example
 * ```ts
 * formatBinWidth(600_000); // '10m'
 * ```
 */
export function formatBinWidth(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** The ladder is re-exported for the docs of the command. @internal */
export { BIN_LADDER };
