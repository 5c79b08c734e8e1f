/**
 * The executor of a detection run split over threads: the calling thread
 * runs its share of the partitions itself, and `threads - 1` worker threads
 * run the rest.
 *
 * A detection partition carries a large fixed cost per thread (loading the
 * code, parsing the catalogue, compiling the queries and gates the input
 * reaches, warming the JIT) and each worker thread holds a heap of its own.
 * The calling thread only waits while the partitions run, so it takes one
 * thread's share: `--workers 2` is the calling thread and one worker,
 * one isolate fewer than two workers beside an idle caller, for the same
 * parallelism. The partitions and their results are the same as on worker
 * threads (the in-process run passes each result through `structuredClone`
 * as a thread hand-over would), so the findings are too.
 *
 * @module
 */
import { inProcessExecutor, type PartitionExecutor, workerExecutor } from './executor.js';
import type { PartitionOutcome } from './partition-task.js';

/**
 * An executor over `threads` threads, the calling thread one of them: it
 * runs every `threads`-th partition (the first, then every `threads`-th
 * after it), a pool of `threads - 1` (from `pool`, worker threads by
 * default) the others. Outcomes are in task order.
 *
 * @example
 * ```ts
 * const outcomes = await detectExecutor(2).run(tasks); // this thread and one worker thread
 * ```
 */
export function detectExecutor(
  threads: number,
  pool: (threads: number) => PartitionExecutor = workerExecutor,
  here: PartitionExecutor = inProcessExecutor(),
): PartitionExecutor {
  const concurrency = Math.max(1, Math.floor(threads));
  return {
    concurrency,
    async run(tasks, signal) {
      if (concurrency < 2 || tasks.length < 2) return here.run(tasks, signal);
      const mine: number[] = [];
      const theirs: number[] = [];
      for (let i = 0; i < tasks.length; i++) (i % concurrency === 0 ? mine : theirs).push(i);
      // the workers first: they start up while this thread reads its first partition
      const away = pool(concurrency - 1).run(
        theirs.map((i) => tasks[i]!),
        signal,
      );
      const [own, other] = await Promise.all([
        here.run(
          mine.map((i) => tasks[i]!),
          signal,
        ),
        away,
      ]);
      const out: PartitionOutcome[] = new Array(tasks.length);
      mine.forEach((i, j) => {
        out[i] = own[j]!;
      });
      theirs.forEach((i, j) => {
        out[i] = other[j]!;
      });
      return out;
    },
  };
}
