/**
 * Turns the `workers` option of `query()` into a parallel run (or none).
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { workerExecutor } from './executor.js';
import type { ParallelRun } from './query-parallel.js';

/** With `workers: 'auto'`, inputs smaller than this (bytes on disk) run on one thread. */
export const AUTO_MIN_BYTES = 64 * 1024 * 1024;

/**
 * The parallel run for a `workers` option: `undefined` (one thread) for
 * `undefined`, values below 2 and non-numbers; worker threads otherwise.
 * `'auto'` is the available parallelism, and only for inputs of at least
 * {@link AUTO_MIN_BYTES}.
 *
 * @example
 * ```ts
 * parallelRunOf(1) //=> undefined
 * parallelRunOf(2)?.executor.concurrency //=> 2
 * ```
 */
export function parallelRunOf(workers: number | 'auto' | undefined): ParallelRun | undefined {
  if (workers === 'auto') {
    const n = availableParallelism();
    return n < 2 ? undefined : { executor: workerExecutor(n), minTotalBytes: AUTO_MIN_BYTES };
  }
  if (typeof workers !== 'number' || !Number.isFinite(workers) || workers < 2) return undefined;
  return { executor: workerExecutor(Math.floor(workers)) };
}
