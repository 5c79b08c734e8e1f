// Helpers for the tests that run the private builds (cli/main.js and the library, see cli-build.ts).
import { execFile } from 'node:child_process';
import { inject } from 'vitest';
import { BUNDLED_MAIN, buildCliForTests, bundleCliForTests, ROOT } from './cli-build.js';

export { BUILT_DIR, BUNDLE_DIR, BUNDLED_MAIN, MAIN, ROOT } from './cli-build.js';

let built = false;

/**
 * Makes sure the CLI under test is built: the global setup has built it for
 * this run, or (a config without that setup) it is built once in this process.
 */
export function buildOnce(): void {
  if (built) return;
  if (inject('kubetrailCliBuilt') !== true) buildCliForTests();
  built = true;
}

let bundled: Promise<void> | undefined;

/**
 * Makes sure the bundle under test exists (runBuiltCli and spawnBuiltCli run
 * it): the global setup has bundled it for this run, or (a config without that
 * setup) it is bundled once in this process.
 */
export function bundleOnce(): Promise<void> {
  bundled ??= inject('kubetrailCliBundled') === true ? Promise.resolve() : bundleCliForTests();
  return bundled;
}

/** What one CLI run produced. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the bundled `cli/main.js ...args` with stdout and stderr piped (not TTYs); see bundleOnce. */
export function runBuiltCli(args: readonly string[], input?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [BUNDLED_MAIN, ...args],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : undefined;
        if (code === undefined) reject(error);
        else resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(input ?? '');
  });
}

/** Starts the bundled CLI and returns the child process (for signal tests); see bundleOnce. */
export function spawnBuiltCli(args: readonly string[]): ReturnType<typeof execFile> {
  return execFile(process.execPath, [BUNDLED_MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
  });
}
