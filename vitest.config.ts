import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

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
  },
});
