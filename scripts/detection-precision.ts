/**
 * Prints the precision/recall table of the built-in detections on
 * samples/incident against samples/ground-truth.json (the section of
 * docs/detections.md that scripts/generate-detection-docs.ts writes).
 * Run: npx tsx scripts/detection-precision.ts
 */
import { incidentPrecisionReport, renderPrecisionDocs } from '../test/detect/incident-precision-report.js';

process.stdout.write(renderPrecisionDocs(await incidentPrecisionReport()));
