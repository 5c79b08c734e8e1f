import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { query } from '../../../../src/run/query.js';

/**
 * `anomaly` on the repository's simulated incident: the bins it flags,
 * held against the attack steps (and the etcd 5xx episode) in
 * samples/ground-truth.json.
 */
test('anomaly on samples/incident: every flagged 10-minute bin but one holds a ground-truth step', async () => {
  const truth = JSON.parse(
    readFileSync(new URL('../../../../samples/ground-truth.json', import.meta.url), 'utf8'),
  ) as {
    steps: { step: string; time: string }[];
  };
  const { rows } = await query('samples/incident', 'pattern @message | anomaly', { now: 0 });
  const bins = [...new Set(rows.map((r) => (r['@timestamp'] as Date).getTime()))].sort((a, b) => a - b);
  const width = 600_000;
  const stepBins = new Set(truth.steps.map((s) => Math.floor(Date.parse(s.time) / width) * width));
  const matched = bins.filter((b) => stepBins.has(b));
  expect(bins.map((b) => new Date(b).toISOString().slice(11, 16))).toEqual([
    '02:10',
    '06:30',
    '13:40',
    '13:50',
    '14:10',
    '16:20',
  ]);
  expect(matched).toHaveLength(5);
  // Every attack phase's first step falls in a flagged bin: probing (1a), the stolen key (2), IRSA replay (6a).
  for (const id of ['1a', '2', '6a']) {
    const t = Date.parse(truth.steps.find((s) => s.step === id)?.time ?? '');
    expect(bins).toContain(Math.floor(t / width) * width);
  }
});
