// The private builds of the CLI that the spawning tests run: used by the vitest
// global setup (no vitest imports here) and by built-cli.ts.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { bundle } from '../../scripts/bundle.js';

/** The repository root: every CLI run uses it as cwd, so paths in outputs are relative and stable. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// A private build of the same sources, so that a concurrent `npm run build` or
// clean of dist/ cannot change the CLI under test. It lives inside the
// repository so that Node resolves the dependencies.
/** The directory of the private build (the layout of `tsc -p tsconfig.build.json`). */
export const BUILT_DIR = fileURLToPath(
  new URL('../../node_modules/.cache/kubetrail-cli-test/dist/', import.meta.url),
);
/** The built CLI entry. */
export const MAIN = `${BUILT_DIR}cli/main.js`;

/**
 * The directory of the private bundle: the JavaScript of `npm run build`
 * (scripts/bundle.ts), without the declarations.
 */
export const BUNDLE_DIR = fileURLToPath(
  new URL('../../node_modules/.cache/kubetrail-cli-test/bundle/', import.meta.url),
);
/** The bundled CLI entry: what `kubetrail` runs once installed. */
export const BUNDLED_MAIN = `${BUNDLE_DIR}cli/main.js`;

/**
 * The test files that import or run the file-by-file build (BUILT_DIR): the
 * global setup builds it once when any of them is selected.
 */
export const BUILT_CLI_TESTS = ['test/parallel/workers.test.ts'] as const;

/**
 * The test files that run the private bundle (BUNDLE_DIR): the global setup
 * bundles once when any of them is selected. A bundled CLI starts in about
 * half the CPU time of the file-by-file build (one module instead of ~280:
 * 0.2 s instead of 0.5 s for `--help`), and its worker threads start faster
 * too; these files start the CLI or node over a dozen times each, and
 * test/parallel/bundle.test.ts checks the bundle itself (one bundle per run
 * instead of a second one of its own).
 */
export const BUNDLED_CLI_TESTS = [
  'test/cli/main.test.ts',
  'test/parallel/cli-workers.test.ts',
  'test/docs/examples.test.ts',
  'test/parallel/bundle.test.ts',
  'test/hostile/memory-heap-flag.test.ts',
] as const;

/** Every `.ts` file under `dir` (relative to the repository root). */
function sourcesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/**
 * Compiles the sources file by file into `outDir` with the layout `tsc -p
 * tsconfig.build.json` gives (`src/a/b.ts` becomes `a/b.js`), and checks that
 * `expected` (a path inside it) was produced. esbuild only strips the types
 * (the tsconfig has `isolatedModules`, so that is all tsc's emit does too):
 * about a second, where tsc took ~20 s of a two-core machine. `npm test`
 * type-checks separately.
 */
function compileInto(outDir: string, expected: string): void {
  rmSync(outDir, { recursive: true, force: true });
  buildSync({
    entryPoints: sourcesUnder('src'),
    outbase: join(ROOT, 'src'),
    outdir: outDir,
    bundle: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'error',
  });
  if (!existsSync(`${outDir}${expected}`)) throw new Error(`the build did not produce ${expected}`);
}

/** Builds the CLI under test (called once per run by the global setup, test/cli/global-setup.ts). */
export function buildCliForTests(): void {
  compileInto(BUILT_DIR, 'cli/main.js');
}

/** Bundles the package's JavaScript into BUNDLE_DIR (called once per run by the global setup). */
export async function bundleCliForTests(): Promise<void> {
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  await bundle(BUNDLE_DIR);
  if (!existsSync(BUNDLED_MAIN)) throw new Error('the bundle did not produce cli/main.js');
}
