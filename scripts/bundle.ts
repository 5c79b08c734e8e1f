/**
 * Bundles the package's JavaScript entry points with esbuild, one file per
 * entry: the library (`dist/index.js`), the CLI (`dist/cli/main.js`), the
 * demo (`dist/cli/demo.js`) and the worker thread (`dist/parallel/worker.js`).
 * Dependencies stay external (they are installed next to the package, and
 * users share their zod with ours). Type declarations come from `tsc`.
 *
 * Why: loading ~110 modules one by one was about half of a query's fixed
 * cost. Importing the bundled library takes ~170 ms instead of ~330 ms, and a
 * worker thread starts its module in ~50 ms instead of ~145 ms (see
 * docs/performance.md).
 *
 * The worker's script is found with `new URL('./worker.js', import.meta.url)`
 * in `src/parallel/executor.ts`; inside a bundle, `import.meta.url` is the
 * bundle's, so each bundle gets the path from its own place to
 * `parallel/worker.js` (checked: the build fails if the expression moves).
 *
 * Usage: `tsx scripts/bundle.ts [outDir]` (default `dist`).
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The bundled entry points, by source path under `src/`. */
export const ENTRIES: readonly string[] = ['index.ts', 'cli/main.ts', 'cli/demo.ts', 'parallel/worker.ts'];

const WORKER_EXPRESSION = "new URL('./worker.js', import.meta.url)";
const WORKER_OUTPUT = 'parallel/worker.js';

/** Rewrites the worker URL in `executor.ts` to be relative to the bundle `entryOut` (a path under the out dir). */
function workerUrlPlugin(entryOut: string): Plugin {
  let path = relative(dirname(entryOut), WORKER_OUTPUT).split('\\').join('/');
  if (!path.startsWith('.')) path = `./${path}`;
  return {
    name: 'kubetrail-worker-url',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/]parallel[\\/]executor\.ts$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        const parts = text.split(WORKER_EXPRESSION);
        if (parts.length !== 2)
          throw new Error(`${args.path}: expected exactly one ${WORKER_EXPRESSION} to rewrite`);
        return { contents: parts.join(`new URL('${path}', import.meta.url)`), loader: 'ts' };
      });
    },
  };
}

/**
 * Bundles every entry into `outDir`.
 *
 * @example
 * ```ts
 * await bundle('dist');
 * ```
 */
export async function bundle(outDir: string): Promise<void> {
  for (const entry of ENTRIES) {
    const out = entry.replace(/\.ts$/, '.js');
    await build({
      entryPoints: [join(ROOT, 'src', entry)],
      outfile: join(outDir, out),
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: true,
      legalComments: 'none',
      logLevel: 'warning',
      plugins: [workerUrlPlugin(out)],
    });
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await bundle(resolve(process.argv[2] ?? join(ROOT, 'dist')));
}
