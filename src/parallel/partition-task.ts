/**
 * What one partition's run is given and what it gives back: plain,
 * structured-clone-able data, the same for a worker thread and for the
 * in-process executor.
 *
 * @module
 */
import type { LogEvent, LogSource } from '../log-event.js';
import type { LogFormat } from '../read/log-format.js';
import type { Rejection } from '../read/read-summary.js';
import type { DetectPartitionOutput, DetectPartitionSpec } from './detect-partition.js';
import type { PartialGroups } from './partial-stats.js';

/** One partition: a whole file, or the lines of a byte range of a plain NDJSON file. */
export interface PartitionSource {
  readonly file: string;
  /** Found by a directory walk or glob: an unrecognised format is skipped, not an error. */
  readonly discovered: boolean;
  /** The byte range, for a piece of a plain file (see `ReadLogsOptions.range`). */
  readonly range?: { readonly start: number; readonly end: number };
  /** The format of the whole file, detected from its start (given with `range`). */
  readonly format?: LogFormat;
}

/** The query settings every partition's run and the final run share. */
export interface PartitionQuery {
  readonly text: string;
  /** Resolved once for all runs, so that `now()` and relative times agree. */
  readonly now: number;
  readonly limit?: number;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly maxBufferedRows?: number;
  /**
   * Each thread's share of the byte budget. A partition has no spill store:
   * one that reaches its share fails, and the query runs again on one thread,
   * which spills.
   */
  readonly memoryBudgetBytes?: number;
  readonly onError: 'throw' | 'skip';
  readonly logStream?: string;
  readonly logGroup?: string;
  readonly prefilter: boolean;
  /**
   * How the query is split (see `SplitPlan`): partial `stats`, or top-K
   * candidates; `detect` runs the detections of `detect` instead (`text` is unused).
   */
  readonly split: 'stats' | 'top-k' | 'detect';
  /** The detection run of a `detect` split. */
  readonly detect?: DetectPartitionSpec;
}

/** A partition's run. */
export interface PartitionTask {
  readonly query: PartitionQuery;
  readonly source: PartitionSource;
}

/** The counts a partition reports; they add up over partitions. */
export interface PartitionCounts {
  readonly recordsMatched: number;
  readonly recordsScanned: number;
  readonly bytesScanned: number;
  readonly prefiltered: number;
  readonly bytesDecompressed: number;
  readonly rejected: number;
  readonly skipped: number;
  readonly rejectedByCode: Readonly<Record<string, number>>;
  readonly fileFaultsByCode: Readonly<Record<string, number>>;
  readonly digestFilesSkipped: number;
  readonly unknownFilesSkipped: number;
  /** The first located rejections (at most `SKIP_SAMPLES` of them). */
  readonly firstSkips: readonly Rejection[];
  readonly invalidTimestamps: number;
  readonly invalidTimestampSamples: readonly LogSource[];
}

/** What a partition's run gives back. */
export interface PartitionResult {
  /** The first `stats`' groups (split `stats`; empty otherwise). */
  readonly groups: PartialGroups;
  /** The partition's top-K candidate events, in input order (split `top-k`). */
  readonly events?: readonly LogEvent[];
  /**
   * Lines in the partition's byte range (split `top-k` or `detect`, a range that is not
   * the file's last): the events' line numbers count from the range's first
   * line, and the caller adds the lines of the ranges before.
   */
  readonly lines?: number;
  /** A `detect` split's queries' parts and the events they keep. */
  readonly detect?: DetectPartitionOutput;
  readonly counts: PartitionCounts;
}

/** A partition's run, ended one way or the other. */
export type PartitionOutcome =
  | { readonly ok: true; readonly result: PartitionResult }
  | { readonly ok: false; readonly error: string };
