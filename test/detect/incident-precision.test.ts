/**
 * Precision/recall of the built-in detections on samples/incident against
 * samples/ground-truth.json (method in incident-precision-report.ts), and
 * the allow-lists' suppression accounting.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import {
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

  test('with the incident allow-lists, nothing above low fires more than twice on background alone', () => {
    const noisy = report.lines.filter((l) => !['info', 'low'].includes(l.severity) && l.fpAllowListed > 2);
    expect(noisy.map((l) => [l.id, l.fpAllowListed])).toEqual([]);
  });
});
