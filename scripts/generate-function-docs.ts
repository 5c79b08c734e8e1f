/**
 * Writes docs/functions.md from the function registry.
 * Run: npx tsx scripts/generate-function-docs.ts
 */
import { writeFileSync } from 'node:fs';
import { renderFunctionDocs } from '../src/query/functions/docs.js';

writeFileSync(new URL('../docs/functions.md', import.meta.url), renderFunctionDocs());
