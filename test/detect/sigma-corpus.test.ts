import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { renderSigmaDocs } from '../../src/detect/sigma/docs.js';
import { loadSigmaRules } from '../../src/detect/sigma/load.js';
import { sigmaCorpusReport, sigmaHqSources } from './sigma-corpus-report.js';

describe('SigmaHQ corpus', () => {
  test('all 73 rules load and run unchanged; the one with a field CloudTrail lacks is a warning', () => {
    const set = loadSigmaRules(sigmaHqSources());
    expect(set.status).toHaveLength(73);
    expect(set.status.filter((s) => s.state !== 'runs')).toEqual([]);
    expect(set.rules).toHaveLength(73);
    expect(set.problems.map((p) => [p.severity, p.rule])).toEqual([
      ['warning', 'ccd6a6c8-bb4e-4a91-9d2a-07e632819374'],
    ]);
    for (const r of set.rules) {
      expect(r.meta.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.meta.author).toBeTruthy();
    }
  });

  test('docs/detections.md holds the status and labelled-event tables (npx tsx scripts/generate-detection-docs.ts)', async () => {
    const section = renderSigmaDocs(await sigmaCorpusReport());
    const docs = readFileSync(new URL('../../docs/detections.md', import.meta.url), 'utf8');
    expect(docs).toContain(section);
  });

  test('SigmaHQ rules fire on the Stratus detonations of their techniques', async () => {
    const report = await sigmaCorpusReport();
    const fired = new Map(report.labelled.map((l) => [l.title, l.stratus]));
    expect(fired.get('AWS CloudTrail Important Change')).toEqual(
      expect.arrayContaining([
        'aws.defense-evasion.cloudtrail-delete',
        'aws.defense-evasion.cloudtrail-stop',
      ]),
    );
    expect(report.labelled.length).toBeGreaterThan(5);
  });
});
