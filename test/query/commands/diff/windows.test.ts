import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compareWindows, slotsFromBins } from '../../../../src/query/commands/diff/compare.js';
import {
  dataWindows,
  diffWindows,
  minimumSpan,
  monthBefore,
  previousWindow,
} from '../../../../src/query/commands/diff/windows.js';
import { createPatternSummary, minePatterns } from '../../../../src/query/commands/pattern/drain.js';

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();

describe('diff windows', () => {
  test('each baseline', () => {
    const w = { start: Date.UTC(2026, 2, 31, 10), end: Date.UTC(2026, 2, 31, 11) - 1 };
    expect(previousWindow('previousPeriod', w)).toEqual({ start: w.start - 3_600_000, end: w.start - 1 });
    expect(previousWindow('previousDay', w)).toEqual({ start: w.start - DAY, end: w.end - DAY });
    expect(previousWindow('previousWeek', w)).toEqual({ start: w.start - 7 * DAY, end: w.end - 7 * DAY });
    const m = previousWindow('previousMonth', w);
    expect([iso(m.start), iso(m.end)]).toEqual(['2026-02-28T10:00:00.000Z', '2026-02-28T10:59:59.999Z']);
    expect(iso(monthBefore(Date.UTC(2024, 2, 31)))).toBe('2024-02-29T00:00:00.000Z');
    expect(iso(monthBefore(Date.UTC(2026, 0, 15)))).toBe('2025-12-15T00:00:00.000Z');
  });

  test('the previous period has the same length and ends just before (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2e12 }), fc.integer({ min: 0, max: 1e10 }), (start, length) => {
        const { current, previous } = diffWindows('previousPeriod', { start, end: start + length });
        expect(previous.end - previous.start).toBe(current.end - current.start);
        expect(previous.end).toBe(current.start - 1);
      }),
      { seed: 42 },
    );
  });

  test("the data's own range: the latest window whose twin is inside the data", () => {
    expect(dataWindows('previousPeriod', 0, 199)).toEqual({
      current: { start: 100, end: 199 },
      previous: { start: 0, end: 99 },
    });
    // An odd first millisecond is left out so the halves are equal.
    expect(dataWindows('previousPeriod', 0, 200)).toEqual({
      current: { start: 101, end: 200 },
      previous: { start: 1, end: 100 },
    });
    expect(dataWindows('previousDay', 0, 2 * DAY)).toEqual({
      current: { start: DAY, end: 2 * DAY },
      previous: { start: 0, end: DAY },
    });
    expect(dataWindows('previousWeek', 0, 2 * DAY)).toBeUndefined();
    expect(dataWindows('previousPeriod', 5, 5)).toBeUndefined();
    expect(dataWindows('previousDay', 5, 4)).toBeUndefined();
    const jan31 = Date.UTC(2026, 0, 31, 12);
    const m = dataWindows('previousMonth', jan31, Date.UTC(2026, 2, 10));
    expect(m && [iso(m.current.start), iso(m.previous.start)]).toEqual([
      '2026-03-01T00:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
    ]);
    expect(minimumSpan('previousWeek')).toBe(7 * DAY + 1);
  });

  test('data windows lie inside the data, the earlier twin of the current one (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('previousPeriod', 'previousDay', 'previousWeek', 'previousMonth' as const),
        fc.integer({ min: 0, max: 2e12 }),
        fc.integer({ min: 0, max: 120 * DAY }),
        (baseline, min, span) => {
          const w = dataWindows(baseline, min, min + span);
          if (w === undefined) {
            expect(span + 1).toBeLessThan(
              baseline === 'previousMonth' ? 31 * DAY + 1 : minimumSpan(baseline),
            );
            return;
          }
          expect(w.previous.start).toBeGreaterThanOrEqual(min);
          expect(w.current.end).toBe(min + span);
          expect(w.previous).toEqual(previousWindow(baseline, w.current));
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('diff comparison', () => {
  test('new, gone, increased, decreased, unchanged; sorted by the size of the change', () => {
    const s = createPatternSummary();
    const add = (text: string, slot: 0 | 1, n: number) => {
      for (let i = 0; i < n; i++) s.add(text, undefined, slot);
    };
    add('login ok', 0, 5);
    add('login ok', 1, 2);
    add('disk full', 0, 4);
    add('cache miss', 1, 3);
    add('ping', 0, 1);
    add('ping', 1, 1);
    add('retry later', 0, 1);
    add('retry later', 1, 2);
    const rows = compareWindows(minePatterns(s));
    expect(
      rows.map((r) => [r.pattern.pattern, r.current, r.previous, r.change, r.changePercent, r.type]),
    ).toEqual([
      ['disk full', 4, 0, 4, null, 'new'],
      ['cache miss', 0, 3, -3, -100, 'gone'],
      ['login ok', 5, 2, 3, 150, 'increased'],
      ['retry later', 1, 2, -1, -50, 'decreased'],
      ['ping', 1, 1, 0, 0, 'unchanged'],
    ]);
    expect(rows[0]?.currentRatio).toBeCloseTo(4 / 11, 12);
    expect(rows[1]?.previousRatio).toBeCloseTo(3 / 8, 12);
  });

  test('window counts from bins, for windows known only at the end', () => {
    const s = createPatternSummary({ timeBins: true });
    for (let t = 0; t < 200; t++) s.add(t < 100 ? 'old thing' : 'new thing here', t);
    s.add('old thing', 150);
    const w = dataWindows('previousPeriod', s.bins!.minTime!, s.bins!.maxTime!)!;
    const rows = compareWindows(slotsFromBins(minePatterns(s), s.bins!, w));
    expect(rows.map((r) => [r.pattern.pattern, r.current, r.previous, r.type])).toEqual([
      ['new thing here', 100, 0, 'new'],
      ['old thing', 1, 100, 'decreased'],
    ]);
  });
});
