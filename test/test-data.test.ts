/**
 * The vendored test data: every set says where it comes from and carries its
 * licence; where the optional shared folder exists, the fixtures are exactly
 * what scripts/vendor-fixtures.ts makes of it (no drift in either direction).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  exampleBlocks,
  isAttributionFile,
  queryLicence,
  SHARED_DIR,
  sharedCorpusFiles,
  vendoredExampleQueries,
} from '../scripts/vendor-fixtures.js';
import { EXAMPLE_QUERY_FILES, vendoredExamples } from './query/support/example-queries.js';
import { corpusPath, fixturePath, hasShared, SKIP_REASON, testWithShared } from './test-data.js';

const corpus = corpusPath();
const sets = readdirSync(corpus).filter((d) => statSync(join(corpus, d)).isDirectory());

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : [relative(corpus, p)];
    });
}

const readText = (path: string): string => readFileSync(path, 'utf8');

describe('vendored corpus', () => {
  test('has the eight sets', () => {
    expect(sets).toEqual([
      'audit2rbac-testdata',
      'aws-samples-eks-security-immersion-day',
      'awsdocs-cloudtrail-user-guide',
      'falco-k8s-audit-traces',
      'otrf-security-datasets-aws',
      'panther-analysis-tests',
      'sigmahq-rules',
      'stratus-red-team-detonation-logs',
    ]);
  });

  test.each(sets)('%s has a SOURCE.md with repository, commit, licence and a vendored-copy note', (set) => {
    const source = readText(join(corpus, set, 'SOURCE.md'));
    expect(source).toMatch(/Repository|github\.com/);
    expect(source).toMatch(/[Cc]ommit[^\n]*[0-9a-f]{40}/);
    expect(source).toMatch(/Licen[cs]e/);
    expect(source).toContain('## Vendored copy');
  });

  test.each(sets)('%s ships its licence text', (set) => {
    const files = readdirSync(join(corpus, set));
    expect(files.filter((f) => /^(LICENSE|COPYING)/.test(f)).length).toBeGreaterThan(0);
  });

  test('stays a few MB', () => {
    const bytes = walk(corpus).reduce((n, f) => n + statSync(join(corpus, f)).size, 0);
    expect(bytes).toBeLessThan(4 * 1024 * 1024);
  });
});

describe('vendored example queries', () => {
  test('every query keeps its source line, and every source has a redistributable licence', () => {
    const examples = vendoredExamples();
    expect(examples.length).toBeGreaterThan(150);
    for (const e of examples) {
      const licence = queryLicence(e.source);
      expect(licence.file, e.source).not.toBeNull();
    }
  });

  test.each(EXAMPLE_QUERY_FILES)('%s holds only queries whose licence belongs in it', (file) => {
    const blocks = exampleBlocks(readText(fixturePath(`example-queries/${file}`)));
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(queryLicence(block.source).file, block.source).toBe(file);
  });
});

describe('the fixtures match the shared folder', () => {
  test('the skip reason names the folder', () => {
    expect(SKIP_REASON).toContain('../shared/');
    expect(typeof hasShared).toBe('boolean');
  });

  testWithShared('every data file of the shared corpus is vendored byte for byte', () => {
    const files = sharedCorpusFiles();
    expect(files.length).toBeGreaterThan(180);
    for (const file of files) {
      expect(
        readFileSync(join(corpus, file)).equals(readFileSync(join(SHARED_DIR, 'corpus', file))),
        file,
      ).toBe(true);
    }
  });

  testWithShared('the fixture holds no data file the shared corpus lacks', () => {
    const shared = new Set(sharedCorpusFiles());
    const extra = walk(corpus).filter((f) => !isAttributionFile(f.split('/').at(-1)!) && !shared.has(f));
    expect(extra).toEqual([]);
  });

  testWithShared("each set's SOURCE.md starts with the shared one", () => {
    for (const set of sets) {
      const shared = readText(join(SHARED_DIR, 'corpus', set, 'SOURCE.md')).trimEnd();
      expect(readText(join(corpus, set, 'SOURCE.md')).startsWith(shared), set).toBe(true);
    }
  });

  testWithShared(
    'the example-query files are the redistributable queries of the shared file, verbatim',
    () => {
      const expected = vendoredExampleQueries(readText(join(SHARED_DIR, 'reference', 'example-queries.txt')));
      for (const file of EXAMPLE_QUERY_FILES) {
        expect(readText(fixturePath(`example-queries/${file}`)), file).toBe(expected[file]);
      }
    },
  );
});
