/**
 * Cuts the inputs of a query into partitions: whole files, and line-aligned
 * byte ranges of big plain NDJSON files. Partitions come in input order
 * (the order `readLogs` reads the files in, then the order of the ranges).
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { InternalError } from '../errors.js';
import { isGzip, peekChunks } from '../read/decompress.js';
import { DETECT_BYTES, detectDecompressed } from '../read/detect-format.js';
import type { LogFormat } from '../read/log-format.js';
import { createWalkCounts, expandInputs, readFileChunks } from '../read/sources.js';
import type { PartitionSource } from './partition-task.js';

/** Formats read line by line with no state across lines, so that a byte range can be read on its own. */
const RANGEABLE: ReadonlySet<LogFormat> = new Set(['kubernetes-audit-ndjson', 'cloudtrail-ndjson', 'ndjson']);

/** Options of {@link planPartitions}. */
export interface PartitionOptions {
  /** The number of threads that will run the partitions. */
  readonly workers: number;
  /**
   * Target size of one byte range; a plain NDJSON file of at least twice this
   * is cut into ranges. @defaultValue the total input size / (4 × workers), at least 8 MiB
   */
  readonly rangeBytes?: number;
}

/** The smallest default range: below this, a thread's start-up and the merge cost more than the split gains. */
export const MIN_RANGE_BYTES = 8 * 1024 * 1024;

/** The partitions of the inputs, and their total size in bytes (on disk). */
export interface PartitionPlan {
  readonly partitions: readonly PartitionSource[];
  readonly totalBytes: number;
}

/** Detects a file's format the way `readLogs` does (from its first chunks); `undefined` for gzip. */
async function plainFormat(file: string): Promise<LogFormat | undefined> {
  const peek = await peekChunks(readFileChunks(file), DETECT_BYTES);
  try {
    if (isGzip(peek.head)) return undefined;
    return detectDecompressed(peek.head, file);
  } finally {
    await peek.chunks.return();
  }
}

/**
 * Expands path inputs (files, directories, globs) into partitions.
 * Throws the `InputError` that `readLogs` would throw for an input that
 * cannot be expanded or read.
 *
 * @example
 * ```ts
 * const { partitions } = await planPartitions(['big.ndjson', 'AWSLogs/'], { rangeBytes: 64 << 20 });
 * ```
 */
export async function planPartitions(
  inputs: readonly string[],
  options: PartitionOptions,
): Promise<PartitionPlan> {
  const partitions: PartitionSource[] = [];
  const files: { file: string; discovered: boolean; size: number }[] = [];
  let totalBytes = 0;
  const walked = createWalkCounts();
  for await (const source of expandInputs(inputs, { counts: walked })) {
    // a walk that skipped or could not read something: one thread counts and locates it
    if (source.fault !== undefined) throw source.fault;
    const file = source.file;
    if (file === undefined) throw new InternalError('internal_error', 'planPartitions takes file paths only');
    const size = (await stat(file)).size;
    totalBytes += size;
    files.push({ file, discovered: source.discovered, size });
  }
  if (walked.dotFilesSkipped + walked.symlinksSkipped + walked.specialFilesSkipped > 0) {
    throw new InternalError('internal_error', 'the walk skipped entries');
  }
  const piece = Math.max(
    1,
    Math.floor(
      options.rangeBytes ??
        Math.max(MIN_RANGE_BYTES, Math.ceil(totalBytes / (4 * Math.max(1, options.workers)))),
    ),
  );
  for (const { file, size, ...source } of files) {
    const format = size >= 2 * piece ? await plainFormat(file) : undefined;
    if (format === undefined || !RANGEABLE.has(format)) {
      partitions.push({ file, discovered: source.discovered });
      continue;
    }
    const pieces = Math.max(1, Math.round(size / piece));
    for (let i = 0; i < pieces; i++) {
      const start = Math.floor((size * i) / pieces);
      const end = i === pieces - 1 ? size : Math.floor((size * (i + 1)) / pieces);
      partitions.push({ file, discovered: source.discovered, range: { start, end }, format });
    }
  }
  return { partitions, totalBytes };
}
