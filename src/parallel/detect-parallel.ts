/**
 * Detections over files, run across partitions (worker threads), with the
 * same findings as one thread: the same counts, samples, first/last seen,
 * suppression counts and order.
 *
 * Each partition runs the detections' one-pass, indexed run over its part
 * of the input, every query stopped at its split point
 * (`detect-partition.ts`). The calling thread then runs the same detection
 * run over no input, each query finished from the partitions' parts in
 * partition order: a split `stats` merges their groups, a top-K sort runs
 * the whole query over their candidates, any other query runs over the
 * events the partitions let through to it. The records each query matched
 * add up over partitions; the reader's counts add up as for `query`.
 *
 * Whenever that cannot promise the one-thread result — Sigma rules (they
 * see every event), fewer than two partitions, a partition that fails (a
 * bad record under `onError: 'throw'`, a hand-over over the thread's share
 * of the byte budget, a bad detection query, an unreadable file, a
 * cancelled run) — the run goes to one thread, which reports any error
 * exactly as it would have.
 *
 * @module
 */
import { BUILT_IN_DETECTIONS } from '../detect/catalogue/index.js';
import { ENGINE_DETECTION_COMPILER } from '../detect/run.js';
import {
  type DetectionQueryResult,
  type DetectionSlot,
  type RunDetectionsOptions,
  runDetectionsWith,
} from '../detect/run-detections.js';
import type { Finding } from '../detect/types.js';
import { InternalError } from '../errors.js';
import type { LogEvent } from '../log-event.js';
import { compileQuery } from '../query/compile.js';
import type { QueryLogsStatistics } from '../run/types.js';
import type { DetectPartitionSpec } from './detect-partition.js';
import { mergedStatsStage } from './partial-stats.js';
import type { PartitionQuery, PartitionResult } from './partition-task.js';
import { planPartitions } from './partitions.js';
import {
  candidatesInOrder,
  type ParallelRun,
  statisticsOf,
  sumCounts,
  threadShare,
} from './query-parallel.js';

/**
 * The findings of a detection run over logs, with the reader's statistics.
 *
 * @example
 * ```ts
 * import { type DetectLogsResult, detectLogs } from 'kubetrail/detect';
 * const result: DetectLogsResult = await detectLogs(['samples/incident/'], { onError: 'skip' });
 * console.log(result.findings.length, result.statistics.recordsScanned, result.statistics.recordsSkipped);
 * ```
 */
export interface DetectLogsResult {
  readonly findings: Finding[];
  /** Records read and skipped, as for `query` (`recordsMatched` is 0: findings carry their own counts). */
  readonly statistics: QueryLogsStatistics;
}

/** Options of a detection run over files across partitions. */
export interface DetectParallelOptions extends RunDetectionsOptions {
  /** What a bad record does. @defaultValue 'throw' */
  readonly onError?: 'throw' | 'skip';
  /** The byte budget; each thread may hand over its share of it in events. @defaultValue 64 MiB */
  readonly memoryBudgetBytes?: number;
}

/**
 * Runs detections over files across partitions, or on one thread
 * (`oneThread`) when that is the only exact way (see the module notes).
 *
 * @example
 * ```ts
 * const { findings } = await detectParallel(['audit.ndjson'], {}, { executor: workerExecutor(2) }, oneThread);
 * ```
 */
export async function detectParallel(
  paths: readonly string[],
  options: DetectParallelOptions,
  run: ParallelRun,
  oneThread: (options: DetectParallelOptions) => Promise<DetectLogsResult>,
): Promise<DetectLogsResult> {
  const now = options.now ?? Date.now();
  const fixed: DetectParallelOptions = { ...options, now };
  const fallback = (reason: string): Promise<DetectLogsResult> => {
    run.onFallback?.(reason);
    return oneThread(fixed);
  };
  if (options.sigma !== undefined) return fallback('Sigma rules see every event');
  if (options.strategy === 'naive') return fallback('the naive strategy');
  let plan: Awaited<ReturnType<typeof planPartitions>>;
  try {
    plan = await planPartitions(paths, {
      workers: run.executor.concurrency,
      ...(run.rangeBytes === undefined ? {} : { rangeBytes: run.rangeBytes }),
    });
  } catch {
    return fallback('the inputs could not be listed');
  }
  if (plan.partitions.length < 2 || plan.totalBytes < (run.minTotalBytes ?? 0))
    return fallback('the input is too small to split');
  const spec: DetectPartitionSpec = {
    // the built-ins are not cloned to every partition: each thread has them
    ...(options.detections === undefined || options.detections === BUILT_IN_DETECTIONS
      ? {}
      : { detections: options.detections }),
    filter: options.filter ?? {},
    now,
    handOverBytes: threadShare(options.memoryBudgetBytes, run.executor.concurrency),
    ...(options.allowLists === undefined ? {} : { allowLists: options.allowLists }),
    ...(options.limit === undefined ? {} : { limit: options.limit }),
    ...(options.startTime === undefined ? {} : { startTime: options.startTime }),
    ...(options.endTime === undefined ? {} : { endTime: options.endTime }),
  };
  const query: PartitionQuery = {
    text: '',
    onError: options.onError ?? 'throw',
    prefilter: false,
    split: 'detect',
    detect: spec,
    now,
  };
  const outcomes = await run.executor.run(
    plan.partitions.map((source) => ({ query, source })),
    options.signal,
  );
  const results: PartitionResult[] = [];
  for (const outcome of outcomes) {
    if (!outcome.ok) return fallback(`a partition failed (${outcome.error})`);
    results.push(outcome.result);
  }
  const findings = await runDetectionsWith(ENGINE_DETECTION_COMPILER, [], fixed, {
    results: (slots, runOptions) => finishSlots(slots, plan.partitions, results, runOptions),
  });
  return { findings, statistics: statisticsOf(sumCounts(results)) };
}

const NO_ROWS: DetectionQueryResult = { rows: [], statistics: { recordsMatched: 0 } };

/**
 * Every query of the calling thread's run, finished from the partitions'
 * parts for its slot, in partition order: a split `stats` from the merged
 * groups, any other query run whole over the events the partitions kept for
 * it (their top-K candidates, or every event routed to it). A query no
 * partition compiled met no event and gives nothing on none, as on one thread.
 */
async function finishSlots(
  slots: readonly DetectionSlot[],
  partitions: Parameters<typeof candidatesInOrder>[0],
  results: readonly PartitionResult[],
  runOptions: { signal?: AbortSignal },
): Promise<DetectionQueryResult[]> {
  // every partition's kept events, line numbers made file line numbers, and where each partition's start
  const all = candidatesInOrder(
    partitions,
    results.map((r) => ({ ...r, events: r.detect?.events ?? [] })),
  );
  const offsets: number[] = [];
  let at = 0;
  for (const r of results) {
    offsets.push(at);
    at += r.detect?.events.length ?? 0;
  }
  const out: DetectionQueryResult[] = [];
  for (const { slot, query, options } of slots) {
    const parts = results.map((r) => r.detect?.queries[slot] ?? null);
    const kind = parts.find((p) => p !== null)?.kind;
    if (kind === undefined) {
      out.push(NO_ROWS);
      continue;
    }
    if (parts.some((p) => p !== null && p.kind !== kind))
      throw new InternalError(
        'internal_error',
        `detection query ${slot} was split differently across partitions`,
      );
    let matched = 0;
    for (const p of parts) if (p !== null && p.kind !== 'events') matched += p.recordsMatched;
    if (kind === 'stats') {
      const groups = parts.map((p) => (p?.kind === 'stats' ? p.groups : []));
      const r = await compileQuery(query, { ...options, firstStatsStage: mergedStatsStage(groups) }).run(
        [],
        runOptions,
      );
      out.push({ rows: r.rows, statistics: { recordsMatched: matched } });
      continue;
    }
    const events: LogEvent[] = [];
    parts.forEach((p, j) => {
      if (p === null || p.kind === 'stats') return;
      const base = offsets[j] ?? 0;
      for (const id of p.events) events.push(all[base + id] as LogEvent);
    });
    const r = await compileQuery(query, options).run(events, runOptions);
    out.push(kind === 'top-k' ? { rows: r.rows, statistics: { recordsMatched: matched } } : r);
  }
  return out;
}
