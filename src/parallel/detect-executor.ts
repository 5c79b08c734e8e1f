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
import type { ResourceLimits } from 'node:worker_threads';
import { inProcessExecutor, type PartitionExecutor, WORKER_URL, workerExecutor } from './executor.js';
import type { PartitionOutcome } from './partition-task.js';

/**
 * The heap limits of a detection run's worker threads. V8 sizes a heap's
 * growth by its maximum: with the default maximum (several GB here) an old
 * generation may grow to four times what survived its last full GC before
 * the next one (a worker's committed heap reached 96 MB over 20 MB live);
 * with a maximum of 512 MB, to about 1.4 times. A detection partition keeps
 * some 20 MB alive (compiled queries, gate memos, the events it hands over,
 * bounded by its share of the byte budget), so the cap leaves it room and
 * the full GCs it adds are short; a thread that still reached it would fail
 * its partition, and the run would go to one thread, exactly. The young
 * generation is twice the query workers' (`WORKER_YOUNG_GENERATION_MB`):
 * fewer events in flight survive a scavenge into the old generation, which
 * the capped heap would otherwise compact more often. Two threads over the
 * 256 MiB bench file, before and after these limits and the one-buffer line
 * count (`countRangeLines`): peak RSS 290–294 MB before, 209–213 MB after, CPU
 * 3.7–3.9 s before, 3.2–3.4 s after (see docs/performance.md, "Detection on
 * worker threads").
 *
 * A library does not set V8 flags for its host (the CLI's
 * `--heap-growing-percent` does that for its own process); these limits are
 * the workers' own, given when they start.
 *
 * @example
 * ```ts
 * workerExecutor(1, WORKER_URL, DETECT_WORKER_LIMITS); // what detectExecutor(2) starts beside this thread
 * ```
 */
export const DETECT_WORKER_LIMITS: ResourceLimits = {
  maxYoungGenerationSizeMb: 32,
  maxOldGenerationSizeMb: 512,
};

/** Worker threads with {@link DETECT_WORKER_LIMITS}. */
const detectWorkers = (threads: number): PartitionExecutor =>
  workerExecutor(threads, WORKER_URL, DETECT_WORKER_LIMITS);

/**
 * An executor over `threads` threads, the calling thread one of them: it
 * runs every `threads`-th partition (the first, then every `threads`-th
 * after it), a pool of `threads - 1` (from `pool`, worker threads with
 * {@link DETECT_WORKER_LIMITS} by default) the others. Outcomes are in task order.
 *
 * @example
 * ```ts
 * const outcomes = await detectExecutor(2).run(tasks); // this thread and one worker thread
 * ```
 */
export function detectExecutor(
  threads: number,
  pool: (threads: number) => PartitionExecutor = detectWorkers,
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
