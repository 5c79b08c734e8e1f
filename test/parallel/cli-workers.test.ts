// `kubetrail query --workers 2` and `kubetrail detect --workers 2` (the bundled CLI, as installed,
// real worker threads): the same output as one thread. The one-thread runs are the CLI in process
// (runCli, the same code minus main.ts's process wiring, which the spawned runs cover): a spawn
// of the bundle costs about half a second of CPU more for the same output.
import { beforeAll, describe, expect, test } from 'vitest';
import { bundleOnce, runBuiltCli } from '../cli/built-cli.js';
import { runCliInProcess } from '../cli/run-in-process.js';

beforeAll(() => bundleOnce(), 300_000);

describe('query --workers', () => {
  test.each([
    'stats count(*) as n by verb | sort n desc, verb',
    'filter verb = "get" | fields @timestamp, verb | limit 5',
  ])('%s: same rows as one thread', async (text) => {
    const args = [
      'query',
      text,
      'samples/incident/',
      '--format',
      'json',
      '--now',
      '2024-06-01T00:00:00Z',
      '--quiet',
    ];
    const one = await runCliInProcess(args);
    const two = await runBuiltCli([...args, '--workers', '2']);
    expect(one.code).toBe(0);
    expect(two).toEqual(one);
  });

  test('a bad value is a usage error', async () => {
    const run = await runBuiltCli(['query', 'stats count(*)', 'samples/incident/', '--workers', 'many']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/--workers/);
  });
});

describe('detect --workers', () => {
  test('samples/: the same findings and summary as one thread', async () => {
    const args = ['detect', 'samples/', '--format', 'json', '--now', '2024-06-01T00:00:00Z'];
    const one = await runCliInProcess(args);
    const two = await runBuiltCli([...args, '--workers', '2']);
    expect(one.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    // the summary line, less its time
    const summary = (r: { stderr: string }) => r.stderr.replace(/ in [\d.]+s/, '');
    expect(summary(two)).toBe(summary(one));
  });
});
