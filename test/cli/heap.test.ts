import { describe, expect, test } from 'vitest';
import { limitHeapGrowth } from '../../src/cli/heap.js';

describe('the CLI heap growth factor', () => {
  test('a factor the user gave node is left alone', () => {
    expect(limitHeapGrowth(['--max-old-space-size=512', '--heap-growing-percent=20'])).toBe(false);
    expect(limitHeapGrowth(['--heap_growing_percent=30'])).toBe(false);
  });
});
