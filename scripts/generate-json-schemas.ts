/**
 * Writes docs/schemas/audit-event.schema.json and
 * docs/schemas/cloudtrail-record.schema.json from the zod schemas.
 *
 * Run: `npx tsx scripts/generate-json-schemas.ts` (with `--check` to only
 * compare and exit 1 when the committed files are stale).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { auditEventJsonSchema, cloudTrailRecordJsonSchema } from '../src/schema/json-schema.js';

const files: readonly (readonly [string, () => unknown])[] = [
  ['audit-event.schema.json', auditEventJsonSchema],
  ['cloudtrail-record.schema.json', cloudTrailRecordJsonSchema],
];

const check = process.argv.includes('--check');
let stale = 0;
for (const [name, make] of files) {
  const url = new URL(`../docs/schemas/${name}`, import.meta.url);
  const text = JSON.stringify(make(), null, 2) + '\n';
  let current: string | undefined;
  try {
    current = readFileSync(url, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  stale++;
  if (check) process.stderr.write(`stale: docs/schemas/${name}\n`);
  else {
    writeFileSync(url, text);
    process.stdout.write(`wrote docs/schemas/${name}\n`);
  }
}
if (check && stale > 0) process.exit(1);
