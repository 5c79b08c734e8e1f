// vitest globalSetup: builds the CLI once per test run (not once per test file)
// when a selected test file spawns the built CLI, and tells those files so.
import type { TestProject } from 'vitest/node';
import { BUILT_CLI_TESTS, BUNDLED_CLI_TESTS, buildCliForTests, bundleCliForTests } from './cli-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** True when the global setup has built the CLI under test for this run. */
    kubetrailCliBuilt: boolean;
    /** True when the global setup has bundled the CLI under test for this run. */
    kubetrailCliBundled: boolean;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const { testFiles } = await project.globTestFiles(project.config.filters);
  const selected = (names: readonly string[]): boolean =>
    testFiles.some((file) => names.some((name) => file.replaceAll('\\', '/').endsWith(name)));
  const built = selected(BUILT_CLI_TESTS);
  const bundled = selected(BUNDLED_CLI_TESTS);
  if (built) buildCliForTests();
  if (bundled) await bundleCliForTests();
  project.provide('kubetrailCliBuilt', built);
  project.provide('kubetrailCliBundled', bundled);
}
