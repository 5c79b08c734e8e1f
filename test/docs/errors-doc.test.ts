import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { renderErrorDocs } from '../../scripts/generate-error-docs.js';

test('docs/errors.md is generated from the error-code tables (run scripts/generate-error-docs.ts)', () => {
  expect(readFileSync('docs/errors.md', 'utf8')).toBe(renderErrorDocs());
});
