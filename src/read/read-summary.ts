/**
 * The accounting of one `readLogs` run.
 *
 * @module
 */
import type { LogSource } from '../log-event.js';
import type { InputErrorCode } from './input-error.js';
import type { LogFormat } from './log-format.js';

/**
 * One rejected record or file, located.
 *
 * @example
 * ```ts
 * import { readLogs, type Rejection } from 'kubetrail/engine';
 * const reader = readLogs(Buffer.from('{"kind":"Event"}\nnot json\n'), { format: 'kubernetes-audit-ndjson', onError: 'skip' });
 * for await (const _event of reader) {} // the summary is complete once the loop ends
 * const first: Rejection | undefined = reader.summary.rejections[0];
 * console.log(first?.code, first?.line, first?.message); // 'bad_json_line', 2, …
 * ```
 */
export interface Rejection {
  readonly code: InputErrorCode;
  /** `'file'` for a fault of a whole source (see {@link ReadSummary.fileFaults}); absent for a record. */
  readonly level?: 'file';
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly byteOffset?: number;
}

/**
 * Per-file accounting.
 *
 * @example
 * ```ts
 * import { type FileSummary, readLogs } from 'kubetrail/engine';
 * const reader = readLogs('samples/incident/');
 * for await (const _event of reader) {} // the summary is complete once the loop ends
 * const files: FileSummary[] = reader.summary.files;
 * for (const f of files) console.log(f.file, f.format, f.compression, f.events, f.skipped ?? '');
 * ```
 */
export interface FileSummary {
  /** Path, or `undefined` for in-memory input and stdin. */
  readonly file: string | undefined;
  /** Detected (or forced) format. */
  format: LogFormat;
  /** Whether the file was gzip-compressed. */
  compression: 'gzip' | 'none';
  /** Candidate records seen in this file. */
  records: number;
  /** Events emitted from this file. */
  events: number;
  /** Records or faults rejected in this file. */
  rejected: number;
  /** Bytes read from the source (compressed size for gzip). */
  bytesRead: number;
  /** Bytes after decompression. */
  bytesDecompressed: number;
  /** Why the file was skipped, when it was (`digest`, `unknown_format`, `unreadable_file`, …). */
  skipped?: string;
}

/**
 * The summary of a read, complete once iteration ends. Counts are exact; the
 * list of rejections keeps the first {@link MAX_KEPT_REJECTIONS} locations.
 *
 * The records add up: `recordsRead = eventsEmitted + prefiltered +
 * filteredByKind + skipped + rejected`. Faults of a whole file or directory
 * (unreadable, damaged gzip, unknown format) are not records: they are
 * counted in `fileFaults`, apart.
 *
 * @example
 * ```ts
 * import { type ReadSummary, readLogs } from 'kubetrail/engine';
 * const reader = readLogs('samples/incident/', { onError: 'skip' });
 * for await (const _event of reader) {} // the summary is complete once the loop ends
 * const s: ReadSummary = reader.summary;
 * s.recordsRead === s.eventsEmitted + s.prefiltered + s.filteredByKind + s.skipped + s.rejected; //=> true
 * console.log(s.files.length, s.digestFilesSkipped, s.unknownFilesSkipped, s.rejectedByCode);
 * ```
 */
export interface ReadSummary {
  /** Records seen: every line, array element or CSV row that could become an event, including those skipped or rejected. */
  recordsRead: number;
  /** Events yielded. */
  eventsEmitted: number;
  /** Records the `prefilter` rejected on their raw bytes (not decoded, not emitted). */
  prefiltered: number;
  /** Records dropped by the `kinds` filter. */
  filteredByKind: number;
  /** Records skipped on purpose: CloudWatch `CONTROL_MESSAGE`s, CSV header rows and the like are not counted; blank lines are not records. */
  skipped: number;
  /** Rejected records (record faults under `onError: 'skip'`) by code. Exact. */
  rejectedByCode: Partial<Record<InputErrorCode, number>>;
  /** Rejected records. */
  rejected: number;
  /**
   * Faults of a whole source: a file or directory that could not be read, a
   * damaged or cut-off gzip stream, an unrecognised format (records read from
   * the file before the fault still count as records).
   */
  fileFaults: number;
  /** {@link ReadSummary.fileFaults} by code. Exact. */
  fileFaultsByCode: Partial<Record<InputErrorCode, number>>;
  /** The first rejections and file faults, located, in the order they happened. */
  rejections: Rejection[];
  /** True when more rejections happened than `rejections` keeps. */
  rejectionsTruncated: boolean;
  /** Events whose time could not be found (their `timestamp` is 0). */
  eventsWithoutTimestamp: number;
  /**
   * Events whose time is there but is not a valid date (`2024-02-30T25:61:61Z`,
   * `+275760-09-13T00:00:00Z`, `"1e20"`, a number beyond ±8.64e15): kept, with
   * a null `@timestamp` (`timestampInvalid`), outside every time window.
   */
  invalidTimestamps: number;
  /** Where the first {@link SKIP_SAMPLES} of them are. */
  invalidTimestampSamples: LogSource[];
  /** Bytes read from the sources (compressed sizes for gzip). */
  bytesRead: number;
  /** Bytes after decompression. */
  bytesDecompressed: number;
  /** Files opened (sources read, including in-memory ones). */
  files: FileSummary[];
  /** CloudTrail digest files recognised and skipped. */
  digestFilesSkipped: number;
  /** Files found by a walk or glob whose format was not recognised (skipped, not errors). */
  unknownFilesSkipped: number;
  /** Names starting with `.` a directory walk passed over (see `includeDotFiles`). */
  dotFilesSkipped: number;
  /** Symbolic links a directory walk did not follow because they lead into a directory it is already walking. */
  symlinksSkipped: number;
  /** FIFOs, sockets and devices a directory walk passed over. */
  specialFilesSkipped: number;
}

/**
 * How many located rejections a summary keeps; later ones are still counted
 * in `skipped` and `rejectedByReason`.
 *
 * @example
 * ```ts
 * MAX_KEPT_REJECTIONS; //=> 1000
 * reader.summary.rejections.length <= MAX_KEPT_REJECTIONS; //=> true, for any reader once its loop has ended
 * ```
 */
export const MAX_KEPT_REJECTIONS = 1000;

/**
 * How many located skips query statistics carry (`firstSkips`): enough for a
 * summary line to say where to look.
 *
 * @example
 * ```ts
 * SKIP_SAMPLES; //=> 5
 * ```
 */
export const SKIP_SAMPLES = 5;

/** Creates an empty summary. */
export function createSummary(): ReadSummary {
  return {
    recordsRead: 0,
    eventsEmitted: 0,
    prefiltered: 0,
    filteredByKind: 0,
    skipped: 0,
    rejectedByCode: Object.create(null) as Partial<Record<InputErrorCode, number>>,
    rejected: 0,
    fileFaults: 0,
    fileFaultsByCode: Object.create(null) as Partial<Record<InputErrorCode, number>>,
    rejections: [],
    rejectionsTruncated: false,
    eventsWithoutTimestamp: 0,
    invalidTimestamps: 0,
    invalidTimestampSamples: [],
    bytesRead: 0,
    bytesDecompressed: 0,
    files: [],
    digestFilesSkipped: 0,
    unknownFilesSkipped: 0,
    dotFilesSkipped: 0,
    symlinksSkipped: 0,
    specialFilesSkipped: 0,
  };
}

/** Empties a summary in place (a reader iterated again starts over). */
export function resetSummary(s: ReadSummary): void {
  Object.assign(s, createSummary());
}
