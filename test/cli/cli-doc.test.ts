import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { spliceCliDoc } from '../../src/cli/cli-doc.js';
import { COMMANDS, formatCommandHelp } from '../../src/cli/help.js';

const doc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');

test('docs/cli.md carries the current help text (regenerate: npx tsx test/cli/update-cli-doc.ts)', () => {
  expect(spliceCliDoc(doc)).toBe(doc);
});

test.each(COMMANDS.map((c) => [c.name, c] as const))(
  '%s: help has usage, options and examples',
  (_, help) => {
    const text = formatCommandHelp(help);
    expect(text).toContain('Usage:');
    expect(text).toContain('Examples:');
    expect(help.examples.length).toBeGreaterThan(0);
    for (const o of help.options) expect(text).toContain(`--${o.name}`);
    expect(doc).toContain(`## kubetrail ${help.name}`);
  },
);
