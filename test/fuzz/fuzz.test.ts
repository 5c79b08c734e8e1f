/**
 * A short fixed-seed run of the fuzz campaign (test/fuzz/campaign.ts; the
 * long one is `npm run fuzz -- --minutes N`): every case either works or
 * throws a KubetrailError, and no invariant breaks. No timing is asserted
 * (the clock passed in reads no clock).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type CaseResult,
  createFuzzContext,
  type FuzzContext,
  type FuzzTarget,
  runCase,
} from './campaign.js';

const SEED = 42;
const CASES: Record<FuzzTarget, number> = { query: 120, reader: 40, rules: 120 };
const noClock = () => 0;

let ctx: FuzzContext;
beforeAll(async () => {
  ctx = await createFuzzContext();
});
afterAll(() => ctx.dispose());

function failures(results: readonly CaseResult[]): string[] {
  return results
    .filter((r) => r.outcome === 'untyped' || r.outcome === 'violation')
    .map((r) => `${r.target}#${r.index} ${r.outcome}: ${r.detail}\n  input: ${JSON.stringify(r.input)}`);
}

describe(`fuzz campaign, seed ${SEED}`, () => {
  for (const target of Object.keys(CASES) as FuzzTarget[]) {
    test(`${target}: ${CASES[target]} cases give a result or a KubetrailError, and keep their invariants`, async () => {
      const results: CaseResult[] = [];
      for (let i = 0; i < CASES[target]; i++) results.push(await runCase(ctx, SEED, target, i, noClock));
      expect(failures(results)).toEqual([]);
      // the cases reach both outcomes: some inputs work, some are rejected with a typed error
      expect(results.some((r) => r.outcome === 'ok')).toBe(true);
      expect(results.some((r) => r.outcome === 'typed')).toBe(true);
    });
  }
});
