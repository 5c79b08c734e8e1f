// The private build of the CLI that the spawning tests run: used by the vitest
// global setup (no vitest imports here) and by built-cli.ts.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root: every CLI run uses it as cwd, so paths in outputs are relative and stable. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// A private build of the same sources with the project's build config, so that
// a concurrent `npm run build` or clean of dist/ cannot change the CLI under test.
// It lives inside the repository so that Node resolves the dependencies.
const OUT_DIR = fileURLToPath(new URL('../../node_modules/.cache/kubetrail-cli-test/dist/', import.meta.url));
/** The built CLI entry. */
export const MAIN = `${OUT_DIR}cli/main.js`;

/** The test files that spawn the built CLI: the global setup builds it once when any of them runs. */
export const BUILT_CLI_TESTS = ['test/cli/main.test.ts', 'test/parallel/cli-workers.test.ts'] as const;

/**
 * Compiles the sources with the project's build config (tsc, unbundled) into
 * `outDir`, and checks that `expected` (a path inside it) was produced.
 */
export function compileInto(outDir: string, expected: string): void {
  try {
    execFileSync(
      process.execPath,
      [
        fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        outDir,
      ],
      { cwd: ROOT, stdio: 'pipe' },
    );
  } catch {
    // tsc emits even when some file has a type error; `npm test` type-checks separately.
  }
  if (!existsSync(`${outDir}${expected}`)) throw new Error(`the build did not produce ${expected}`);
}

/** Builds the CLI under test (called once per run by the global setup, test/cli/global-setup.ts). */
export function buildCliForTests(): void {
  compileInto(OUT_DIR, 'cli/main.js');
}
