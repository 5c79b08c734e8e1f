/**
 * The SQL parts of the CLI, in process: `query --engine duckdb` prints the
 * streaming engine's rows; an untranslated construct exits 3 with a code frame.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { cli } from './cli-io.js';

const samples = fileURLToPath(new URL('../../samples/', import.meta.url));

describe('kubetrail query --engine duckdb', () => {
  test('prints the same rows as the streaming engine', async () => {
    const q = 'filter verb = "delete" | stats count(*) by objectRef.resource | sort objectRef.resource';
    const a = await cli(['query', q, samples, '--format', 'json', '--quiet']);
    const b = await cli(['query', q, samples, '--format', 'json', '--quiet', '--engine', 'duckdb']);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });

  test('an untranslated construct exits 3 with the code frame', async () => {
    const r = await cli([
      'query',
      'fields jsonParse(@message) as j',
      samples,
      '--engine',
      'duckdb',
      '--quiet',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('sql_unsupported');
    expect(r.stderr).toContain('jsonParse');
  });
});
