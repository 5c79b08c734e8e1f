import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { detectAnomalies, formatBinWidth } from '../../../../src/query/commands/anomaly/detect.js';
import {
  logFactorial,
  median,
  poissonUpperTail,
  robustBaseline,
  robustZ,
} from '../../../../src/query/commands/anomaly/robust-z.js';
import { createPatternSummary, minePatterns } from '../../../../src/query/commands/pattern/drain.js';
import { DAY_START, generateDay } from '../pattern/generate-logs.js';

describe('robust statistics', () => {
  test('median, MAD scale and the mean-deviation fallback', () => {
    expect(median([])).toBe(0);
    expect(median([3, 1, 2, 10])).toBe(2.5);
    const b = robustBaseline([1, 1, 2, 2, 30]);
    expect(b.median).toBe(2);
    expect(b.scale).toBeCloseTo(1 / 0.6745, 10);
    expect(robustZ(30, b)).toBeCloseTo(28 * 0.6745, 10);
    // More than half equal: MAD is 0, the mean absolute deviation stands in.
    const sparse = robustBaseline([0, 0, 0, 0, 10]);
    expect(sparse).toEqual({ median: 0, scale: 2 * 1.253314 });
    expect(robustZ(5, robustBaseline([3, 3, 3]))).toBe(0);
  });

  test('log factorial and the Poisson tail', () => {
    expect(Math.exp(logFactorial(10))).toBeCloseTo(3_628_800, 3);
    expect(logFactorial(100)).toBeCloseTo(363.73937555556347, 9);
    expect(poissonUpperTail(0, 2)).toBe(1);
    expect(poissonUpperTail(3, 0)).toBe(0);
    expect(poissonUpperTail(3, 0.5)).toBeCloseTo(1 - Math.exp(-0.5) * (1 + 0.5 + 0.125), 12);
  });

  test('the Poisson tail does not increase in x (up to rounding) and lies in [0, 1] (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.double({ min: 0.01, max: 200, noNaN: true }),
        (x, lambda) => {
          const a = poissonUpperTail(x, lambda);
          const b = poissonUpperTail(x + 1, lambda);
          expect(a).toBeGreaterThanOrEqual(b - 1e-12);
          expect(a).toBeLessThanOrEqual(1);
          expect(b).toBeGreaterThanOrEqual(0);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  test('bin widths as periods', () => {
    expect([600_000, 3_600_000, 86_400_000, 5000, 100].map(formatBinWidth)).toEqual([
      '10m',
      '1h',
      '1d',
      '5s',
      '100ms',
    ]);
  });
});

describe('ground truth: planted anomalies in generated days', () => {
  test.each([42, 7, 2026])('seed %i: every planted anomaly is found, nothing else', (seed) => {
    const day = generateDay(seed);
    const s = createPatternSummary({ timeBins: true });
    for (const e of day.events) s.add(e.message, e.timestamp);
    const mined = minePatterns(s);
    const findings = detectAnomalies(mined, s.bins!, { start: DAY_START, end: DAY_START + 86_400_000 - 1 });
    const burstPattern = mined.find((p) => p.pattern.includes('connection refused'));
    const freshPattern = mined.find((p) => p.pattern.includes('panic'));
    const burst = findings.filter((f) => f.type === 'frequency');
    // The whole burst hour, in 10-minute bins, and nothing outside it.
    expect(burst.map((f) => [f.pattern, f.binStart])).toEqual(
      [0, 1, 2, 3, 4, 5].map((k) => [burstPattern, day.burst.start + k * 600_000]),
    );
    for (const f of burst) expect(f.priority).toBe('HIGH');
    const fresh = findings.filter((f) => f.type === 'new-pattern');
    expect(fresh.map((f) => [f.pattern, f.binStart])).toEqual([[freshPattern, day.fresh.start]]);
    expect(fresh[0]?.priority).toBe('HIGH');
  });

  test('a steady pattern has no findings; a constant one neither', () => {
    const s = createPatternSummary({ timeBins: true });
    for (let m = 0; m < 24 * 60; m++) s.add('steady tick', DAY_START + m * 60_000);
    const mined = minePatterns(s);
    expect(detectAnomalies(mined, s.bins!, { start: DAY_START, end: DAY_START + 86_399_999 })).toEqual([]);
  });

  test('fewer than 8 bins: no frequency findings; an empty window: none at all', () => {
    const s = createPatternSummary({ timeBins: true });
    for (let i = 0; i < 50; i++) s.add('a b c', 1000 + (i < 45 ? 0 : i));
    const mined = minePatterns(s);
    expect(detectAnomalies(mined, s.bins!, { start: 1000, end: 1003 })).toEqual([]);
    expect(detectAnomalies(mined, s.bins!, { start: 10, end: 5 })).toEqual([]);
  });
});
