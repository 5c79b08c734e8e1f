/**
 * Option mapping: the engine's and the reader's options among
 * {@link QueryLogsOptions}.
 *
 * @module
 */
import type { LogEvent } from '../log-event.js';
import type { Prefilter } from '../query/prefilter.js';
import type { SpillStore } from '../query/spill.js';
import type { ReadLogsOptions } from '../read/read-options.js';
import { createFileSpillStore } from '../spill-store.js';
import { toRawPrefilter } from './raw-prefilter.js';
import type { QueryLogsOptions } from './types.js';

/**
 * The engine options among {@link QueryLogsOptions}.
 *
 * @example
 * ```ts
 * toCompileOptions({ limit: 5, onError: 'skip' }) //=> { limit: 5 }
 * ```
 * (The spill store is not among them: it cannot cross to a worker; see {@link spillOption}.)
 * @internal
 */
export function toCompileOptions(options: QueryLogsOptions): {
  limit?: number;
  startTime?: number;
  endTime?: number;
  now?: number;
  maxBufferedRows?: number;
  memoryBudgetBytes?: number;
} {
  return {
    ...(options.memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes: options.memoryBudgetBytes }),
    ...(options.limit === undefined ? {} : { limit: options.limit }),
    ...(options.startTime === undefined ? {} : { startTime: options.startTime }),
    ...(options.endTime === undefined ? {} : { endTime: options.endTime }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.maxBufferedRows === undefined ? {} : { maxBufferedRows: options.maxBufferedRows }),
  };
}

/**
 * The `spill` compile option of a run on this thread: temporary files in
 * `options.tempDir` or the OS temp directory.
 *
 * @example
 * ```ts
 * compileQuery('sort x', { ...spillOption({ tempDir: '/var/tmp' }) });
 * ```
 * @internal
 */
export function spillOption(options: { readonly tempDir?: string | undefined }): { spill: () => SpillStore } {
  const tempDir = options.tempDir;
  return { spill: () => createFileSpillStore(tempDir === undefined ? {} : { tempDir }) };
}

/**
 * The reader options of a run on this thread: the error mode (`'throw'`
 * unless told), the raw prefilter of the engine's `prefilter` (unless
 * `prefilter: false`), the stream and group names, and the signal.
 *
 * @example
 * ```ts
 * readLogs(inputs, readOptionsOf({ onError: 'skip' }, compiled.prefilter));
 * ```
 * @internal
 */
export function readOptionsOf(options: QueryLogsOptions, prefilter: Prefilter): ReadLogsOptions {
  const raw = toRawPrefilter(prefilter);
  return {
    onError: options.onError ?? 'throw',
    // without the prefilter, invalid timestamps still count only where it would keep the record (the same count)
    ...(raw === undefined
      ? {}
      : options.prefilter === false
        ? { invalidTimestampFilter: raw }
        : { prefilter: raw }),
    ...(options.logStream === undefined ? {} : { logStream: options.logStream }),
    ...(options.logGroup === undefined ? {} : { logGroup: options.logGroup }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
}

async function* tap(
  events: AsyncIterable<LogEvent>,
  onEvent: (e: LogEvent) => void,
): AsyncGenerator<LogEvent> {
  for await (const event of events) {
    onEvent(event);
    yield event;
  }
}

/**
 * The events a run on this thread hands its engine: the reader's, through
 * the `onEvent` and `tapEvents` hooks when they are given.
 *
 * @example
 * ```ts
 * const events = hookedEvents(readLogs(inputs), { onEvent: (e) => progress.tick(e) });
 * ```
 * @internal
 */
export function hookedEvents(
  events: AsyncIterable<LogEvent>,
  options: QueryLogsOptions,
): AsyncIterable<LogEvent> {
  const ticked = options.onEvent === undefined ? events : tap(events, options.onEvent);
  return options.tapEvents === undefined ? ticked : options.tapEvents(ticked);
}
