/**
 * A query over files, run across partitions (worker threads), with the
 * same rows and statistics as one thread.
 *
 * 1. The query is compiled on the calling thread first, so a bad query
 *    fails as it does on one thread; then {@link splitPlanOf} decides
 *    whether and how it is split.
 * 2. The inputs are cut into partitions ({@link planPartitions}): whole
 *    files, and line-aligned byte ranges of big plain NDJSON files.
 * 3. Each partition runs the per-row steps before the split point and hands
 *    back, with its counts ({@link runPartition}):
 *    - split `stats`: the first `stats`' groups as accumulator snapshots;
 *    - split `top-k`: the events of its top K rows under the first sort (a
 *      global top-K row is in its partition's top K), in input order, and
 *      the number of lines of its byte range.
 * 4. The calling thread finishes:
 *    - `stats`: merges the groups in partition order ({@link mergedStatsStage})
 *      and runs the rest of the plan as one thread does;
 *    - `top-k`: runs the whole query over the candidates in input order, their
 *      line numbers made file line numbers, so sort ties, `@ptr` and every
 *      later step see what one thread sees.
 *    The counts add up.
 *
 * Whenever this path cannot promise the one-thread result — a query that
 * cannot be split, inputs that are not file paths, fewer than two
 * partitions, or any partition that fails (a bad record under
 * `onError: 'throw'`, a resource limit, an unreadable file, a cancelled
 * run) — the query runs on one thread instead, which then also reports any
 * error exactly as it would have.
 *
 * @module
 */
import type { LogEvent, LogSource } from '../log-event.js';
import type { QueryAst } from '../query/ast.js';
import { compileQuery } from '../query/compile.js';
import { printQuery } from '../query/print.js';
import type { ResultRow } from '../query/results.js';
import { DEFAULT_MEMORY_BUDGET_BYTES } from '../query/spill.js';
import { canSearchChunks } from '../read/chunk-search.js';
import { createSummary, type Rejection, SKIP_SAMPLES } from '../read/read-summary.js';
import type { LogInput } from '../read/sources.js';
import { spillOption, toCompileOptions } from '../run/options.js';
import { toRawPrefilter } from '../run/raw-prefilter.js';
import { emptyStatistics, mergeStatistics } from '../run/statistics.js';
import type { QueryLogsOptions, QueryLogsStatistics, QueryLogsStream } from '../run/types.js';
import type { PartitionExecutor } from './executor.js';
import { mergedStatsStage } from './partial-stats.js';
import type { PartitionCounts, PartitionQuery, PartitionResult, PartitionSource } from './partition-task.js';
import { planPartitions } from './partitions.js';
import { MAX_TOP_K_CANDIDATES, splitPlanOf } from './plan-split.js';
import { compileOptionsOf } from './run-partition.js';

/** How to run a query across partitions. */
export interface ParallelRun {
  readonly executor: PartitionExecutor;
  /** Below this total input size (bytes on disk) the query runs on one thread. @defaultValue 0 */
  readonly minTotalBytes?: number;
  /** Target byte-range size (see `PartitionOptions.rangeBytes`). */
  readonly rangeBytes?: number;
  /** Called once with the reason when the query runs on one thread instead (for tests and diagnostics). */
  readonly onFallback?: (reason: string) => void;
}

/** Each of `threads` workers (and the merging thread) gets an equal share of the budget. @internal */
export function threadShare(budget: number | undefined, threads: number): number {
  const total = budget ?? DEFAULT_MEMORY_BUDGET_BYTES;
  if (total === Number.POSITIVE_INFINITY) return total;
  return Math.max(1, Math.floor(total / (threads + 1)));
}

/** The partitions' counts, added up (the first located skips in partition order). @internal */
export function sumCounts(results: readonly PartitionResult[]): PartitionCounts {
  let recordsMatched = 0;
  let recordsScanned = 0;
  let bytesScanned = 0;
  let prefiltered = 0;
  let bytesDecompressed = 0;
  let rejected = 0;
  let skipped = 0;
  let digestFilesSkipped = 0;
  let unknownFilesSkipped = 0;
  const rejectedByCode = new Map<string, number>();
  const fileFaultsByCode = new Map<string, number>();
  const firstSkips: Rejection[] = [];
  let invalidTimestamps = 0;
  const invalidTimestampSamples: LogSource[] = [];
  for (const { counts: c } of results) {
    invalidTimestamps += c.invalidTimestamps;
    for (const t of c.invalidTimestampSamples)
      if (invalidTimestampSamples.length < SKIP_SAMPLES) invalidTimestampSamples.push(t);
    digestFilesSkipped += c.digestFilesSkipped;
    unknownFilesSkipped += c.unknownFilesSkipped;
    for (const [code, n] of Object.entries(c.fileFaultsByCode))
      fileFaultsByCode.set(code, (fileFaultsByCode.get(code) ?? 0) + n);
    for (const r of c.firstSkips) if (firstSkips.length < SKIP_SAMPLES) firstSkips.push(r);
    recordsMatched += c.recordsMatched;
    recordsScanned += c.recordsScanned;
    bytesScanned += c.bytesScanned;
    prefiltered += c.prefiltered;
    bytesDecompressed += c.bytesDecompressed;
    rejected += c.rejected;
    skipped += c.skipped;
    for (const [code, n] of Object.entries(c.rejectedByCode))
      rejectedByCode.set(code, (rejectedByCode.get(code) ?? 0) + n);
  }
  return {
    recordsMatched,
    recordsScanned,
    bytesScanned,
    prefiltered,
    bytesDecompressed,
    rejected,
    skipped,
    rejectedByCode: Object.fromEntries(rejectedByCode),
    fileFaultsByCode: Object.fromEntries(fileFaultsByCode),
    digestFilesSkipped,
    unknownFilesSkipped,
    firstSkips,
    invalidTimestamps,
    invalidTimestampSamples,
  };
}

/**
 * The partitions' candidate events in input order, with the line numbers of
 * byte-range events made file line numbers (a range numbers its lines from 1;
 * the lines of the file's earlier ranges are added).
 * @internal
 */
export function candidatesInOrder(
  partitions: readonly PartitionSource[],
  results: readonly PartitionResult[],
): LogEvent[] {
  const out: LogEvent[] = [];
  let base = 0;
  results.forEach((r, i) => {
    const p = partitions[i] as PartitionSource;
    // a file's ranges come one after another, from offset 0
    if (p.range === undefined || p.range.start <= 0) base = 0;
    for (const e of r.events ?? []) {
      const line = e.source.line;
      out.push(
        p.range === undefined || line === undefined || base === 0
          ? e
          : { ...e, source: { ...e.source, line: line + base } },
      );
    }
    base += r.lines ?? 0;
  });
  return out;
}

/** The run's statistics from the partitions' summed counts, as one thread's reader and engine give them. @internal */
export function statisticsOf(counts: PartitionCounts): QueryLogsStatistics {
  const summary = createSummary();
  summary.prefiltered = counts.prefiltered;
  summary.bytesDecompressed = counts.bytesDecompressed;
  summary.rejected = counts.rejected;
  summary.skipped = counts.skipped;
  for (const [code, n] of Object.entries(counts.rejectedByCode)) {
    (summary.rejectedByCode as Record<string, number>)[code] = n;
  }
  for (const [code, n] of Object.entries(counts.fileFaultsByCode)) {
    (summary.fileFaultsByCode as Record<string, number>)[code] = n;
    summary.fileFaults += n;
  }
  summary.digestFilesSkipped = counts.digestFilesSkipped;
  summary.unknownFilesSkipped = counts.unknownFilesSkipped;
  summary.rejections.push(...counts.firstSkips);
  summary.invalidTimestamps = counts.invalidTimestamps;
  summary.invalidTimestampSamples.push(...counts.invalidTimestampSamples);
  return mergeStatistics(
    {
      recordsMatched: counts.recordsMatched,
      recordsScanned: counts.recordsScanned,
      bytesScanned: counts.bytesScanned,
    },
    summary,
  );
}

/**
 * Runs a query across partitions of its file inputs, or on one thread
 * (`oneThread`) when that is the only exact way (see the module notes). The
 * rows and statistics equal those of the one-thread run.
 *
 * @throws {QueryError} when the query does not compile (before any input is read).
 * @example
 * ```ts
 * const rows = queryParallel(['big.ndjson'], 'stats count(*) by verb', {}, { executor: workerExecutor(2) }, queryStream);
 * for await (const row of rows) console.log(row);
 * ```
 */
export function queryParallel(
  input: LogInput | readonly LogInput[],
  text: string | QueryAst,
  options: QueryLogsOptions,
  run: ParallelRun,
  oneThread: (
    input: LogInput | readonly LogInput[],
    text: string | QueryAst,
    options: QueryLogsOptions,
  ) => QueryLogsStream,
): QueryLogsStream {
  const queryText = typeof text === 'string' ? text : printQuery(text);
  const compileOptions = toCompileOptions(options);
  // compiled as on one thread, so that a bad query fails the same way, before anything is read
  const compiled = compileQuery(queryText, compileOptions);
  const inputs = Array.isArray(input) ? (input as readonly LogInput[]) : [input as LogInput];
  const paths = inputs.every((i) => typeof i === 'string' && i !== '-')
    ? (inputs as readonly string[])
    : undefined;
  const split =
    paths === undefined
      ? { kind: 'none' as const, reason: 'inputs that are not file paths' }
      : splitPlanOf(queryText, compileOptions, compiled);
  if (split.kind === 'none') {
    run.onFallback?.(split.reason);
    return oneThread(input, text, options);
  }
  if (
    split.kind === 'top-k' &&
    options.prefilter !== false &&
    canSearchChunks(toRawPrefilter(compiled.prefilter))
  ) {
    // The raw prefilter skips most lines unread, so the scan runs at the speed of the copy from the page
    // cache; threads would add their start-up and the candidates' hand-over (measured: docs/performance.md).
    run.onFallback?.('the raw prefilter narrows the scan');
    return oneThread(input, text, options);
  }
  let statistics = emptyStatistics();
  const fallback = async function* (reason: string): AsyncGenerator<ResultRow> {
    run.onFallback?.(reason);
    const stream = oneThread(input, text, options);
    try {
      yield* stream;
    } finally {
      statistics = stream.statistics;
    }
  };
  const iterate = async function* (): AsyncGenerator<ResultRow> {
    let plan: Awaited<ReturnType<typeof planPartitions>>;
    try {
      plan = await planPartitions(paths ?? [], {
        workers: run.executor.concurrency,
        ...(run.rangeBytes === undefined ? {} : { rangeBytes: run.rangeBytes }),
      });
      if (
        split.kind === 'top-k' &&
        run.rangeBytes === undefined &&
        split.k * plan.partitions.length > MAX_TOP_K_CANDIDATES
      ) {
        // A large K hands over fewer candidates with fewer, bigger ranges: one per thread.
        plan = await planPartitions(paths ?? [], {
          workers: run.executor.concurrency,
          rangeBytes: Math.max(1, Math.ceil(plan.totalBytes / run.executor.concurrency)),
        });
      }
    } catch {
      yield* fallback('the inputs could not be listed');
      return;
    }
    if (plan.partitions.length < 2 || plan.totalBytes < (run.minTotalBytes ?? 0)) {
      yield* fallback('the input is too small to split');
      return;
    }
    if (split.kind === 'top-k' && split.k * plan.partitions.length > MAX_TOP_K_CANDIDATES) {
      yield* fallback(
        `too many candidates to hand over (limit ${split.k} × ${plan.partitions.length} parts)`,
      );
      return;
    }
    const query: PartitionQuery = {
      text: queryText,
      onError: options.onError ?? 'throw',
      prefilter: options.prefilter !== false,
      split: split.kind,
      ...toCompileOptions(options),
      memoryBudgetBytes: threadShare(options.memoryBudgetBytes, run.executor.concurrency),
      now: options.now ?? Date.now(),
      ...(options.logStream === undefined ? {} : { logStream: options.logStream }),
      ...(options.logGroup === undefined ? {} : { logGroup: options.logGroup }),
    };
    const outcomes = await run.executor.run(
      plan.partitions.map((source) => ({ query, source })),
      options.signal,
    );
    const results: PartitionResult[] = [];
    for (const outcome of outcomes) {
      if (!outcome.ok) {
        yield* fallback(`a partition failed (${outcome.error})`);
        return;
      }
      results.push(outcome.result);
    }
    const counts = sumCounts(results);
    const runOptions = options.signal === undefined ? {} : { signal: options.signal };
    const stream =
      split.kind === 'stats'
        ? compileQuery(queryText, {
            ...compileOptionsOf(query),
            ...spillOption(options),
            firstStatsStage: mergedStatsStage(results.map((r) => r.groups)),
          }).stream([], runOptions)
        : // the whole query once more, over the partitions' top-K candidates in input order
          compileQuery(queryText, { ...compileOptionsOf(query), ...spillOption(options) }).stream(
            candidatesInOrder(plan.partitions, results),
            runOptions,
          );
    try {
      yield* stream;
    } finally {
      statistics = statisticsOf(counts);
    }
  };
  return {
    get statistics() {
      return statistics;
    },
    columns: compiled.columns,
    [Symbol.asyncIterator]: () => iterate()[Symbol.asyncIterator](),
  };
}
