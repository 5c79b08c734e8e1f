/**
 * Bundles the package's JavaScript entry points with esbuild: the library
 * (`dist/kubetrail.js`, re-exported by the root `dist/index.js` and the
 * subpaths `dist/entries/*.js`), the CLI (`dist/cli/main.js`), the demo
 * (`dist/cli/demo.js`) and the worker thread (`dist/parallel/worker.js`).
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
export const ENTRIES: readonly string[] = ['cli/main.ts', 'cli/demo.ts', 'parallel/worker.ts'];

/**
 * The package's public modules (the root and its subpaths), by source path
 * under `src/`. Their code is one bundle, `kubetrail.js`, so that the root and
 * every subpath share one copy of each class (`instanceof KubetrailError`
 * holds whichever module threw); each public module is a thin file that
 * re-exports its names from that bundle. `kubetrail.js` is not in the
 * package's `exports`, so users reach it only through the public modules.
 */
export const PUBLIC_MODULES: readonly string[] = [
  'index.ts',
  'entries/schema.ts',
  'entries/detect.ts',
  'entries/sql.ts',
  'entries/engine.ts',
];

const LIBRARY_OUT = 'kubetrail.js';

/** Resolves every import of a public module to the library bundle (so the output only re-exports). */
function toLibraryPlugin(entryOut: string): Plugin {
  let path = relative(dirname(entryOut), LIBRARY_OUT).split('\\').join('/');
  if (!path.startsWith('.')) path = `./${path}`;
  return {
    name: 'kubetrail-to-library',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) =>
        args.kind === 'entry-point' ? undefined : { path, external: true },
      );
    },
  };
}

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
  const common = {
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'warning',
  } as const;
  await build({
    ...common,
    stdin: {
      contents: PUBLIC_MODULES.map((m) => `export * from './src/${m}';`).join('\n'),
      resolveDir: ROOT,
      sourcefile: 'kubetrail.ts',
      loader: 'ts',
    },
    outfile: join(outDir, LIBRARY_OUT),
    sourcemap: true,
    plugins: [workerUrlPlugin(LIBRARY_OUT)],
  });
  for (const entry of PUBLIC_MODULES) {
    const out = entry.replace(/\.ts$/, '.js');
    await build({
      ...common,
      entryPoints: [join(ROOT, 'src', entry)],
      outfile: join(outDir, out),
      plugins: [toLibraryPlugin(out)],
    });
  }
  for (const entry of ENTRIES) {
    const out = entry.replace(/\.ts$/, '.js');
    // The CLI splits at its commands' dynamic imports (src/cli/commands/index.ts): the chunks sit
    // beside main.js, so that the worker URL, relative to the entry's directory, holds in each.
    const split = entry === 'cli/main.ts';
    await build({
      entryPoints: [join(ROOT, 'src', entry)],
      ...(split
        ? { outdir: join(outDir, dirname(out)), splitting: true, chunkNames: 'chunk-[hash]' }
        : { outfile: join(outDir, out) }),
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
