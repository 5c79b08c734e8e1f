import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BUILT_IN_DETECTIONS, INEXPRESSIBLE_RULES } from '../../src/detect/catalogue/index.js';
import { renderDetectionDocs } from '../../src/detect/docs.js';

describe('docs/detections.md', () => {
  const text = renderDetectionDocs();

  test('is current (regenerate with npx tsx scripts/generate-detection-docs.ts)', () => {
    // the Sigma tables follow; test/detect/sigma-corpus.test.ts checks them
    expect(readFileSync(new URL('../../docs/detections.md', import.meta.url), 'utf8').startsWith(text)).toBe(
      true,
    );
  });

  test('lists every detection with its query, severity and ATT&CK ids, and the inexpressible rules', () => {
    for (const d of BUILT_IN_DETECTIONS) {
      expect(text).toContain(`### ${d.id}`);
      expect(text).toContain(`- Severity: ${d.severity}`);
      for (const q of d.queries) expect(text).toContain(q.query);
      for (const t of d.mitre) expect(text).toContain(t);
    }
    for (const r of INEXPRESSIBLE_RULES) expect(text).toContain(r.rule);
    expect(text).toContain('Offline CloudTrail Insights');
  });
});
