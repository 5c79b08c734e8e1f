// vitest globalSetup: builds the CLI once per test run (not once per test file)
// when a selected test file spawns the built CLI, and tells those files so.
import type { TestProject } from 'vitest/node';
import { BUILT_CLI_TESTS, buildCliForTests } from './cli-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** True when the global setup has built the CLI under test for this run. */
    kubetrailCliBuilt: boolean;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const { testFiles } = await project.globTestFiles(project.config.filters);
  const needed = testFiles.some((file) =>
    BUILT_CLI_TESTS.some((name) => file.replaceAll('\\', '/').endsWith(name)),
  );
  if (needed) buildCliForTests();
  project.provide('kubetrailCliBuilt', needed);
}
