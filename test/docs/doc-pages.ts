// The pages whose text the docs tests check: the README, the samples' README and every page of docs/.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root, with a trailing slash. */
export const DOCS_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The pages, as paths relative to the repository root. */
export const DOC_PAGES: readonly string[] = [
  'README.md',
  'samples/README.md',
  ...readdirSync(`${DOCS_ROOT}docs`)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
].filter((page) => existsSync(`${DOCS_ROOT}${page}`));
