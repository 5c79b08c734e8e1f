/**
 * Copies the test data the suite needs from the optional `shared` folder
 * beside the checkout into `test/fixtures/`, so the tests run from the
 * repository alone: `npx tsx scripts/vendor-fixtures.ts`.
 *
 * - `corpus/<set>/`: every data file of every corpus set, byte for byte. The
 *   set's SOURCE.md is the shared one plus a "Vendored copy" section, and the
 *   licence and NOTICE files next to it are taken from upstream; neither is
 *   touched here.
 * - `example-queries/`: the reference example queries whose source licence
 *   allows redistribution ({@link QUERY_SOURCES}), split by licence into
 *   `queries.txt` (MIT-0, MIT, Apache-2.0) and `queries-cc-by-sa-4.0.txt`.
 *
 * `test/test-data.test.ts` checks, where the shared folder exists, that the
 * fixtures are exactly what this script writes.
 *
 * @module
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The shared folder beside the checkout. */
export const SHARED_DIR = resolve(ROOT, '..', 'shared');

/** Where the fixtures live. */
export const FIXTURES_DIR = join(ROOT, 'test', 'fixtures');

/** Files of a vendored corpus set that are ours, not copies: attribution and licence texts. */
export const isAttributionFile = (name: string): boolean =>
  name === 'SOURCE.md' || /^(LICENSE|NOTICE|COPYING)/.test(name);

/** The data files of the shared corpus, relative to `corpus/` (its README.md is an index, not data). */
export function sharedCorpusFiles(): string[] {
  const corpus = join(SHARED_DIR, 'corpus');
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const p = join(dir, name);
        return statSync(p).isDirectory() ? walk(p) : [relative(corpus, p)];
      });
  return walk(corpus).filter((f) => f.includes('/') && !isAttributionFile(f.split('/').at(-1)!));
}

/** Which fixture file a query goes to, or why it is left out. */
export type QueryLicence =
  | { readonly file: 'queries.txt' | 'queries-cc-by-sa-4.0.txt'; readonly licence: string }
  | { readonly file: null; readonly reason: string };

/**
 * The licence decision for each source of the example queries, matched
 * against the `# source:` line, first match wins. SOURCE.md in
 * `test/fixtures/example-queries/` explains each decision.
 */
export const QUERY_SOURCES: readonly (readonly [RegExp, QueryLicence])[] = [
  [
    /grafana\/grafana /,
    {
      file: null,
      reason:
        'grafana/grafana is AGPL-3.0-only outside the Apache-2.0 directories listed in its LICENSING.md, ' +
        'which do not include public/app/plugins/',
    },
  ],
  [
    /repost\.aws\/knowledge-center \(EKS Fargate eviction/,
    { file: null, reason: 'an unidentified third-party copy of a re:Post article: no licence known' },
  ],
  [
    /repost\.aws\//,
    {
      file: null,
      reason:
        'AWS re:Post Knowledge Center articles are published under the AWS site terms, with no licence ' +
        'that allows redistribution',
    },
  ],
  [/aws\/aws-eks-best-practices /, { file: 'queries-cc-by-sa-4.0.txt', licence: 'CC-BY-SA-4.0' }],
  [/getmoto\/moto /, { file: 'queries.txt', licence: 'Apache-2.0' }],
  [/localstack\/localstack /, { file: 'queries.txt', licence: 'Apache-2.0' }],
  [/vandycknick\/tree-sitter-log-insights-query /, { file: 'queries.txt', licence: 'MIT' }],
  [/awsdocs\/amazon-cloudwatch-logs-user-guide /, { file: 'queries.txt', licence: 'MIT-0' }],
  [/^https:\/\/docs\.aws\.amazon\.com\//, { file: 'queries.txt', licence: 'MIT-0' }],
];

/** One `----`-separated block of an example-queries file. */
export interface ExampleBlock {
  /** The `# source:` line's text. */
  readonly source: string;
  /** The block's lines as written, without the line breaks around the `----` separators. */
  readonly text: string;
}

/**
 * The blocks of an example-queries file, verbatim: joining their `text` with
 * `\n----\n` and a final line break gives the file back.
 */
export function exampleBlocks(text: string): ExampleBlock[] {
  return text.split(/^----$/m).map((raw) => {
    const block = raw.replace(/^\n/, '').replace(/\n$/, '');
    const source = block.split('\n').find((l) => l.startsWith('# source:')) ?? '';
    return { source: source.slice(9).trim(), text: block };
  });
}

/** The licence decision for a `# source:` value; throws on a source nobody has decided yet. */
export function queryLicence(source: string): QueryLicence {
  const hit = QUERY_SOURCES.find(([pattern]) => pattern.test(source));
  if (!hit) throw new Error(`no licence decision for the example-query source "${source}"`);
  return hit[1];
}

/** The contents of the two example-query fixture files for a shared example-queries file. */
export function vendoredExampleQueries(text: string): Record<string, string> {
  const out: Record<string, string[]> = { 'queries.txt': [], 'queries-cc-by-sa-4.0.txt': [] };
  for (const block of exampleBlocks(text)) {
    const licence = queryLicence(block.source);
    if (licence.file !== null) out[licence.file]!.push(block.text);
  }
  return Object.fromEntries(
    Object.entries(out).map(([file, blocks]) => [file, `${blocks.join('\n----\n')}\n`]),
  );
}

function main(): void {
  for (const file of sharedCorpusFiles()) {
    const target = join(FIXTURES_DIR, 'corpus', file);
    mkdirSync(join(target, '..'), { recursive: true });
    copyFileSync(join(SHARED_DIR, 'corpus', file), target);
  }
  const queries = vendoredExampleQueries(
    readFileSync(join(SHARED_DIR, 'reference', 'example-queries.txt'), 'utf8'),
  );
  for (const [file, text] of Object.entries(queries)) {
    writeFileSync(join(FIXTURES_DIR, 'example-queries', file), text);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
