/**
 * `detectLogs`: detections over logs read from files, directories, globs or
 * streams, on one thread or across worker threads (`workers`).
 *
 * @module
 */
import { runDetections } from '../detect/run.js';
import type { Finding } from '../detect/types.js';
import type { LogEvent } from '../log-event.js';
import { detectExecutor } from '../parallel/detect-executor.js';
import {
  type DetectLogsResult,
  type DetectParallelOptions,
  detectParallel,
} from '../parallel/detect-parallel.js';
import { parallelRunOf } from '../parallel/parallel-run.js';
import type { ParallelRun } from '../parallel/query-parallel.js';
import { readLogs } from '../read/read-logs.js';
import type { ReadSummary } from '../read/read-summary.js';
import type { LogInput } from '../read/sources.js';
import { asInputs } from './one-thread.js';
import { hookedEvents } from './options.js';
import { mergeStatistics } from './statistics.js';

export type { DetectLogsResult } from '../parallel/detect-parallel.js';

/**
 * Options of {@link detectLogs}.
 *
 * @example
 * ```ts
 * import { type DetectLogsOptions, detectLogs } from 'kubetrail/detect';
 * const options: DetectLogsOptions = {
 *   workers: 'auto',
 *   onError: 'skip',
 *   filter: { tags: ['irsa'] },
 *   onFallback: (reason) => console.error(`one thread: ${reason}`),
 * };
 * const { findings } = await detectLogs('samples/incident/', options);
 * ```
 */
export interface DetectLogsOptions extends DetectParallelOptions, DetectLogsHooks {
  /**
   * Threads: with 2 or more, file inputs are split across them (whole
   * files, and line-aligned byte ranges of big plain NDJSON files) and the
   * findings merged exactly; the calling thread runs its share and
   * `workers - 1` worker threads the rest. `'auto'` uses the available
   * parallelism for inputs of 64 MiB or more. @defaultValue 1
   */
  readonly workers?: number | 'auto';
  /** Called once with the reason when a run with `workers` goes to one thread. */
  readonly onFallback?: (reason: string) => void;
}

/** Hooks of a detection run on the calling thread (a CLI's progress line and read check). */
export interface DetectLogsHooks {
  /**
   * Called with each event the reader yields, on the calling thread: for
   * progress meters. Runs split across worker threads read in the workers
   * and do not call it.
   */
  readonly onEvent?: (event: LogEvent) => void;
  /**
   * Called once with the reader's summary when a read on the calling thread
   * ends; runs split across worker threads report only the counts in the
   * statistics.
   */
  readonly onReadSummary?: (summary: ReadSummary) => void;
}

/**
 * Reads logs once and runs the detections over them (see `runDetections`),
 * on one thread or across `workers` threads with the same findings, counts,
 * samples and order. The statistics are the reader's, as for `query`.
 *
 * @example
 * ```ts
 * import { detectLogs } from 'kubetrail/detect';
 * const { findings, statistics } = await detectLogs(['samples/incident/'], { workers: 2, onError: 'skip' });
 * console.log(findings.length, statistics.recordsScanned);
 * ```
 */
export function detectLogs(
  input: LogInput | readonly LogInput[],
  options: DetectLogsOptions = {},
): Promise<DetectLogsResult> {
  const threads = parallelRunOf(options.workers);
  // the calling thread runs its share of the partitions: one worker thread fewer (see detect-executor.ts)
  const run =
    threads === undefined
      ? undefined
      : { ...threads, executor: detectExecutor(threads.executor.concurrency) };
  return detectLogsWith(input, options, run === undefined ? undefined : withFallback(run, options));
}

/**
 * {@link detectLogs} with a given parallel run (tests pass the in-process executor).
 *
 * @internal
 * @example
 * ```ts
 * await detectLogsWith(['a.ndjson'], {}, { executor: inProcessExecutor(), rangeBytes: 4096 });
 * ```
 */
export function detectLogsWith(
  input: LogInput | readonly LogInput[],
  options: DetectParallelOptions & DetectLogsHooks,
  run: ParallelRun | undefined,
): Promise<DetectLogsResult> {
  const inputs = asInputs(input);
  const paths = inputs.every((i) => typeof i === 'string' && i !== '-') ? (inputs as string[]) : undefined;
  const { onEvent, onReadSummary } = options;
  const oneThread = async (o: DetectParallelOptions): Promise<DetectLogsResult> => {
    const reader = readLogs(inputs, {
      onError: o.onError ?? 'throw',
      ...(o.signal === undefined ? {} : { signal: o.signal }),
    });
    let findings: Finding[];
    try {
      findings = await runDetections(hookedEvents(reader, onEvent === undefined ? {} : { onEvent }), o);
    } finally {
      onReadSummary?.(reader.summary);
    }
    const s = reader.summary;
    return {
      findings,
      statistics: mergeStatistics({ recordsMatched: 0, recordsScanned: s.eventsEmitted, bytesScanned: 0 }, s),
    };
  };
  if (run === undefined) return oneThread(options);
  if (paths === undefined) {
    run.onFallback?.('inputs that are not file paths');
    return oneThread(options);
  }
  return detectParallel(paths, options, run, oneThread);
}

function withFallback(run: ParallelRun, options: DetectLogsOptions): ParallelRun {
  return options.onFallback === undefined ? run : { ...run, onFallback: options.onFallback };
}
