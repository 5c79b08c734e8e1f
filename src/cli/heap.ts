/**
 * The CLI process's heap growth. The byte budget (`--memory-budget`) bounds
 * what the buffering stages keep alive, but not the garbage they leave: the
 * groups, keys and rows a stage spills were promoted to V8's old space while
 * they lived, and die there. V8 lets old space grow to a multiple of what
 * survived the last full collection before it collects again, so on 200,000
 * distinct keys the heap held 227 MB when only 25 MB of it was alive (a
 * `--trace-gc` of `stats count(*) by auditID`). A smaller growth factor makes
 * V8 collect sooner, which keeps the process under 256 MB RSS at the default
 * budget for a few percent more GC time (docs/performance.md, Stress).
 *
 * @module
 */
import { setFlagsFromString } from 'node:v8';

/**
 * The factor V8 may grow the heap by between full collections, as
 * `--heap-growing-percent` (1.5: V8's own default can reach 4).
 *
 * @example
 * ```ts
 * HEAP_GROWING_PERCENT; //=> 50
 * ```
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Sets V8's heap growth factor to {@link HEAP_GROWING_PERCENT} for this
 * process, unless the user already set one (`node --heap-growing-percent=N
 * …/kubetrail`; node does not take the flag in `NODE_OPTIONS`). Returns
 * whether it set it.
 *
 * @example
 * ```ts
 * limitHeapGrowth(process.execArgv); // true: V8 now collects sooner
 * ```
 */
export function limitHeapGrowth(execArgv: readonly string[]): boolean {
  const given = (s: string) => s.includes('heap-growing-percent') || s.includes('heap_growing_percent');
  if (execArgv.some(given)) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
