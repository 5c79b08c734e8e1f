/**
 * A query over files, run across partitions (worker threads), with the
 * first `stats` merged exactly.
 *
 * 1. The query is compiled on the calling thread first, so a bad query
 *    fails as it does on one thread; then {@link whyNotSplittable} decides
 *    whether it can be split at all.
 * 2. The inputs are cut into partitions ({@link planPartitions}): whole
 *    files, and line-aligned byte ranges of big plain NDJSON files.
 * 3. Each partition runs the steps before the first `stats` and that
 *    `stats`' grouping, and hands back the groups as accumulator snapshots
 *    plus its counts ({@link runPartition}).
 * 4. The calling thread merges the groups in partition order
 *    ({@link mergedStatsStage}) and runs the rest of the plan as one thread
 *    does; counts add up.
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
import type { QueryAst } from '../query/ast.js';
import { compileQuery } from '../query/compile.js';
import { printQuery } from '../query/print.js';
import type { ResultRow } from '../query/results.js';
import {
  mergeStatistics,
  type QueryLogsOptions,
  type QueryLogsStatistics,
  type QueryLogsStream,
  toCompileOptions,
} from '../query-logs.js';
import { createSummary } from '../read/read-summary.js';
import type { LogInput } from '../read/sources.js';
import type { PartitionExecutor } from './executor.js';
import { mergedStatsStage } from './partial-stats.js';
import type { PartitionCounts, PartitionQuery, PartitionResult } from './partition-task.js';
import { planPartitions } from './partitions.js';
import { whyNotSplittable } from './plan-split.js';
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

function sumCounts(results: readonly PartitionResult[]): PartitionCounts {
  let recordsMatched = 0;
  let recordsScanned = 0;
  let bytesScanned = 0;
  let prefiltered = 0;
  let bytesDecompressed = 0;
  let rejected = 0;
  let skipped = 0;
  const rejectedByCode = new Map<string, number>();
  for (const { counts: c } of results) {
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
  };
}

function statisticsOf(counts: PartitionCounts): QueryLogsStatistics {
  const summary = createSummary();
  summary.prefiltered = counts.prefiltered;
  summary.bytesDecompressed = counts.bytesDecompressed;
  summary.rejected = counts.rejected;
  summary.skipped = counts.skipped;
  for (const [code, n] of Object.entries(counts.rejectedByCode)) {
    (summary.rejectedByCode as Record<string, number>)[code] = n;
  }
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
  const notSplittable =
    paths === undefined
      ? 'inputs that are not file paths'
      : whyNotSplittable(queryText, compileOptions, compiled);
  if (notSplittable !== undefined) {
    run.onFallback?.(notSplittable);
    return oneThread(input, text, options);
  }
  let statistics: QueryLogsStatistics = {
    recordsMatched: 0,
    recordsScanned: 0,
    bytesScanned: 0,
    recordsSkipped: 0,
    skippedByReason: {},
  };
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
    } catch {
      yield* fallback('the inputs could not be listed');
      return;
    }
    if (plan.partitions.length < 2 || plan.totalBytes < (run.minTotalBytes ?? 0)) {
      yield* fallback('the input is too small to split');
      return;
    }
    const query: PartitionQuery = {
      text: queryText,
      onError: options.onError ?? 'throw',
      prefilter: options.prefilter !== false,
      ...toCompileOptions(options),
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
    const final = compileQuery(queryText, {
      ...compileOptionsOf(query),
      firstStatsStage: mergedStatsStage(results.map((r) => r.groups)),
    });
    const stream = final.stream([], options.signal === undefined ? {} : { signal: options.signal });
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
    [Symbol.asyncIterator]: () => iterate()[Symbol.asyncIterator](),
  };
}
