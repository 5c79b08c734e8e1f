/**
 * `readLogs`: every input, every format, one stream of {@link LogEvent}s.
 *
 * @module
 */
import { basename, dirname } from 'node:path';
import type { LogEvent, LogKind } from '../log-event.js';
import { streamSuffixOf } from './build-event.js';
import { canSearchChunks } from './chunk-search.js';
import { createTableHandler } from './csv-records.js';
import { gunzipChunks, isGzip, type PeekedChunks, peekChunks } from './decompress.js';
import { DETECT_BYTES, detectDecompressed } from './detect-format.js';
import { readFileRange } from './file-range.js';
import { InputError } from './input-error.js';
import { createJsonDocumentHandler, createNdjsonHandler, type FormatHandler } from './json-records.js';
import { createLineRecordHandler, createTextOutputHandler } from './line-records.js';
import type { LogFormat } from './log-format.js';
import { pathAccountId, qualifiedLogGroup } from './log-group.js';
import { DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_RECORD_VALUES, type ReadLogsOptions } from './read-options.js';
import { createSummary, type FileSummary, type ReadSummary, resetSummary } from './read-summary.js';
import { createRecordSink, isRecorded, type RecordSink, recordRejection } from './record-sink.js';
import {
  type ChunkSource,
  DEFAULT_READ_CHUNK,
  expandInputs,
  type LogInput,
  SEARCH_READ_CHUNK,
  type WalkContext,
} from './sources.js';
import { createVpcFlowHandler } from './vpc-flow-records.js';

/**
 * The result of {@link readLogs}: an async iterable of events with a
 * `summary` that is complete once the iteration ends (normally, by `break`
 * or by an error). Iterating again reads the inputs again and resets the
 * summary (streams and stdin can only be read once).
 *
 * @example
 * ```ts
 * import { type LogReader, readLogs } from 'kubetrail/engine';
 * const reader: LogReader = readLogs('samples/incident/', { kinds: ['cloudtrail'] });
 * let events = 0;
 * for await (const batch of reader.batches()) events += batch.length;
 * events === reader.summary.eventsEmitted; //=> true
 * ```
 */
export interface LogReader extends AsyncIterable<LogEvent> {
  readonly summary: ReadSummary;
  /**
   * The same events in batches (one per input chunk), for consumers whose
   * per-event cost is below that of an `await`. Like iterating, it reads
   * the inputs again and resets the summary.
   */
  batches(): AsyncIterable<readonly LogEvent[]>;
}

function createHandler(format: LogFormat, sink: RecordSink, startOffset: number): FormatHandler {
  switch (format) {
    case 'kubernetes-audit-ndjson':
    case 'cloudtrail-ndjson':
    case 'ndjson':
      return createNdjsonHandler(sink, startOffset);
    case 'cloudwatch-export':
    case 'cloudwatch-tail':
    case 'cloudwatch-tail-short':
    case 'klog-lines':
    case 'authenticator-lines':
    case 'kubernetes-audit-legacy':
    case 'text':
      return createLineRecordHandler(sink, format, startOffset);
    case 'cloudwatch-text-output':
      return createTextOutputHandler(sink, startOffset);
    case 'vpc-flow-logs':
      return createVpcFlowHandler(sink, startOffset);
    case 'cloudtrail-console-csv':
    case 'cloudtrail-lake-csv':
    case 'insights-csv':
    case 'insights-markdown':
      return createTableHandler(sink, format, startOffset);
    default:
      return createJsonDocumentHandler(sink, startOffset);
  }
}

async function* counted(
  source: AsyncIterable<Uint8Array>,
  add: (n: number) => void,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    add(chunk.length);
    yield chunk;
  }
}

async function* dropPrefix(source: AsyncIterable<Uint8Array>, n: number): AsyncGenerator<Uint8Array> {
  let left = n;
  for await (const chunk of source) {
    if (left > 0) {
      const cut = Math.min(left, chunk.length);
      left -= cut;
      if (cut === chunk.length) continue;
      yield chunk.subarray(cut);
    } else {
      yield chunk;
    }
  }
}

function hasBom(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

/** The stream name an export-to-S3 path gives: the folder above `000000.gz`. */
function exportPathStream(file: string | undefined): string | undefined {
  if (file === undefined || !/^\d{6}(\.gz)?$/.test(basename(file))) return undefined;
  const dir = basename(dirname(file));
  return dir === '' || dir === '.' ? undefined : dir;
}

interface RunState {
  readonly options: ReadLogsOptions;
  readonly summary: ReadSummary;
  readonly throwOnError: boolean;
  readonly maxLineBytes: number;
  readonly kinds: ReadonlySet<LogKind> | undefined;
  readonly walk: WalkContext;
  sourceIndex: number;
}

function checkAbort(options: ReadLogsOptions): void {
  const signal = options.signal;
  if (signal?.aborted) throw new InputError('aborted', 'reading was aborted', {}, { cause: signal.reason });
}

/** A fault of a whole source (unreadable path, damaged gzip, unknown format): counted apart from records. */
function fault(state: RunState, fileSummary: FileSummary | undefined, error: unknown): void {
  if (!(error instanceof InputError) || error.code === 'aborted') throw error;
  recordRejection(state.summary, fileSummary, error, 'file');
  if (state.throwOnError) throw error;
}

/** Reads one source; yields events in batches (one per chunk) to keep per-event overhead low. */
async function* readSource(source: ChunkSource, state: RunState): AsyncGenerator<readonly LogEvent[]> {
  const { summary, options } = state;
  const file = source.file;
  const index = state.sourceIndex++;
  const fileSummary: FileSummary = {
    file,
    format: 'unknown',
    compression: 'none',
    records: 0,
    events: 0,
    rejected: 0,
    bytesRead: 0,
    bytesDecompressed: 0,
  };
  summary.files.push(fileSummary);
  if (source.fault !== undefined) {
    fault(state, fileSummary, source.fault); // a path the walk could not read
    return;
  }
  // a byte range of a file (see ReadLogsOptions.range): its lines only, offsets stay file offsets
  const ranged =
    options.range !== undefined && file !== undefined ? readFileRange(file, options.range) : undefined;
  const raw = counted(
    ranged?.chunks ??
      source.open(canSearchChunks(options.prefilter) ? SEARCH_READ_CHUNK : DEFAULT_READ_CHUNK),
    (n) => {
      summary.bytesRead += n;
      fileSummary.bytesRead += n;
    },
  );
  let chunks: AsyncGenerator<Uint8Array> | undefined;
  let peek: PeekedChunks | undefined;
  const out: LogEvent[] = [];
  try {
    peek = await peekChunks(raw, DETECT_BYTES);
    for (let depth = 0; depth < 3 && isGzip(peek.head); depth++) {
      fileSummary.compression = 'gzip';
      const compressed = {
        get bytes() {
          return fileSummary.bytesRead;
        },
      };
      const inner: PeekedChunks = peek;
      peek = undefined;
      peek = await peekChunks(gunzipChunks(inner.chunks, file, compressed), DETECT_BYTES);
    }
    // the head counts now (a skipped file is never iterated); the rest as it streams
    let headLeft = peek.head.length;
    summary.bytesDecompressed += headLeft;
    fileSummary.bytesDecompressed += headLeft;
    chunks = counted(peek.chunks, (n) => {
      const add = Math.max(0, n - headLeft);
      headLeft = Math.max(0, headLeft - n);
      summary.bytesDecompressed += add;
      fileSummary.bytesDecompressed += add;
    });
    const base = ranged?.start() ?? 0;
    const bom = base === 0 && hasBom(peek.head);
    if (bom) chunks = dropPrefix(chunks, 3);
    const format = options.format ?? detectDecompressed(peek.head, file);
    fileSummary.format = format;
    if (format === 'empty') return;
    if (format === 'unknown') {
      if (source.discovered || options.skipUnknownFormats === true) {
        summary.unknownFilesSkipped++;
        fileSummary.skipped = 'unknown_format';
        return;
      }
      throw new InputError(
        'unknown_format',
        'the content matches no supported format',
        file === undefined ? {} : { file },
      );
    }
    if (format === 'cloudtrail-digest') {
      summary.digestFilesSkipped++;
      fileSummary.skipped = 'digest';
      return;
    }
    const sink = createRecordSink({
      summary,
      fileSummary,
      out,
      throwOnError: state.throwOnError,
      maxLineBytes: state.maxLineBytes,
      maxRecordValues: options.maxRecordValues ?? DEFAULT_MAX_RECORD_VALUES,
      prefilter: options.prefilter,
      invalidTimestampFilter: options.prefilter ?? options.invalidTimestampFilter,
      kinds: state.kinds,
      build: {
        file,
        streamSuffix: streamSuffixOf(file, index === 0 ? 'input' : `input-${index}`),
        logStream: options.logStream,
        logGroup: qualifiedLogGroup(options.logGroup, pathAccountId(file)),
        klogYear: options.klogYear,
        pathStream: format === 'cloudwatch-export' ? exportPathStream(file) : undefined,
      },
    });
    const handler = createHandler(format, sink, base + (bom ? 3 : 0));
    for await (const chunk of chunks) {
      checkAbort(options);
      let pending: unknown;
      try {
        handler.push(chunk);
      } catch (e) {
        pending = e;
      }
      if (out.length > 0) yield out.splice(0);
      if (pending !== undefined) throw pending;
    }
    let pending: unknown;
    try {
      handler.end();
    } catch (e) {
      pending = e;
    }
    if (out.length > 0) yield out.splice(0);
    if (pending !== undefined) throw pending;
  } catch (e) {
    if (!(e instanceof InputError) || e.code === 'aborted' || isRecorded(e)) throw e;
    // a fault of the stream itself (unreadable file, damaged gzip, unknown format)
    if (out.length > 0) yield out.splice(0);
    fault(state, fileSummary, e);
  } finally {
    // closes the file and any gunzip stream, also on break and on early return
    await chunks?.return(undefined);
    await peek?.chunks.return();
    await raw.return(undefined);
  }
}

async function* run(inputs: readonly LogInput[], state: RunState): AsyncGenerator<LogEvent> {
  for await (const batch of runBatches(inputs, state)) {
    for (const event of batch) yield event;
  }
}

async function* runBatches(
  inputs: readonly LogInput[],
  state: RunState,
): AsyncGenerator<readonly LogEvent[]> {
  for (const input of inputs) {
    checkAbort(state.options);
    const it = expandInputs([input], state.walk)[Symbol.asyncIterator]();
    try {
      while (true) {
        let r: IteratorResult<ChunkSource>;
        try {
          r = await it.next();
        } catch (e) {
          fault(state, undefined, e);
          break;
        }
        if (r.done) break;
        checkAbort(state.options);
        yield* readSource(r.value, state);
      }
    } finally {
      await it.return?.(undefined);
    }
  }
}

/**
 * Reads logs from files, directories (recursively), globs, stdin (`'-'`),
 * Buffers, Node streams, web streams or (async) iterables of chunks, in any
 * supported format (detected from content, gzip or not), and yields one
 * {@link LogEvent} per record.
 *
 * Memory stays bounded by the largest single record, whatever the file size.
 * Breaking out of the loop closes files and gunzip streams. With
 * `onError: 'throw'` (default) the first fault throws an {@link InputError}
 * after every event read before it was yielded; with `'skip'` faults are
 * counted and located in `reader.summary`.
 *
 * @example
 * ```ts
 * const reader = readLogs(['AWSLogs/', 'audit.log.gz'], { onError: 'skip' });
 * for await (const event of reader) {
 *   if (event.kind === 'kubernetes-audit') console.log(event.logStream, event.message);
 * }
 * console.log(reader.summary.eventsEmitted, reader.summary.rejectedByCode);
 * ```
 */
export function readLogs(input: LogInput | readonly LogInput[], options: ReadLogsOptions = {}): LogReader {
  const inputs: readonly LogInput[] = Array.isArray(input)
    ? (input as readonly LogInput[])
    : [input as LogInput];
  const summary = createSummary();
  const start = (): RunState => {
    resetSummary(summary);
    return {
      options,
      summary,
      throwOnError: (options.onError ?? 'throw') === 'throw',
      maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
      kinds: options.kinds === undefined ? undefined : new Set(options.kinds),
      // the walk adds its counts to the summary itself
      walk: {
        counts: summary,
        ...(options.includeDotFiles === undefined ? {} : { includeDotFiles: options.includeDotFiles }),
        ...(options.walkFs === undefined ? {} : { fs: options.walkFs }),
      },
      sourceIndex: 0,
    };
  };
  return {
    summary,
    [Symbol.asyncIterator]() {
      return run(inputs, start())[Symbol.asyncIterator]();
    },
    batches() {
      return { [Symbol.asyncIterator]: () => runBatches(inputs, start())[Symbol.asyncIterator]() };
    },
  };
}
