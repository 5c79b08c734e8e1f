/**
 * `diff`'s two windows: the query window and the earlier one it is compared with.
 *
 * - `diff` alone compares with the immediately preceding window of the same
 *   length: `[start − L, start − 1]` for `[start, end]`, `L = end − start + 1`.
 * - `diff previousDay` / `previousWeek` shift both ends back 24 hours / 7 days.
 * - `diff previousMonth` shifts both ends back one calendar month in UTC,
 *   keeping the day of the month and the time, clamped to the month's last
 *   day (March 31 → February 28 or 29), so the two windows can differ in
 *   length by the days the months differ.
 *
 * The query window is the run's `startTime`/`endTime`. Without them it
 * comes from the data's own range `[min, max]`: the latest window whose
 * earlier twin lies inside the data. For `diff` alone that is the later
 * half (the earlier half is the baseline; an odd first millisecond is left
 * out); for a shift it is `[min + shift, max]`, compared with
 * `[min, max − shift]`. A range shorter than the shift has no such window.
 *
 * All windows are inclusive, in epoch ms, like the run's window.
 *
 * @module
 */

/**
 * The baselines of `diff`: the spelled modifiers, and `previousPeriod` for
 * none; `logcompare timeshift …` shifts by a fixed length (`shiftMs`) or by
 * calendar months (`months`, for `mo`, `q` and `y`).
 */
export type DiffBaseline =
  | 'previousPeriod'
  | 'previousDay'
  | 'previousWeek'
  | 'previousMonth'
  | { readonly shiftMs: number }
  | { readonly months: number };

/** An inclusive window of epoch ms. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/** The query window and its earlier twin. */
export interface DiffWindows {
  readonly current: TimeWindow;
  readonly previous: TimeWindow;
}

const DAY = 86_400_000;

/**
 * One calendar month before `t` in UTC (day clamped to the month's last day).
 *
 * @example
 * ```ts
 * new Date(monthBefore(Date.UTC(2026, 2, 31, 12))).toISOString(); // '2026-02-28T12:00:00.000Z'
 * ```
 */
export function monthBefore(t: number): number {
  return addMonths(t, -1);
}

function addMonths(t: number, months: number): number {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return Date.UTC(y, m, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

/**
 * The earlier window for a query window.
 *
 * @example
 * ```ts
 * previousWindow('previousDay', { start: 86_400_000, end: 90_000_000 }); // { start: 0, end: 3_600_000 }
 * ```
 */
export function previousWindow(baseline: DiffBaseline, current: TimeWindow): TimeWindow {
  if (typeof baseline === 'object') {
    if ('shiftMs' in baseline)
      return { start: current.start - baseline.shiftMs, end: current.end - baseline.shiftMs };
    return {
      start: addMonths(current.start, -baseline.months),
      end: addMonths(current.end, -baseline.months),
    };
  }
  switch (baseline) {
    case 'previousPeriod': {
      const length = current.end - current.start + 1;
      return { start: current.start - length, end: current.start - 1 };
    }
    case 'previousDay':
      return { start: current.start - DAY, end: current.end - DAY };
    case 'previousWeek':
      return { start: current.start - 7 * DAY, end: current.end - 7 * DAY };
    case 'previousMonth':
      return { start: monthBefore(current.start), end: monthBefore(current.end) };
  }
}

/**
 * The windows for an explicit query window.
 *
 * @example
 * ```ts
 * diffWindows('previousPeriod', { start: 100, end: 199 }).previous; // { start: 0, end: 99 }
 * ```
 */
export function diffWindows(baseline: DiffBaseline, current: TimeWindow): DiffWindows {
  return { current, previous: previousWindow(baseline, current) };
}

/**
 * The windows within the data's range `[min, max]`, or `undefined` when the
 * range is too short to hold a window and its earlier twin.
 *
 * @example
 * ```ts
 * dataWindows('previousPeriod', 0, 199); // { current: { start: 100, end: 199 }, previous: { start: 0, end: 99 } }
 * ```
 */
export function dataWindows(baseline: DiffBaseline, min: number, max: number): DiffWindows | undefined {
  if (!(max >= min)) return undefined;
  let start: number;
  if (typeof baseline === 'object') {
    if ('shiftMs' in baseline) start = min + baseline.shiftMs;
    else {
      start = addMonths(min, baseline.months);
      // (as for previousMonth: a clamped day maps back before the data; the next month's first instant does not)
      if (addMonths(start, -baseline.months) < min) {
        const d = new Date(start);
        start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      }
    }
    if (start > max) return undefined;
    return diffWindows(baseline, { start, end: max });
  }
  switch (baseline) {
    case 'previousPeriod': {
      const length = Math.floor((max - min + 1) / 2);
      if (length < 1) return undefined;
      start = max - length + 1;
      break;
    }
    case 'previousDay':
      start = min + DAY;
      break;
    case 'previousWeek':
      start = min + 7 * DAY;
      break;
    case 'previousMonth':
      start = addMonths(min, 1);
      // When the day was clamped (January 31 → February 28), February 28 maps back to
      // January 28, before the data; the first instant that maps inside is March 1.
      if (monthBefore(start) < min) {
        const d = new Date(start);
        start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      }
      break;
  }
  if (start > max) return undefined;
  return diffWindows(baseline, { start, end: max });
}

/**
 * The shortest data range (ms) that has windows for a baseline; for
 * `previousMonth`, the 28 days of the shortest month.
 *
 * @example
 * ```ts
 * minimumSpan('previousWeek'); // 604800001
 * ```
 */
export function minimumSpan(baseline: DiffBaseline): number {
  if (typeof baseline === 'object') {
    if ('shiftMs' in baseline) return baseline.shiftMs + 1;
    // The shortest run of that many calendar months (the 28-year cycle holds every weekday and leap pattern).
    let least = Number.POSITIVE_INFINITY;
    for (let y = 2001; y <= 2028; y++)
      for (let m = 0; m < 12; m++)
        least = Math.min(least, Date.UTC(y, m + baseline.months, 1) - Date.UTC(y, m, 1));
    return least + 1;
  }
  switch (baseline) {
    case 'previousPeriod':
      return 2;
    case 'previousDay':
      return DAY + 1;
    case 'previousWeek':
      return 7 * DAY + 1;
    case 'previousMonth':
      return 28 * DAY + 1;
  }
}
