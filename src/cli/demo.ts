#!/usr/bin/env node
/**
 * `npm run demo`: a tour of kubetrail on the bundled samples.
 *
 * @module
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const root = process.argv[2] ?? 'samples';
const files = walk(root);
const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
process.stdout.write(`kubetrail demo: ${files.length} sample files, ${bytes} bytes under ${root}/\n`);
