import { expect, test } from 'vitest';
import {
  drawHistogram,
  formatCount,
  histogramFromRows,
  parseBinPeriod,
} from '../../../src/cli/render/histogram.js';

const H = 3_600_000;
const t0 = Date.UTC(2024, 4, 1, 0);

test('finds the bin column and measure, fills gaps and prints numbers', () => {
  const h = histogramFromRows({
    fields: ['bin(1h)', 'count(*)'],
    rows: [
      { 'bin(1h)': new Date(t0 + 2 * H), 'count(*)': 4 },
      { 'bin(1h)': new Date(t0), 'count(*)': 8 },
    ],
  });
  expect(h).toBeDefined();
  const text = drawHistogram(h!, 60);
  expect(text).toBe(
    [
      'count(*) per 1h: 3 bins, total 12, max 8',
      '2024-05-01 00:00 │████████████████████████████████████████ 8',
      '2024-05-01 01:00 │                                         0',
      '2024-05-01 02:00 │████████████████████                     4',
      '',
    ].join('\n'),
  );
});

test('series labels for extra group columns', () => {
  const h = histogramFromRows({
    fields: ['bin(1h)', 'user', 'n'],
    rows: [
      { 'bin(1h)': new Date(t0), user: 'alice', n: 1 },
      { 'bin(1h)': new Date(t0), user: 'bob\u001b', n: 2 },
    ],
  });
  const text = drawHistogram(h!, 60);
  expect(text).toContain('2024-05-01 00:00 alice   │');
  expect(text).toContain('bob\\x1b');
});

test('not a histogram without a bin column', () => {
  expect(histogramFromRows({ fields: ['a'], rows: [{ a: 1 }] })).toBeUndefined();
});

test.each([
  ['bin(1h)', H],
  ['bin(5m)', 300_000],
  ['bin(30s)', 30_000],
  ['bin(1mo)', undefined],
  ['count', undefined],
])('parseBinPeriod(%s)', (name, ms) => {
  expect(parseBinPeriod(name)).toBe(ms);
});

test.each([
  [0, '0'],
  [999, '999'],
  [1000, '1,000'],
  [1234567, '1,234,567'],
  [-1234.5, '-1,234.5'],
])('formatCount(%d)', (n, text) => {
  expect(formatCount(n)).toBe(text);
});
