import { describe, expect, test } from 'vitest';
import { compareForSort, formatNumber, formatTimestamp, valuesEqual } from '../../src/query/semantics.js';

describe('compareForSort', () => {
  test('orders the documented example ascending', () => {
    const expected = [
      '!:',
      '#',
      '*%04',
      '0#',
      '5A',
      '111A',
      '2345_',
      '@',
      '@_',
      'A',
      'A9876fghj',
      'a12345hfh',
      '0',
      '01',
      '1',
      '2',
      '3',
    ];
    expect([...expected].reverse().sort(compareForSort)).toEqual(expected);
  });
});

describe('valuesEqual', () => {
  test.each([
    [401, '401', true],
    [undefined, undefined, false],
    [null, null, false],
  ] as const)('%j = %j is %j', (a, b, eq) => {
    expect(valuesEqual(a, b)).toBe(eq);
  });
});

test('formats', () => {
  expect(formatNumber(1e21)).toBe('1000000000000000000000');
  expect(formatTimestamp(1628061726518)).toBe('2021-08-04 07:22:06.518');
});
