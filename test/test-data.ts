/**
 * Where the tests' data lives, and the one rule for the optional extra data.
 *
 * Every test reads its data from `test/fixtures/` (vendored, with a SOURCE.md
 * per set). The `shared` folder beside the checkout (the project's research
 * corpus and reference notes) is optional: a test that also uses it must
 * register those checks with {@link testWithShared} / {@link describeWithShared},
 * which skip them, with the reason in the test name and on stderr, when the
 * folder is absent. Nothing essential may depend on it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'vitest';

/** `test/fixtures/`, as a URL with a trailing slash. */
export const FIXTURES = new URL('./fixtures/', import.meta.url);

/** `test/fixtures/corpus/`: the vendored real-world log files, one directory per set. */
export const CORPUS = new URL('corpus/', FIXTURES);

/** The optional `shared` folder beside the repository, as a URL with a trailing slash. */
export const SHARED = new URL('../../shared/', import.meta.url);

/** Whether the optional `shared` folder (with its corpus and reference notes) is present. */
export const hasShared = existsSync(new URL('corpus/', SHARED)) && existsSync(new URL('reference/', SHARED));

/** A path under `test/fixtures/` as a file-system path (a trailing `/` is kept). */
export const fixturePath = (relative: string): string => fileURLToPath(new URL(relative, FIXTURES));

/** A path under `test/fixtures/corpus/` as a file-system path (a trailing `/` is kept). */
export const corpusPath = (relative = ''): string => fileURLToPath(new URL(relative, CORPUS));

/** The reason appended to the name of a skipped shared-only test. */
export const SKIP_REASON = '(skipped: ../shared/ not present)';

const reported = new Set<string>();

/** The name a shared-only test runs under: the reason is appended, and printed once, when it is skipped. */
function sharedName(name: string): string {
  if (hasShared) return name;
  if (!reported.has(name)) {
    reported.add(name);
    process.stderr.write(`skipped "${name}": ../shared/ not present (optional extra data)\n`);
  }
  return `${name} ${SKIP_REASON}`;
}

/** A test that needs the optional `shared` folder: skipped with a printed reason when it is absent. */
export function testWithShared(name: string, fn: () => unknown, timeout?: number): void {
  test.skipIf(!hasShared)(sharedName(name), fn, timeout);
}

/** A suite that needs the optional `shared` folder: skipped with a printed reason when it is absent. */
export function describeWithShared(name: string, fn: () => void): void {
  // Without the folder the suite's body is not even collected: it may read the folder to build its cases.
  if (hasShared) describe(name, fn);
  else test.skip(sharedName(name), () => {});
}
