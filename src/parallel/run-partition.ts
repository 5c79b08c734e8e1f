/**
 * Runs one partition: the query's steps up to its first `stats` over the
 * partition's events, keeping that `stats`' groups as accumulator snapshots.
 * The same function runs in a worker thread and in the in-process executor.
 *
 * @module
 */
import { compileQuery } from '../query/compile.js';
import { toRawPrefilter } from '../query-logs.js';
import { readLogs } from '../read/read-logs.js';
import type { ReadLogsOptions } from '../read/read-options.js';
import { type PartialGroups, partialStatsStage } from './partial-stats.js';
import type { PartitionQuery, PartitionResult, PartitionTask } from './partition-task.js';

/**
 * The compile options of a partition's (and the final) run.
 *
 * @example
 * ```ts
 * compileQuery(q.text, compileOptionsOf(q));
 * ```
 */
export function compileOptionsOf(q: PartitionQuery): {
  now: number;
  limit?: number;
  startTime?: number;
  endTime?: number;
  maxBufferedRows?: number;
} {
  return {
    now: q.now,
    ...(q.limit === undefined ? {} : { limit: q.limit }),
    ...(q.startTime === undefined ? {} : { startTime: q.startTime }),
    ...(q.endTime === undefined ? {} : { endTime: q.endTime }),
    ...(q.maxBufferedRows === undefined ? {} : { maxBufferedRows: q.maxBufferedRows }),
  };
}

/**
 * Runs one partition's part of a split query.
 *
 * @throws whatever the one-thread run would throw on the partition's records
 * @example
 * ```ts
 * const { groups, counts } = await runPartition({ query, source: { file: 'a.ndjson', discovered: false } });
 * ```
 */
export async function runPartition(task: PartitionTask): Promise<PartitionResult> {
  const { query: q, source } = task;
  let groups: PartialGroups = [];
  const compiled = compileQuery(q.text, {
    ...compileOptionsOf(q),
    firstStatsStage: partialStatsStage((g) => {
      groups = g;
    }),
  });
  const prefilter = q.prefilter ? toRawPrefilter(compiled.prefilter) : undefined;
  const options: ReadLogsOptions = {
    onError: q.onError,
    ...(prefilter === undefined ? {} : { prefilter }),
    ...(q.logStream === undefined ? {} : { logStream: q.logStream }),
    ...(q.logGroup === undefined ? {} : { logGroup: q.logGroup }),
    ...(source.discovered ? { skipUnknownFormats: true } : {}),
    ...(source.range === undefined ? {} : { range: source.range }),
    ...(source.format === undefined ? {} : { format: source.format }),
  };
  const reader = readLogs([source.file], options);
  const stream = compiled.stream(reader);
  for await (const _ of stream) {
    // the first stats emits nothing here, so neither does anything after it
  }
  const engine = stream.statistics;
  const summary = reader.summary;
  const rejectedByCode: Record<string, number> = {};
  for (const [code, n] of Object.entries(summary.rejectedByCode))
    if (n !== undefined) rejectedByCode[code] = n;
  return {
    groups,
    counts: {
      recordsMatched: engine.recordsMatched,
      recordsScanned: engine.recordsScanned,
      bytesScanned: engine.bytesScanned,
      prefiltered: summary.prefiltered,
      bytesDecompressed: summary.bytesDecompressed,
      rejected: summary.rejected,
      skipped: summary.skipped,
      rejectedByCode,
    },
  };
}
