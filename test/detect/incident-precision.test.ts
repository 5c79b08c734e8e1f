/**
 * Precision/recall of the built-in detections on samples/incident against
 * samples/ground-truth.json (method in incident-precision-report.ts), and
 * the allow-lists' suppression accounting.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  BACKGROUND_ABOVE_LOW,
  BELOW_HIGH,
  incidentPrecisionReport,
  type PrecisionReport,
  renderPrecisionDocs,
} from './incident-precision-report.js';

let report: PrecisionReport;
const line = (id: string) => report.lines.find((l) => l.id === id)!;

beforeAll(async () => {
  report = await incidentPrecisionReport();
}, 120_000);

describe('precision on the bundled incident', () => {
  test('docs/detections.md shows the current table (npx tsx scripts/generate-detection-docs.ts)', () => {
    const docs = readFileSync(new URL('../../docs/detections.md', import.meta.url), 'utf8');
    expect(docs).toContain(renderPrecisionDocs(report));
  });

  test('every attack step is found by some detection', () => {
    for (const s of report.steps) expect(s.detections, s.step).not.toHaveLength(0);
  });

  test('no detection aimed at a step misses it', () => {
    expect(report.lines.filter((l) => l.fn > 0).map((l) => l.id)).toEqual([]);
  });

  test('IRSA session use no longer floods: private (VPC endpoint) addresses are left out, NAT egress is allow-listed and counted', () => {
    const irsa = line('irsa.session-used-outside-aws');
    expect(irsa.tp).toBe(4);
    expect(irsa.fp).toBeLessThanOrEqual(4);
    expect(irsa.fpAllowListed).toBe(0);
    expect(irsa.tpAllowListed).toBe(4);
    expect(irsa.suppressedRecords).toBeGreaterThan(0);
  });

  test('every attack step is found at high or critical, except the documented ones', () => {
    const below = report.steps.filter((s) => !['high', 'critical'].includes(s.topSeverity ?? 'info'));
    expect(below.map((s) => s.step).sort()).toEqual(Object.keys(BELOW_HIGH).sort());
    // the ones below high are still found
    for (const s of below) expect(s.detections, s.step).not.toHaveLength(0);
  });

  test('with the incident allow-lists, the background raises nothing above low but the documented rows', () => {
    const noisy = report.lines.filter((l) => !['info', 'low'].includes(l.severity) && l.fpAllowListed > 0);
    expect(Object.fromEntries(noisy.map((l) => [l.id, l.fpAllowListed]))).toEqual(
      Object.fromEntries(Object.entries(BACKGROUND_ABOVE_LOW).map(([id, b]) => [id, b.rows])),
    );
  });
});
