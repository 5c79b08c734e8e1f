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
 * The global symbol under which {@link limitHeapGrowth} records the flag the
 * process runs with, since V8 has no API that reads a flag back: a
 * diagnostic hook in the same process (`node --import hook.mjs …/kubetrail`,
 * as the child-process RSS tests do) reads `globalThis[HEAP_GROWTH_KEY]`.
 *
 * @example
 * ```ts
 * (globalThis as Record<symbol, unknown>)[HEAP_GROWTH_KEY]; //=> { setBy: 'kubetrail', flag: '--heap-growing-percent=50' }
 * ```
 */
export const HEAP_GROWTH_KEY = Symbol.for('kubetrail.heapGrowth');

/** What {@link limitHeapGrowth} did, as recorded under {@link HEAP_GROWTH_KEY}. */
export interface HeapGrowth {
  /** `kubetrail`: it set the flag; `user`: the user's own flag was left as given. */
  readonly setBy: 'kubetrail' | 'user';
  /** The flag in effect, as given to V8 (the user's spelling when `setBy` is `user`). */
  readonly flag: string;
}

/**
 * Sets V8's heap growth factor to {@link HEAP_GROWING_PERCENT} for this
 * process, unless the user already set one (`node --heap-growing-percent=N
 * …/kubetrail`; node does not take the flag in `NODE_OPTIONS`), and records
 * which under {@link HEAP_GROWTH_KEY}. Returns whether it set it.
 *
 * @example
 * ```ts
 * limitHeapGrowth(process.execArgv); // true: V8 now collects sooner
 * ```
 */
export function limitHeapGrowth(execArgv: readonly string[]): boolean {
  const given = execArgv.find(
    (s) => s.includes('heap-growing-percent') || s.includes('heap_growing_percent'),
  );
  const record = (growth: HeapGrowth): void => {
    (globalThis as Record<symbol, unknown>)[HEAP_GROWTH_KEY] = Object.freeze(growth);
  };
  if (given !== undefined) {
    record({ setBy: 'user', flag: given });
    return false;
  }
  const flag = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
  setFlagsFromString(flag);
  record({ setBy: 'kubetrail', flag });
  return true;
}
