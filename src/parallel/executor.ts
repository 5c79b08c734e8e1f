/**
 * Executors run partition tasks and hand back their outcomes in task order:
 * {@link workerExecutor} on `node:worker_threads`, {@link inProcessExecutor}
 * on the calling thread (same task code, results passed through
 * `structuredClone` as a thread hand-over would).
 *
 * @module
 */
import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { PartitionOutcome, PartitionTask } from './partition-task.js';
import { runPartition } from './run-partition.js';

/** Runs partition tasks. */
export interface PartitionExecutor {
  /** How many tasks run at once. */
  readonly concurrency: number;
  /** Runs every task; outcomes are in task order. A failed task does not stop the others. */
  run(tasks: readonly PartitionTask[], signal?: AbortSignal): Promise<readonly PartitionOutcome[]>;
}

function message(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/**
 * An executor that runs the tasks on the calling thread, one after another,
 * and passes each result through `structuredClone`.
 *
 * @example
 * ```ts
 * const outcomes = await inProcessExecutor().run(tasks);
 * ```
 */
export function inProcessExecutor(): PartitionExecutor {
  return {
    concurrency: 1,
    async run(tasks, signal) {
      const out: PartitionOutcome[] = [];
      for (const task of tasks) {
        if (signal?.aborted) {
          out.push({ ok: false, error: 'aborted' });
          continue;
        }
        try {
          out.push({ ok: true, result: structuredClone(await runPartition(task)) });
        } catch (e) {
          out.push({ ok: false, error: message(e) });
        }
      }
      return out;
    },
  };
}

/**
 * The young-generation size of each worker thread's heap, in MB. V8's default
 * is larger; with 16 MB two threads' peak RSS is 20–27 MB lower on the 1 GiB
 * benchmark and their time is the same within the machine's noise (see
 * docs/performance.md).
 */
export const WORKER_YOUNG_GENERATION_MB = 16;

/**
 * The heap limits of the worker threads of a query run: a
 * {@link WORKER_YOUNG_GENERATION_MB} young generation and a 512 MB old one.
 * With V8's default old generation a worker's heap grew to several times
 * what it kept live before V8 compacted it: `sort stageTimestamp desc |
 * limit 100` on two workers over the 1 GiB bench file peaked at 252–256 MB,
 * and at 173–175 MB with the cap, for the same CPU time (docs/performance.md).
 * A query needs far less (its stages spill past the memory budget); a worker
 * that still runs out fails its partition and the query runs on one thread.
 *
 * @example
 * ```ts
 * workerExecutor(2, WORKER_URL, QUERY_WORKER_LIMITS); // the same as workerExecutor(2)
 * ```
 */
export const QUERY_WORKER_LIMITS: ResourceLimits = {
  maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB,
  maxOldGenerationSizeMb: 512,
};

/** The worker thread's script: `worker.js` next to this module (in `dist/`). */
export const WORKER_URL = new URL('./worker.js', import.meta.url);

/** A message from a worker: the outcome of the task with that id. */
interface Reply {
  readonly id: number;
  readonly outcome: PartitionOutcome;
}

/**
 * An executor that runs tasks on `threads` worker threads, each taking the
 * next task when it is free (so uneven partitions balance). The threads are
 * started per `run` and stopped when it ends or the signal aborts. Each
 * thread's heap has `limits`; a thread that runs out of it fails its task
 * (`ERR_WORKER_OUT_OF_MEMORY`), which ends the run as any failure does.
 *
 * @example
 * ```ts
 * const outcomes = await workerExecutor(2).run(tasks);
 * ```
 */
export function workerExecutor(
  threads: number,
  script: URL = WORKER_URL,
  limits: ResourceLimits = QUERY_WORKER_LIMITS,
): PartitionExecutor {
  const concurrency = Math.max(1, Math.floor(threads));
  return {
    concurrency,
    run(tasks, signal) {
      return new Promise((resolve) => {
        const outcomes: (PartitionOutcome | undefined)[] = tasks.map(() => undefined);
        const workers: Worker[] = [];
        let next = 0;
        let left = tasks.length;
        let finished = false;
        let failure = 'aborted';
        const finish = (): void => {
          if (finished) return;
          finished = true;
          signal?.removeEventListener('abort', abort);
          for (const w of workers) void w.terminate();
          resolve(outcomes.map((o) => o ?? { ok: false, error: failure }));
        };
        const abort = (): void => finish();
        signal?.addEventListener('abort', abort);
        if (tasks.length === 0 || signal?.aborted) {
          finish();
          return;
        }
        // Any failure ends the run: the caller then runs the query on one thread, which reports it exactly.
        const settle = (id: number, outcome: PartitionOutcome): void => {
          if (finished || outcomes[id] !== undefined) return;
          outcomes[id] = outcome;
          if (!outcome.ok) failure = outcome.error;
          if (--left === 0 || !outcome.ok) finish();
        };
        const feed = (w: Worker, current: { id: number }): void => {
          if (next >= tasks.length) {
            current.id = -1;
            void w.terminate();
            return;
          }
          current.id = next++;
          w.postMessage({ id: current.id, task: tasks[current.id] });
        };
        for (let i = 0; i < Math.min(concurrency, tasks.length); i++) {
          const w = new Worker(script, { resourceLimits: limits });
          workers.push(w);
          const current = { id: -1 };
          w.on('message', (reply: Reply) => {
            settle(reply.id, reply.outcome);
            if (!finished) feed(w, current);
          });
          w.on('error', (e) => {
            failure = message(e);
            if (current.id >= 0) settle(current.id, { ok: false, error: failure });
            finish();
          });
          w.on('exit', () => {
            if (current.id >= 0) settle(current.id, { ok: false, error: 'the worker thread exited' });
          });
          feed(w, current);
        }
      });
    },
  };
}
