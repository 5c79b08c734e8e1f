// Regenerates the command reference in docs/cli.md from src/cli/help.ts.
// Run: npx tsx test/cli/update-cli-doc.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { spliceCliDoc } from '../../src/cli/cli-doc.js';

const path = new URL('../../docs/cli.md', import.meta.url);
writeFileSync(path, spliceCliDoc(readFileSync(path, 'utf8')));
