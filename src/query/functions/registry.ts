/**
 * The function registry: every scalar and aggregate function, looked up by
 * name without regard to case (`STRLEN`, `Count_Distinct`).
 *
 * @module
 */
import { AGGREGATE_FUNCTIONS } from './aggregate.js';
import { DATETIME_FUNCTIONS } from './datetime.js';
import { GENERAL_FUNCTIONS } from './general.js';
import { HASH_FUNCTIONS } from './hash.js';
import { IP_FUNCTIONS } from './ip.js';
import { JSON_FUNCTIONS } from './json.js';
import { NUMERIC_FUNCTIONS } from './numeric.js';
import { STRING_FUNCTIONS } from './string.js';
import { TIME_SERIES_FUNCTIONS } from './time-series.js';
import type { FunctionDef } from './types.js';

/**
 * Every function the query language knows, grouped by family in
 * documentation order.
 *
 * @example
 * ```ts
 * FUNCTIONS.some((f) => f.name === 'strlen') //=> true
 * ```
 */
export const FUNCTIONS: readonly FunctionDef[] = Object.freeze([
  ...NUMERIC_FUNCTIONS,
  ...GENERAL_FUNCTIONS,
  ...STRING_FUNCTIONS,
  ...DATETIME_FUNCTIONS,
  ...IP_FUNCTIONS,
  ...JSON_FUNCTIONS,
  ...HASH_FUNCTIONS,
  ...AGGREGATE_FUNCTIONS,
  ...TIME_SERIES_FUNCTIONS,
]);

const BY_NAME: ReadonlyMap<string, FunctionDef> = new Map(
  FUNCTIONS.flatMap((f) => [f.name, ...(f.aliases ?? [])].map((n) => [n.toLowerCase(), f] as const)),
);

/**
 * Finds a function by name or alias (`countOverTime`), ignoring case.
 *
 * @example
 * ```ts
 * lookupFunction('STRLEN')?.name //=> 'strlen'
 * lookupFunction('nope') //=> undefined
 * ```
 */
export function lookupFunction(name: string): FunctionDef | undefined {
  return BY_NAME.get(name.toLowerCase());
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(above + 1, (prev[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return prev[b.length] ?? 0;
}

/**
 * The closest known function name for an unknown one ("did you mean strlen?"),
 * or `undefined` when nothing is close (edit distance above a third of the length, at most 3).
 *
 * @example
 * ```ts
 * suggestFunctionName('strlem') //=> 'strlen'
 * suggestFunctionName('zzzzzzzz') //=> undefined
 * ```
 */
export function suggestFunctionName(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower.length > 64) return undefined;
  const limit = Math.min(3, Math.max(1, Math.floor(lower.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const f of FUNCTIONS) {
    for (const n of [f.name, ...(f.aliases ?? [])]) {
      const d = editDistance(lower, n.toLowerCase());
      if (d < bestDistance) {
        bestDistance = d;
        best = n;
      }
    }
  }
  return best;
}
