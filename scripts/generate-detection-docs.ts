/**
 * Writes docs/detections.md from the detection catalogue, and the Sigma
 * tables from the SigmaHQ corpus report the tests compute.
 * Run: npx tsx scripts/generate-detection-docs.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderDetectionDocs, renderRulesFileDocs } from '../src/detect/docs.js';
import { renderSigmaDocs } from '../src/detect/sigma/docs.js';
import { incidentPrecisionReport, renderPrecisionDocs } from '../test/detect/incident-precision-report.js';
import { sigmaCorpusReport } from '../test/detect/sigma-corpus-report.js';

writeFileSync(
  new URL('../docs/detections.md', import.meta.url),
  renderDetectionDocs() +
    renderRulesFileDocs(
      readFileSync(new URL('../test/detect/fixtures/my-rules.yaml', import.meta.url), 'utf8'),
    ) +
    renderSigmaDocs(await sigmaCorpusReport()) +
    renderPrecisionDocs(await incidentPrecisionReport()),
);
