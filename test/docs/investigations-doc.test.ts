import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';

test('docs/investigations.md shows the investigation test file byte for byte', () => {
  const doc = readFileSync('docs/investigations.md', 'utf8');
  const file = readFileSync('test/investigations/sample-incident.test.ts', 'utf8');
  const start = doc.indexOf('```ts\n') + '```ts\n'.length;
  const end = doc.indexOf('```', start);
  expect(doc.slice(start, end)).toBe(file);
});
