/**
 * `diff`'s comparison: per mined pattern, its events in the query window
 * and in the earlier window, and what changed.
 *
 * The templates are mined once over the rows of both windows, so a pattern
 * means the same in both. A pattern's `type` is `new` (no events in the
 * earlier window), `gone` (none in the query window), else `increased`,
 * `decreased` or `unchanged`. `changePercent` is
 * `100 · (current − previous) / previous`, and `null` for a new pattern.
 * Rows are sorted by the size of the change (largest first), then by
 * pattern text.
 *
 * @module
 */
import type { MinedPattern } from '../pattern/drain.js';
import type { TimeBins } from '../pattern/time-bins.js';
import type { DiffWindows } from './windows.js';

/** How a pattern changed between the windows. */
export type DiffType = 'new' | 'gone' | 'increased' | 'decreased' | 'unchanged';

/** One pattern compared across the windows. */
export interface DiffRow {
  readonly pattern: MinedPattern;
  /** Events in the query window. */
  readonly current: number;
  /** Events in the earlier window. */
  readonly previous: number;
  /** Share of the query window's events (0 when it has none). */
  readonly currentRatio: number;
  /** Share of the earlier window's events (0 when it has none). */
  readonly previousRatio: number;
  /** `current − previous`. */
  readonly change: number;
  /** `100 · change / previous`; `null` when `previous` is 0. */
  readonly changePercent: number | null;
  readonly type: DiffType;
}

/**
 * Compares mined patterns whose `slots` hold [query window, earlier window] counts.
 *
 * @example
 * ```ts
 * const rows = compareWindows(minePatterns(summary));
 * rows.filter((r) => r.type === 'new');
 * ```
 */
export function compareWindows(patterns: readonly MinedPattern[]): DiffRow[] {
  let totalCurrent = 0;
  let totalPrevious = 0;
  for (const p of patterns) {
    totalCurrent += p.slots[0];
    totalPrevious += p.slots[1];
  }
  const rows: DiffRow[] = [];
  for (const p of patterns) {
    const [current, previous] = p.slots;
    if (current === 0 && previous === 0) continue;
    const change = current - previous;
    const type: DiffType =
      previous === 0
        ? 'new'
        : current === 0
          ? 'gone'
          : change > 0
            ? 'increased'
            : change < 0
              ? 'decreased'
              : 'unchanged';
    rows.push({
      pattern: p,
      current,
      previous,
      currentRatio: totalCurrent === 0 ? 0 : current / totalCurrent,
      previousRatio: totalPrevious === 0 ? 0 : previous / totalPrevious,
      change,
      changePercent: previous === 0 ? null : (100 * change) / previous,
      type,
    });
  }
  return rows.sort(
    (a, b) =>
      Math.abs(b.change) - Math.abs(a.change) ||
      (a.pattern.pattern < b.pattern.pattern ? -1 : a.pattern.pattern > b.pattern.pattern ? 1 : 0),
  );
}

/**
 * Fills the window counts of patterns from time bins (the data's-range case,
 * where the windows are known only at the end). A bin counts for a window
 * when its index lies between those of the window's ends, so boundaries are
 * rounded to the bin width; a bin in both windows counts for the query window.
 *
 * @example
 * ```ts
 * const windows = dataWindows('previousPeriod', bins.minTime!, bins.maxTime!)!;
 * compareWindows(slotsFromBins(minePatterns(summary), bins, windows));
 * ```
 */
export function slotsFromBins(
  patterns: readonly MinedPattern[],
  bins: TimeBins,
  windows: DiffWindows,
): MinedPattern[] {
  const w = bins.width;
  const c0 = Math.floor(windows.current.start / w);
  const c1 = Math.floor(windows.current.end / w);
  const p0 = Math.floor(windows.previous.start / w);
  const p1 = Math.floor(windows.previous.end / w);
  return patterns.map((p) => {
    const slots: [number, number] = [0, 0];
    for (const key of p.signatures) {
      const m = bins.counts.get(key);
      if (m === undefined) continue;
      for (const [bin, n] of m) {
        if (bin >= c0 && bin <= c1) slots[0] += n;
        else if (bin >= p0 && bin <= p1) slots[1] += n;
      }
    }
    return { ...p, slots };
  });
}
