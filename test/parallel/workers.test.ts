/**
 * Real worker threads. A `.ts` worker cannot be started from the TypeScript
 * sources vitest runs, so this test imports the private build of the
 * package that the CLI tests run (test/cli/cli-build.ts, built once per
 * run): `workerExecutor` starts `parallel/worker.js` next to the compiled
 * `executor.js`. It covers the thread hand-over (messages,
 * structured clone, task queue, shutdown) and the public `workers` option;
 * the exactness over generated queries and partitionings is covered with
 * the in-process executor in `query-parallel.test.ts`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BUILT_DIR, buildOnce } from '../cli/built-cli.js';

const OUT = BUILT_DIR;

type Api = typeof import('../../src/index.js');
type Parallel = typeof import('../../src/parallel/query-parallel.js');
type Executors = typeof import('../../src/parallel/executor.js');
type DetectExecutors = typeof import('../../src/parallel/detect-executor.js');
type DetectLogs = typeof import('../../src/run/detect-logs.js');

let api: Api;
let parallel: Parallel;
let executors: Executors;
let detectExecutors: DetectExecutors;
let detectLogs: DetectLogs;
const dir = mkdtempSync(join(tmpdir(), 'kubetrail-workers-'));
const NOW = Date.UTC(2024, 0, 1);
const files: string[] = [];

beforeAll(async () => {
  buildOnce();
  api = (await import(pathToFileURL(join(OUT, 'index.js')).href)) as Api;
  parallel = (await import(pathToFileURL(join(OUT, 'parallel', 'query-parallel.js')).href)) as Parallel;
  executors = (await import(pathToFileURL(join(OUT, 'parallel', 'executor.js')).href)) as Executors;
  detectExecutors = (await import(
    pathToFileURL(join(OUT, 'parallel', 'detect-executor.js')).href
  )) as DetectExecutors;
  detectLogs = (await import(pathToFileURL(join(OUT, 'run', 'detect-logs.js')).href)) as DetectLogs;
  const verbs = ['get', 'list', 'delete', 'patch'];
  for (let f = 0; f < 2; f++) {
    const lines: string[] = [];
    for (let i = 0; i < 600; i++) {
      const n = f * 1000 + i;
      lines.push(
        JSON.stringify({
          kind: 'Event',
          apiVersion: 'audit.k8s.io/v1',
          auditID: `id-${n}`,
          stage: 'ResponseComplete',
          verb: verbs[n % 4],
          user: { username: `user-${n % 7}` },
          responseStatus: { code: n % 11 === 0 ? 500 : 200 },
          requestReceivedTimestamp: new Date(NOW + n * 9000).toISOString(),
        }),
      );
      if (i === 300) lines.push('{"not json');
    }
    const file = join(dir, `audit-${f}.ndjson`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    files.push(file);
  }
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const QUERIES = [
  'stats count(*) as n by user.username | sort n desc, user.username',
  'filter responseStatus.code >= 500 | stats count_distinct(user.username) as u, pct(responseStatus.code, 50), earliest(verb) by bin(1h)',
  'stats count(*) as c by verb, user.username | stats sum(c) as total, count(*) as pairs by verb',
];

async function rowsAndStats(stream: AsyncIterable<unknown> & { statistics: unknown }) {
  const rows: unknown[] = [];
  for await (const row of stream) rows.push(row);
  return { rows, statistics: stream.statistics };
}

describe('worker threads (compiled package)', () => {
  test.each(QUERIES)('two threads over files and byte ranges equal one thread: %s', async (text) => {
    const options = { now: NOW, onError: 'skip' } as const;
    const one = await rowsAndStats(api.queryStream(files, text, options));
    const fallbacks: string[] = [];
    const many = await rowsAndStats(
      parallel.queryParallel(
        files,
        text,
        options,
        { executor: executors.workerExecutor(2), rangeBytes: 20_000, onFallback: (r) => fallbacks.push(r) },
        api.queryStream,
      ),
    );
    expect(fallbacks).toEqual([]);
    expect(many).toEqual(one);
    expect((one.statistics as { recordsSkipped: number }).recordsSkipped).toBe(2);
  });

  test('the public workers option gives the one-thread result', async () => {
    const text = QUERIES[0] as string;
    const one = await api.query(files, text, { now: NOW, onError: 'skip' });
    const two = await api.query(files, text, { now: NOW, onError: 'skip', workers: 2 });
    expect(two).toEqual(one);
  });

  test('a failing partition falls back to one thread, which reports the error', async () => {
    const text = 'stats count(*) by verb';
    const one = await api.query(files, text, { now: NOW }).catch((e: unknown) => e);
    const two = await api.query(files, text, { now: NOW, workers: 2 }).catch((e: unknown) => e);
    expect((one as { code?: string }).code).toBe('bad_json_line');
    expect(two).toEqual(one);
  });

  test('detection on a worker thread with its heap limits gives the one-thread findings', async () => {
    const options = { now: NOW, onError: 'skip' } as const;
    const one = await detectLogs.detectLogs(files, options);
    const fallbacks: string[] = [];
    const two = await detectLogs.detectLogsWith(files, options, {
      executor: detectExecutors.detectExecutor(2),
      rangeBytes: 20_000,
      onFallback: (r) => fallbacks.push(r),
    });
    expect(fallbacks).toEqual([]);
    expect(two).toEqual(one);
    expect(detectExecutors.DETECT_WORKER_LIMITS.maxOldGenerationSizeMb).toBeGreaterThan(0);
  });

  test("a query's worker threads have an old-generation cap of their own", () => {
    // without it a worker's heap grew to several times what it kept live (docs/performance.md)
    expect(executors.QUERY_WORKER_LIMITS.maxOldGenerationSizeMb).toBe(512);
    expect(executors.QUERY_WORKER_LIMITS.maxYoungGenerationSizeMb).toBe(executors.WORKER_YOUNG_GENERATION_MB);
  });

  test('a worker thread out of its heap fails its partition, and detection goes to one thread', async () => {
    const options = { now: NOW, onError: 'skip' } as const;
    const tiny = { maxOldGenerationSizeMb: 2, maxYoungGenerationSizeMb: 1 };
    const starved = (n: number) => executors.workerExecutor(n, executors.WORKER_URL, tiny);
    const outcomes = await starved(1).run([
      {
        query: {
          text: 'stats count(*) by verb',
          onError: 'skip',
          prefilter: false,
          split: 'stats',
          now: NOW,
        },
        source: { file: files[0] as string, discovered: false },
      },
    ]);
    expect(outcomes).toEqual([{ ok: false, error: expect.stringMatching(/memory/i) }]);
    const fallbacks: string[] = [];
    const two = await detectLogs.detectLogsWith(files, options, {
      executor: detectExecutors.detectExecutor(2, starved),
      rangeBytes: 20_000,
      onFallback: (r) => fallbacks.push(r),
    });
    expect(fallbacks).toEqual([expect.stringMatching(/^a partition failed \(.*memory/i)]);
    expect(two).toEqual(await detectLogs.detectLogs(files, options));
  });
});
