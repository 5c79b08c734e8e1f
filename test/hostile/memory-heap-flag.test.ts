import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HEAP_GROWING_PERCENT } from '../../src/cli/heap.js';
import { BUNDLED_MAIN, bundleOnce, ROOT } from '../cli/built-cli.js';
import { auditId, RSS_BOUND_MB, runMeasured, scratchDir, writeDistinctAudit } from './memory-harness.js';
import { hostileScale } from './scale.js';

// Issue 16, F1: the CLI sets V8's --heap-growing-percent at start-up (src/cli/heap.ts) so that the garbage
// of spilled groups is collected before the process passes 256 MB. Measured in a child process of the built
// CLI (the bundle, as installed; it starts in less CPU than the file-by-file build) over many distinct keys:
// the typed result, the peak RSS, the flag the child runs with, and that a flag the user gave node is left
// alone. No timing.

const n = hostileScale(20_000);
// A small budget, so that the groups spill (and leave garbage) at CI scale too.
const query = ['query', 'stats count(*) by auditID', '--limit', String(n), '--memory-budget', '2', '--quiet'];

let dir: string;
let input: string;
beforeAll(async () => {
  await bundleOnce();
  dir = scratchDir('kubetrail-heap-flag-');
  input = await writeDistinctAudit(dir, n);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The run gave one `count(*) = 1` row per distinct auditID, in first-appearance order. */
function expectEveryKeyOnce(run: Awaited<ReturnType<typeof runMeasured>>): void {
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdoutLines).toBe(n);
  const first = JSON.parse(run.stdoutHead.slice(0, run.stdoutHead.indexOf('\n')));
  expect(first).toEqual({ auditID: auditId(0), 'count(*)': 1 });
}

describe(`the CLI's heap growth flag in a child process (${n} distinct auditIDs, spilling)`, () => {
  test(`the CLI sets --heap-growing-percent=${HEAP_GROWING_PERCENT} itself and stays under ${RSS_BOUND_MB} MB RSS`, async () => {
    const run = await runMeasured(BUNDLED_MAIN, [...query, input], ROOT);
    expectEveryKeyOnce(run);
    expect(run.heapGrowth).toEqual({
      setBy: 'kubetrail',
      flag: `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
    });
    // set through V8's API at start-up, not on node's command line
    expect(run.execArgv.some((a) => a.includes('heap-growing-percent'))).toBe(false);
    expect(run.peakRssMb).toBeGreaterThan(0);
    expect(run.peakRssMb).toBeLessThan(RSS_BOUND_MB);
  });

  test.each(['--heap-growing-percent=80', '--heap_growing_percent=30'])(
    'a flag the user gave node (%s) is not overridden',
    async (flag) => {
      const run = await runMeasured(BUNDLED_MAIN, [...query, input], ROOT, undefined, [flag]);
      expectEveryKeyOnce(run);
      expect(run.execArgv).toContain(flag);
      expect(run.heapGrowth).toEqual({ setBy: 'user', flag });
      expect(run.peakRssMb).toBeLessThan(RSS_BOUND_MB);
    },
  );
});
