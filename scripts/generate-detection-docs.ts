/**
 * Writes docs/detections.md from the detection catalogue.
 * Run: npx tsx scripts/generate-detection-docs.ts
 */
import { writeFileSync } from 'node:fs';
import { renderDetectionDocs } from '../src/detect/docs.js';

writeFileSync(new URL('../docs/detections.md', import.meta.url), renderDetectionDocs());
