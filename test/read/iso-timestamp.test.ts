import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseIsoTimestamp } from '../../src/read/index.js';
import { timeValueToMs } from '../../src/read/iso-timestamp.js';

describe('parseIsoTimestamp', () => {
  test.each([
    ['2023-08-19T13:30:53.957200Z', Date.UTC(2023, 7, 19, 13, 30, 53, 957)],
    ['2023-07-31 01:58:12.101', Date.UTC(2023, 6, 31, 1, 58, 12, 101)],
    ['2024-07-13T14:09:43-07:00', Date.UTC(2024, 6, 13, 21, 9, 43)],
    ['2023-12-13T01:14:20+00:00', Date.UTC(2023, 11, 13, 1, 14, 20)],
    ['2023-03-23T15:09:30.969000+00:00', Date.UTC(2023, 2, 23, 15, 9, 30, 969)],
    ['2022-11-29 00:09:04.38', Date.UTC(2022, 10, 29, 0, 9, 4, 380)],
    ['2019-01-01 00:00:00.000000000', Date.UTC(2019, 0, 1)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['2018-10-26T14:26:34Z', Date.UTC(2018, 9, 26, 14, 26, 34)],
    ['2020-01-01T00:00+0530', Date.UTC(2019, 11, 31, 18, 30)],
  ])('%s', (text, ms) => {
    expect(parseIsoTimestamp(text)).toBe(ms);
  });

  test.each([
    '',
    'not a time',
    '2023-02-29T00:00:00Z',
    '2023-04-31',
    '2023-13-01',
    '2023-01-01T24:00:00Z',
    '2023-01-01T00:60:00Z',
    '2023-01-01T00:00:00.Z',
    '2023-01-01T00:00:00.1234567890Z',
    '2023-01-01T00:00:00Zjunk',
    '2023-01-01X00:00:00Z',
    '1571956406.0',
  ])('%j is NaN', (text) => {
    expect(parseIsoTimestamp(text)).toBeNaN();
  });

  test('agrees with Date.parse on generated RFC 3339 timestamps', () => {
    const offset = fc.oneof(
      fc.constant('Z'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
        .map(([s, h, m]) => `${s}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1, 0, 1), max: Date.UTC(9999, 11, 31) }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 999_999_999 }),
        offset,
        fc.constantFrom('T', ' '),
        (ms, digits, frac, zone, sep) => {
          const base = new Date(ms).toISOString().slice(0, 19).replace('T', sep);
          const fraction = digits === 0 ? '' : `.${String(frac).padStart(9, '0').slice(0, digits)}`;
          const text = `${base}${fraction}${zone}`;
          // Date.parse needs the 'T' and at most 3 fractional digits for a reliable answer
          const reference = `${base.replace(' ', 'T')}${fraction.slice(0, 4)}${zone}`;
          expect(parseIsoTimestamp(text)).toBe(Date.parse(reference));
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('timeValueToMs: epoch milliseconds, and CLI v1 epoch seconds when asked', () => {
    expect(timeValueToMs(1714557600500)).toBe(1714557600500);
    expect(timeValueToMs(1571956406.0, true)).toBe(1571956406000);
    expect(timeValueToMs('1571956406.5', true)).toBe(1571956406500);
    expect(timeValueToMs(null)).toBeNaN();
  });
});
