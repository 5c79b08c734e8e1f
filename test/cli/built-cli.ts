// Helpers for the tests that run the built CLI (cli/main.js, compiled by tsc -p tsconfig.build.json).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root: every CLI run uses it as cwd, so paths in outputs are relative and stable. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// A private build of the same sources with the project's build config, so that
// a concurrent `npm run build` or clean of dist/ cannot change the CLI under test.
// It lives inside the repository so that Node resolves the dependencies.
const OUT_DIR = fileURLToPath(new URL('../../node_modules/.cache/kubetrail-cli-test/dist/', import.meta.url));
/** The private build's `cli/main.js` (call {@link buildOnce} first). */
export const MAIN = `${OUT_DIR}cli/main.js`;

let built = false;

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

/** Builds dist/ once per test process with the project's build config. */
export function buildOnce(): void {
  if (built) return;
  compileInto(OUT_DIR, 'cli/main.js');
  built = true;
}

/** What one CLI run produced. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `cli/main.js ...args` with stdout and stderr piped (not TTYs). */
export function runBuiltCli(args: readonly string[], input?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [MAIN, ...args],
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
