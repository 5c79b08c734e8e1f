/**
 * Runs one partition: the query's per-row steps over the partition's events,
 * up to the split point, keeping the first `stats`' groups as accumulator
 * snapshots (split `stats`) or the events of the first sort's top K rows
 * (split `top-k`). The same function runs in a worker thread and in the
 * in-process executor.
 *
 * @module
 */

import { InternalError } from '../errors.js';
import type { LogEvent } from '../log-event.js';
import { sortStage } from '../query/commands/sort.js';
import { compileQuery } from '../query/compile.js';
import type { Sink, StageFactory } from '../query/plan.js';
import type { QueryStatistics } from '../query/results.js';
import type { Row } from '../query/row.js';
import { type ByteRange, readFileRange } from '../read/file-range.js';
import { readLogs } from '../read/read-logs.js';
import type { ReadLogsOptions } from '../read/read-options.js';
import { type ReadSummary, SKIP_SAMPLES } from '../read/read-summary.js';
import { toRawPrefilter } from '../run/raw-prefilter.js';
import { runDetectPartition } from './detect-partition.js';
import { type PartialGroups, partialStatsStage } from './partial-stats.js';
import type { PartitionCounts, PartitionQuery, PartitionResult, PartitionTask } from './partition-task.js';

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
  memoryBudgetBytes?: number;
} {
  return {
    now: q.now,
    ...(q.limit === undefined ? {} : { limit: q.limit }),
    ...(q.startTime === undefined ? {} : { startTime: q.startTime }),
    ...(q.endTime === undefined ? {} : { endTime: q.endTime }),
    ...(q.maxBufferedRows === undefined ? {} : { maxBufferedRows: q.maxBufferedRows }),
    ...(q.memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes: q.memoryBudgetBytes }),
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
  if (q.split === 'detect') return runDetectTask(task);
  let groups: PartialGroups = [];
  let candidates: Row[] = [];
  const compiled = compileQuery(q.text, {
    ...compileOptionsOf(q),
    ...(q.split === 'stats'
      ? {
          firstStatsStage: partialStatsStage((g) => {
            groups = g;
          }),
        }
      : {
          firstSortStage: (keys, topK, limit): StageFactory => {
            // the sort keeps the partition's top K; they are handed over instead of passed on
            const sort = sortStage(keys, topK, limit);
            return (_next, state) =>
              sort(
                {
                  push(row) {
                    candidates.push(row);
                    return true;
                  },
                  end() {},
                } satisfies Sink,
                state,
              );
          },
        }),
  });
  const reader = readLogs([source.file], readOptionsOf(task, toRawPrefilter(compiled.prefilter)));
  const stream = compiled.stream(reader);
  for await (const _ of stream) {
    // the first stats (or first sort) hands its rows over instead of passing them on, so nothing comes out
  }
  const engine = stream.statistics;
  const summary = reader.summary;
  let events: LogEvent[] | undefined;
  if (q.split === 'top-k') {
    // in input order, each event once (unnest and parse … multi make several rows of one event)
    candidates = candidates.sort((a, b) => a.ordinal - b.ordinal);
    events = [];
    for (const row of candidates) {
      const event = row.event as LogEvent;
      if (events[events.length - 1] !== event) events.push(event);
    }
  }
  const lines =
    q.split === 'top-k' && source.range !== undefined
      ? await countRangeLines(source.file, source.range)
      : undefined;
  return {
    groups,
    ...(events === undefined ? {} : { events }),
    ...(lines === undefined ? {} : { lines }),
    counts: await countsOf(source, engine, summary),
  };
}

/**
 * The reader options of a partition's run. Without the prefilter (`q.prefilter`
 * false), its test still decides which invalid timestamps count, as one thread's
 * `readOptionsOf` does; a detect partition passes none, as one thread's detect reads.
 */
function readOptionsOf(task: PartitionTask, raw: ReadLogsOptions['prefilter']): ReadLogsOptions {
  const { query: q, source } = task;
  return {
    onError: q.onError,
    ...(raw === undefined ? {} : q.prefilter ? { prefilter: raw } : { invalidTimestampFilter: raw }),
    ...(q.logStream === undefined ? {} : { logStream: q.logStream }),
    ...(q.logGroup === undefined ? {} : { logGroup: q.logGroup }),
    ...(source.discovered ? { skipUnknownFormats: true } : {}),
    ...(source.range === undefined ? {} : { range: source.range }),
    ...(source.format === undefined ? {} : { format: source.format }),
  };
}

/**
 * A detection partition (split `detect`): the detections' one-pass run over
 * the partition's events (see `detect-partition.ts`), with no raw prefilter,
 * as on one thread. The engine counts are the reader's: every event read is
 * scanned, none is "matched" (findings carry their own counts).
 */
async function runDetectTask(task: PartitionTask): Promise<PartitionResult> {
  const { query: q, source } = task;
  if (q.detect === undefined)
    throw new InternalError('internal_error', 'a detect partition task without its detections');
  const reader = readLogs([source.file], readOptionsOf(task, undefined));
  const detect = await runDetectPartition(q.detect, reader);
  const summary = reader.summary;
  const lines = source.range === undefined ? undefined : await countRangeLines(source.file, source.range);
  return {
    groups: [],
    detect,
    ...(lines === undefined ? {} : { lines }),
    counts: await countsOf(
      source,
      { recordsMatched: 0, recordsScanned: summary.eventsEmitted, bytesScanned: 0 },
      summary,
    ),
  };
}

/** A partition's counts: the engine's and the reader's. */
async function countsOf(
  source: PartitionTask['source'],
  engine: QueryStatistics,
  summary: ReadSummary,
): Promise<PartitionCounts> {
  const rejectedByCode: Record<string, number> = {};
  for (const [code, n] of Object.entries(summary.rejectedByCode))
    if (n !== undefined) rejectedByCode[code] = n;
  return {
    recordsMatched: engine.recordsMatched,
    recordsScanned: engine.recordsScanned,
    bytesScanned: engine.bytesScanned,
    prefiltered: summary.prefiltered,
    bytesDecompressed: summary.bytesDecompressed,
    rejected: summary.rejected,
    skipped: summary.skipped,
    rejectedByCode,
    fileFaultsByCode: definedCounts(summary.fileFaultsByCode),
    digestFilesSkipped: summary.digestFilesSkipped,
    unknownFilesSkipped: summary.unknownFilesSkipped,
    firstSkips: await fileLines(source, summary.rejections.slice(0, SKIP_SAMPLES)),
    invalidTimestamps: summary.invalidTimestamps,
    invalidTimestampSamples: await fileLines(source, summary.invalidTimestampSamples.slice(0, SKIP_SAMPLES)),
  };
}

/**
 * A byte range numbers its lines from 1: give the located skips file line
 * numbers (the lines of the file before the range are counted, on this
 * error path only).
 */
async function fileLines<T extends { readonly line?: number; readonly message?: string }>(
  source: PartitionTask['source'],
  skips: T[],
): Promise<T[]> {
  const range = source.range;
  if (range === undefined || range.start <= 0 || !skips.some((r) => r.line !== undefined)) return skips;
  const base = await countRangeLines(source.file, { start: 0, end: range.start });
  return skips.map((r) => {
    if (r.line === undefined) return r;
    const line = r.line + base;
    if (r.message === undefined) return { ...r, line };
    // the message ends with its location, `(file, line N, byte M)`
    const message = r.message.replace(/line \d+(, byte \d+)?\)$/, (_m, byte = '') => `line ${line}${byte})`);
    return { ...r, line, message };
  });
}

function definedCounts(counts: Readonly<Record<string, number | undefined>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [code, n] of Object.entries(counts)) if (n !== undefined) out[code] = n;
  return out;
}

const NEWLINE = 10;

/**
 * The number of lines (newlines) in a line-aligned byte range of a file, as
 * the range reader numbers them. The range is read into one buffer again
 * and again (`reuseBuffer`): a count allocated a new buffer per read before,
 * and after a partition's events those dead buffers (128 MiB a partition at
 * 1 GiB) piled up outside the heap until a GC: some 50–60 MB of the peak RSS
 * of a two-thread detection run over 1 GiB (see docs/performance.md).
 *
 * @throws {InputError} `unreadable_file` when the file cannot be opened or read
 * @example
 * ```ts
 * await countRangeLines('big.ndjson', { start: 1 << 20, end: 2 << 20 }); //=> the lines of that range
 * ```
 */
export async function countRangeLines(file: string, range: ByteRange, chunkBytes?: number): Promise<number> {
  let n = 0;
  const options = chunkBytes === undefined ? { reuseBuffer: true } : { reuseBuffer: true, chunkBytes };
  for await (const chunk of readFileRange(file, range, options).chunks) {
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) n++;
  }
  return n;
}
