/**
 * Writes the committed sample incident (`samples/`) and the readers' edge-case
 * fixtures (`test/fixtures/edge-cases/`), deterministically.
 *
 * Usage: `npx tsx scripts/generate-samples.ts [--out samples] [--edge-cases-out test/fixtures/edge-cases] [--seed N]`
 *
 * @module
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { edgeCaseFiles } from './samples/edge-cases.js';
import { buildSampleTree, DEFAULT_SEED, EDGE_CASES_DIR } from './samples/generate.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'samples' },
    'edge-cases-out': { type: 'string', default: EDGE_CASES_DIR },
    seed: { type: 'string', default: String(DEFAULT_SEED) },
  },
});
const out = values.out;
const seed = Number(values.seed);
if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
  process.stderr.write(`--seed must be an integer from 0 to 4294967295, got ${values.seed}\n`);
  process.exit(2);
}
const { files } = buildSampleTree(seed);
// Replace only what the generator owns, so stale files do not linger.
for (const entry of readdirSync(out, { withFileTypes: true }).filter(
  (e) => e.isDirectory() || e.name.endsWith('.md') || e.name.endsWith('.json'),
)) {
  rmSync(join(out, entry.name), { recursive: true, force: true });
}
let bytes = 0;
for (const [path, data] of files) {
  const target = join(out, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, data);
  bytes += data.length;
}
process.stdout.write(`wrote ${files.size} files, ${bytes} bytes under ${out}/ (seed ${seed})\n`);

const edgeOut = values['edge-cases-out'];
mkdirSync(edgeOut, { recursive: true });
// SOURCE.md is hand-written; every other file there is the generator's.
for (const name of readdirSync(edgeOut))
  if (name !== 'SOURCE.md') rmSync(join(edgeOut, name), { force: true });
const edges = edgeCaseFiles();
for (const [path, data] of edges) writeFileSync(join(edgeOut, path), data);
process.stdout.write(`wrote ${edges.length} edge-case files under ${edgeOut}/\n`);
