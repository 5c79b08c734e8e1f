/**
 * The statistics of a run: the engine's counts merged with the reader's
 * summary, so that records read = scanned (matched or not, prefiltered
 * included) + skipped, and whole files skipped are counted apart.
 *
 * @module
 */
import type { QueryStatistics } from '../query/results.js';
import { type ReadSummary, SKIP_SAMPLES } from '../read/read-summary.js';
import type { QueryLogsStatistics } from './types.js';

/**
 * The statistics of a query stream before it has run.
 *
 * @example
 * ```ts
 * emptyStatistics().recordsScanned //=> 0
 * ```
 * @internal
 */
export function emptyStatistics(): QueryLogsStatistics {
  return { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0, recordsSkipped: 0, skippedByReason: {} };
}

/**
 * Merges engine statistics with the reader's summary: `recordsScanned` adds
 * the records the reader's prefilter rejected before decoding (the engine
 * never saw them, but they were scanned); `bytesScanned` is the decompressed
 * input the reader scanned, when it read any; skipped records are the
 * reader's rejections and deliberate skips, by reason.
 *
 * @example
 * ```ts
 * mergeStatistics({ recordsMatched: 1, recordsScanned: 10, bytesScanned: 900 }, reader.summary)
 * //=> { recordsMatched: 1, recordsScanned: 12, bytesScanned: 1024, recordsSkipped: 1, skippedByReason: { bad_json_line: 1 } }
 * ```
 */
export function mergeStatistics(engine: QueryStatistics, summary: ReadSummary): QueryLogsStatistics {
  const skippedByReason: Record<string, number> = Object.create(null);
  for (const [code, n] of Object.entries(summary.rejectedByCode))
    if (n !== undefined && n > 0) skippedByReason[code] = n;
  if (summary.skipped > 0) skippedByReason.skipped = summary.skipped;
  const filesSkippedByReason: Record<string, number> = Object.create(null);
  const addFiles = (reason: string, n: number | undefined): void => {
    if (n !== undefined && n > 0) filesSkippedByReason[reason] = (filesSkippedByReason[reason] ?? 0) + n;
  };
  for (const [code, n] of Object.entries(summary.fileFaultsByCode)) addFiles(code, n);
  addFiles('digest', summary.digestFilesSkipped);
  addFiles('unknown_format', summary.unknownFilesSkipped);
  addFiles('dot_file', summary.dotFilesSkipped);
  addFiles('symlink_loop', summary.symlinksSkipped);
  addFiles('special_file', summary.specialFilesSkipped);
  let filesSkipped = 0;
  for (const n of Object.values(filesSkippedByReason)) filesSkipped += n;
  return {
    recordsMatched: engine.recordsMatched,
    recordsScanned: engine.recordsScanned + summary.prefiltered,
    bytesScanned: summary.bytesDecompressed > 0 ? summary.bytesDecompressed : engine.bytesScanned,
    recordsSkipped: summary.rejected + summary.skipped,
    skippedByReason,
    ...(filesSkipped > 0 ? { filesSkipped, filesSkippedByReason } : {}),
    ...(summary.rejections.length > 0 ? { firstSkips: summary.rejections.slice(0, SKIP_SAMPLES) } : {}),
    ...(summary.invalidTimestamps > 0
      ? {
          invalidTimestamps: summary.invalidTimestamps,
          invalidTimestampSamples: summary.invalidTimestampSamples.slice(0, SKIP_SAMPLES),
        }
      : {}),
  };
}
