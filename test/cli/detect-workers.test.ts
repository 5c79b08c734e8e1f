/**
 * `kubetrail detect --workers 2` gives the output of `--workers 1`: the same
 * findings, counts, samples and stderr summary, and the same error and exit
 * code for a bad file under --strict. This runs the CLI in process (the CLI
 * takes one path through `detectLogs` whatever the thread count); real worker
 * threads over the built CLI are in test/parallel/cli-workers.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runCliInProcess } from './run-in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'kubetrail-detect-workers-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOW = ['--now', '2024-06-01T00:00:00Z'];

describe('detect --workers', () => {
  test.each([
    [['samples/', '--format', 'json']],
    [['samples/', '--rows', '--row-limit', '3']],
    [['samples/incident/', '--format', 'json', '--trusted-cidr', '10.0.0.0/8', '--severity', 'medium']],
  ])('%j: the same output as one thread', async (args) => {
    const one = await runCliInProcess(['detect', ...args, ...NOW, '--workers', '1']);
    const two = await runCliInProcess(['detect', ...args, ...NOW, '--workers', '2']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/incident|detectionId/);
    expect(two).toEqual(one);
  });

  test('a bad line: skipped alike, and under --strict the same error and exit code', async () => {
    const file = join(dir, 'audit.ndjson');
    writeFileSync(
      file,
      `${JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', stage: 'ResponseComplete', stageTimestamp: '2024-05-14T10:00:00Z', verb: 'create', objectRef: { resource: 'pods', subresource: 'exec', namespace: 'kube-system' }, user: { username: 'mallory' } })}\n{"broken\n`,
    );
    for (const strict of [[], ['--strict']]) {
      const one = await runCliInProcess(['detect', file, ...NOW, ...strict]);
      const two = await runCliInProcess(['detect', file, ...NOW, ...strict, '--workers', '2']);
      expect(two).toEqual(one);
      if (strict.length > 0) {
        expect(one.code).not.toBe(0);
        expect(one.stderr).toMatch(/audit\.ndjson/);
      } else expect(one.stderr).toMatch(/1 skipped/);
    }
  });

  test('a bad value is a usage error', async () => {
    const run = await runCliInProcess(['detect', 'samples/incident/', '--workers', 'many']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--workers/);
  });
});
