import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const ROOT = fileURLToPath(new URL('./', import.meta.url));

/**
 * Seconds of the slowest files, measured on a quiet two-core machine (whole
 * suite, two workers): a scheduling hint only, for runs without vitest's
 * cache of earlier durations (`npm ci` empties node_modules/, where that cache
 * lives). A stale number only changes the order the files start in.
 */
const SLOW_FILES: Readonly<Record<string, number>> = {
  'test/cli/main.test.ts': 27.0,
  'test/sql/raw-read.test.ts': 24.7,
  'test/docs/examples.test.ts': 23.2,
  'test/parallel/cli-workers.test.ts': 16.4,
  'test/sql/query-engine.test.ts': 16.4,
  'test/sql/cli.test.ts': 14.3,
  'test/cli/help-examples.test.ts': 13.8,
  'test/sql/differential.test.ts': 11.2,
  'test/sql/property.test.ts': 11.2,
  'test/cli/detect-workers.test.ts': 9.4,
  'test/fuzz/fuzz.test.ts': 7.5,
  'test/sql/typed-columns.test.ts': 7.0,
  'test/detect/detect-command.test.ts': 6.3,
};

/**
 * Starts the longest files first (after any that failed last time), so that
 * the two workers end together instead of one finishing a long file alone.
 * The expected time of a file is its duration in vitest's cache, else its
 * SLOW_FILES hint, else a guess from its size (~5 kB a second; the files
 * without a hint take under 6 s). vitest's own order without a cache is by
 * size alone, which starts several 10-16 s files late: small files that run
 * the CLI or DuckDB on the samples (test/parallel/cli-workers.test.ts takes
 * 16 s and is the 127th file by size of 144).
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const expected = new Map<TestSpecification, { failed: boolean; seconds: number }>();
    for (const spec of files) {
      const path = relative(ROOT, spec.moduleId).replaceAll('\\', '/');
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`);
      expected.set(spec, {
        failed: cached?.failed === true,
        seconds:
          cached?.duration !== undefined
            ? cached.duration / 1000
            : (SLOW_FILES[path] ?? statSync(spec.moduleId).size / 5000),
      });
    }
    // As vitest's own order: the files that failed last time first.
    const key = (spec: TestSpecification): [number, number] => {
      const e = expected.get(spec);
      return [e?.failed === true ? 0 : 1, -(e?.seconds ?? 0)];
    };
    return [...files].sort((a, b) => {
      const [fa, sa] = key(a);
      const [fb, sb] = key(b);
      return fa - fb || sa - sb;
    });
  }
}

export default defineConfig({
  resolve: {
    // Investigations import the package by name, as users do.
    alias: [
      { find: /^kubetrail$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      {
        find: /^kubetrail\/(schema|detect|sql|engine)$/,
        replacement: fileURLToPath(new URL('./src/entries/$1.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // Builds the CLI once per run when a test that spawns it is selected.
    globalSetup: ['test/cli/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // A young generation of 64 MiB semi-spaces instead of V8's 16 MiB: the tests that run the CLI
    // or an engine over samples/ allocate hundreds of MB of short-lived records, and each smaller
    // scavenge copies the survivors again. Measured back to back (user + sys CPU, one file each):
    // test/sql/query-engine.test.ts 15.6-26.0 s -> 10.1-11.2 s, test/cli/main.test.ts 13.4 -> 10.9 s,
    // test/cli/help-examples.test.ts 10.1 -> 8.4 s; the DuckDB-bound files unchanged; a worker's
    // peak RSS about 100 MB higher. Only the workers: the CLI children keep Node's defaults.
    execArgv: ['--max-semi-space-size=64'],
    // Two files at a time. vitest 4's default is availableParallelism() - 1, which is 1 on
    // a two-core machine, so the suite ran one file after another (the sum of the per-file
    // times was the wall time: 358 s tests, 372 s wall). The tests bound memory, not time
    // (the hostile memory tests measure RSS in their own children), and the spawning tests
    // use private builds and scratch directories, so two files at once do not disturb each
    // other. Measured on the shared 2-core machine, the slow group of test/sql, test/cli,
    // test/docs, test/parallel and test/hostile files: see the commit that set this.
    maxWorkers: 2,
    // Test files share their worker's module cache instead of importing the
    // sources afresh each: importing was over half of the suite's time (on 46
    // files of test/query, test/schema and test/read: 197 s -> 90 s wall, import
    // 85 s -> 14 s). Safe because no test mocks modules or stubs globals, and
    // setup.ts still runs before every file.
    isolate: false,
    sequence: { sequencer: LongestFirst },
  },
});
