/**
 * The published JavaScript is bundled (`scripts/bundle.ts`): one file per
 * entry point, the worker thread's script at `parallel/worker.js`. This test
 * reads the private bundle of the CLI tests (test/cli/cli-build.ts: the
 * global setup makes it once per run with `bundle()`, as `npm run build`
 * does) and checks what the unbundled tests
 * cannot: that every bundle that can start worker threads points at the
 * worker bundle, that the worker bundle runs a real partition task, and that
 * the bundled library gives the one-thread result with `workers: 2`.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ENTRIES } from '../../scripts/bundle.js';
import { BUNDLE_DIR, bundleOnce } from '../cli/built-cli.js';

const OUT = BUNDLE_DIR;
const dir = mkdtempSync(join(tmpdir(), 'kubetrail-bundle-'));
const file = join(dir, 'audit.ndjson');
const NOW = Date.UTC(2024, 0, 1);

type Api = typeof import('../../src/index.js');

beforeAll(async () => {
  await bundleOnce();
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) {
    lines.push(
      JSON.stringify({
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        auditID: `id-${i}`,
        verb: ['get', 'list', 'delete'][i % 3],
        user: { username: `u${i % 7}` },
        requestReceivedTimestamp: new Date(NOW - 60_000 + i).toISOString(),
      }),
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the bundled package', () => {
  test('has one file per entry point', () => {
    for (const entry of ENTRIES) expect(existsSync(join(OUT, entry.replace(/\.ts$/, '.js')))).toBe(true);
  });

  test('bundles that start worker threads point at the worker bundle', () => {
    // The CLI bundle is split at each command's dynamic import, so the code
    // that starts workers can sit in a shared chunk: every emitted file counts.
    const files = readdirSync(OUT, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    let library = 0;
    let cli = 0;
    for (const relative of files) {
      const path = join(OUT, relative);
      const text = readFileSync(path, 'utf8');
      for (const m of text.matchAll(/new URL\("([^"]*worker\.js)", import\.meta\.url\)/g)) {
        expect(join(dirname(path), m[1] as string)).toBe(join(OUT, 'parallel', 'worker.js'));
        if (relative.startsWith(`cli${sep}`)) cli++;
        else library++;
      }
    }
    // the library and the CLI can start workers; the worker itself and the demo need not
    expect(library).toBeGreaterThanOrEqual(1);
    expect(cli).toBeGreaterThanOrEqual(1);
  });

  test('the worker bundle runs a partition task', async () => {
    const worker = new Worker(join(OUT, 'parallel', 'worker.js'));
    try {
      const reply = await new Promise<{ id: number; outcome: { ok: boolean; result?: unknown } }>(
        (resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
          worker.postMessage({
            id: 7,
            task: {
              query: { text: 'stats count(*) by verb', onError: 'throw', prefilter: true, now: NOW },
              source: { file, discovered: false },
            },
          });
        },
      );
      expect(reply.id).toBe(7);
      expect(reply.outcome.ok).toBe(true);
      expect(JSON.stringify(reply.outcome.result)).toContain('"recordsScanned":3000');
    } finally {
      await worker.terminate();
    }
  });

  test('the bundled library gives the one-thread result with two workers', async () => {
    const api = (await import(pathToFileURL(join(OUT, 'index.js')).href)) as Api;
    const text = 'stats count(*) as n, count_distinct(user.username) as users by verb | sort verb';
    const one = await api.query([file, file], text, { now: NOW });
    const two = await api.query([file, file], text, { now: NOW, workers: 2 });
    expect(two.rows).toEqual(one.rows);
    expect(two.statistics).toEqual(one.statistics);
    expect(one.rows.length).toBe(3);
  });
});
