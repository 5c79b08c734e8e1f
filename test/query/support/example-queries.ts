/**
 * The example Logs Insights queries: the vendored ones in
 * test/fixtures/example-queries/, and, where the optional shared folder
 * exists, the ones left out of the fixture for their licence.
 */
import { readFileSync } from 'node:fs';
import { exampleBlocks, queryLicence } from '../../../scripts/vendor-fixtures.js';
import { FIXTURES, hasShared, SHARED } from '../../test-data.js';

/** One example query. */
export interface Example {
  /** 1-based position in the list it was loaded into. */
  readonly index: number;
  /** The `# source:` line's text. */
  readonly source: string;
  readonly notes: readonly string[];
  /** The query text: the block without its `# source:` and `# note:` lines, trimmed. */
  readonly query: string;
}

function toExamples(text: string): Omit<Example, 'index'>[] {
  return exampleBlocks(text).map((block) => {
    const notes: string[] = [];
    const lines: string[] = [];
    for (const line of block.text.split('\n')) {
      if (line.startsWith('# note:')) notes.push(line.slice(7).trim());
      else if (!line.startsWith('# source:')) lines.push(line);
    }
    return { source: block.source, notes, query: lines.join('\n').replace(/^\n+|\s+$/g, '') };
  });
}

const numbered = (list: Omit<Example, 'index'>[]): Example[] => list.map((e, i) => ({ index: i + 1, ...e }));

/** The fixture files, in load order. */
export const EXAMPLE_QUERY_FILES = ['queries.txt', 'queries-cc-by-sa-4.0.txt'] as const;

/** The vendored example queries (both fixture files). */
export function vendoredExamples(): Example[] {
  return numbered(
    EXAMPLE_QUERY_FILES.flatMap((file) =>
      toExamples(readFileSync(new URL(`example-queries/${file}`, FIXTURES), 'utf8')),
    ),
  );
}

/** The reference file in the shared folder, all 192 queries; only call it when `hasShared`. */
export function sharedExamples(): Example[] {
  return numbered(toExamples(readFileSync(new URL('reference/example-queries.txt', SHARED), 'utf8')));
}

/** The shared queries the fixture leaves out for their licence; empty without the shared folder. */
export function droppedExamples(): Example[] {
  return hasShared ? sharedExamples().filter((e) => queryLicence(e.source).file === null) : [];
}
