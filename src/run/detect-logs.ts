/**
 * `detectLogs`: detections over logs read from files, directories, globs or
 * streams, on one thread or across worker threads (`workers`).
 *
 * @module
 */
import { runDetections } from '../detect/run.js';
import {
  type DetectLogsResult,
  type DetectParallelOptions,
  detectParallel,
} from '../parallel/detect-parallel.js';
import { parallelRunOf } from '../parallel/parallel-run.js';
import type { ParallelRun } from '../parallel/query-parallel.js';
import { readLogs } from '../read/read-logs.js';
import type { LogInput } from '../read/sources.js';
import { asInputs } from './one-thread.js';
import { mergeStatistics } from './statistics.js';

export type { DetectLogsResult } from '../parallel/detect-parallel.js';

/** Options of {@link detectLogs}. */
export interface DetectLogsOptions extends DetectParallelOptions {
  /**
   * Worker threads: with 2 or more, file inputs are split across them (whole
   * files, and line-aligned byte ranges of big plain NDJSON files) and the
   * findings merged exactly; `'auto'` uses the available parallelism for
   * inputs of 64 MiB or more. @defaultValue 1
   */
  readonly workers?: number | 'auto';
  /** Called once with the reason when a run with `workers` goes to one thread. */
  readonly onFallback?: (reason: string) => void;
}

/**
 * Reads logs once and runs the detections over them (see `runDetections`),
 * on one thread or across `workers` threads with the same findings, counts,
 * samples and order. The statistics are the reader's, as for `query`.
 *
 * @example
 * ```ts
 * import { detectLogs } from 'kubetrail';
 * const { findings, statistics } = await detectLogs(['samples/incident/'], { workers: 2, onError: 'skip' });
 * console.log(findings.length, statistics.recordsScanned);
 * ```
 */
export function detectLogs(
  input: LogInput | readonly LogInput[],
  options: DetectLogsOptions = {},
): Promise<DetectLogsResult> {
  const run = parallelRunOf(options.workers);
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
  options: DetectParallelOptions,
  run: ParallelRun | undefined,
): Promise<DetectLogsResult> {
  const inputs = asInputs(input);
  const paths = inputs.every((i) => typeof i === 'string' && i !== '-') ? (inputs as string[]) : undefined;
  const oneThread = async (o: DetectParallelOptions): Promise<DetectLogsResult> => {
    const reader = readLogs(inputs, {
      onError: o.onError ?? 'throw',
      ...(o.signal === undefined ? {} : { signal: o.signal }),
    });
    const findings = await runDetections(reader, o);
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
