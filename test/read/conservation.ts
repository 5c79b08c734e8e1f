/**
 * The conservation identity every reader test checks: records read =
 * emitted + prefiltered + dropped by kind + skipped + rejected, with faults
 * of whole files counted apart, and every count by code adding up.
 */
import { expect } from 'vitest';
import type { ReadSummary } from '../../src/read/index.js';

function sum(counts: Readonly<Record<string, number | undefined>>): number {
  let n = 0;
  for (const v of Object.values(counts)) n += v ?? 0;
  return n;
}

/** Asserts that a finished read's counts add up (and that per-file counts add up to the totals). */
export function expectConserved(summary: ReadSummary): void {
  const { recordsRead, eventsEmitted, prefiltered, filteredByKind, skipped, rejected } = summary;
  expect({ recordsRead }).toEqual({
    recordsRead: eventsEmitted + prefiltered + filteredByKind + skipped + rejected,
  });
  expect(sum(summary.rejectedByCode)).toBe(rejected);
  expect(sum(summary.fileFaultsByCode)).toBe(summary.fileFaults);
  expect(summary.files.reduce((n, f) => n + f.records, 0)).toBe(recordsRead);
  expect(summary.files.reduce((n, f) => n + f.rejected, 0)).toBe(rejected);
  expect(summary.files.reduce((n, f) => n + f.events, 0)).toBe(eventsEmitted);
  const located = summary.rejections.length;
  if (!summary.rejectionsTruncated) expect(located).toBe(rejected + summary.fileFaults);
}
