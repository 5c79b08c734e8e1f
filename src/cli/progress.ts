/**
 * Progress on stderr while logs are read: bytes and records, rate, and an
 * ETA when the total size is known. Drawn only on a terminal, redrawn at most
 * a few times a second, erased when done.
 *
 * @module
 */
import type { LogEvent } from '../log-event.js';
import type { ReadProgress } from '../sql/duckdb-raw-read.js';
import type { TextSink } from './io.js';
import { formatCount } from './render/histogram.js';
import { formatBytes } from './summary.js';

/** Options for {@link createProgress}. */
export interface ProgressOptions {
  readonly sink: TextSink;
  readonly enabled: boolean;
  readonly now: () => number;
  /** File sizes on disk by path, when the inputs are files. */
  readonly fileSizes?: ReadonlyMap<string, number>;
}

/** A progress reporter. */
export interface Progress {
  /** Counts one event; redraws when due. */
  tick(event: LogEvent): void;
  /** Sets how far the read has got (the DuckDB engine's `onProgress`); redraws when due. */
  advance(progress: ReadProgress): void;
  /** Erases the progress line. */
  done(): void;
}

const REDRAW_MS = 200;

/**
 * Creates a progress reporter; a no-op when not enabled.
 *
 * @example
 * ```ts
 * const progress = createProgress({ sink: process.stderr, enabled: process.stderr.isTTY, now: Date.now });
 * for await (const event of events) progress.tick(event);
 * progress.done();
 * ```
 */
export function createProgress(options: ProgressOptions): Progress {
  if (!options.enabled) return { tick: () => {}, advance: () => {}, done: () => {} };
  const { sink, now, fileSizes } = options;
  const started = now();
  const total = fileSizes === undefined ? 0 : [...fileSizes.values()].reduce((a, b) => a + b, 0);
  let records = 0;
  let messageBytes = 0;
  let finishedFileBytes = 0;
  let currentFile: string | undefined;
  let currentOffset = 0;
  let lastDraw = 0;
  let drawn = false;
  const fileSize = (file: string | undefined): number =>
    file !== undefined && fileSizes?.has(file) === true ? (fileSizes.get(file) ?? 0) : 0;
  const draw = (): void => {
    const t = now();
    if (t - lastDraw < REDRAW_MS) return;
    lastDraw = t;
    const seconds = Math.max((t - started) / 1000, 0.001);
    const parts = [
      `${formatCount(records)} records`,
      formatBytes(messageBytes),
      `${formatCount(Math.round(records / seconds))} records/s`,
    ];
    const done = finishedFileBytes + currentOffset;
    if (total > 0 && done > 0) {
      const fraction = Math.min(done / total, 1);
      const eta = (seconds * (1 - fraction)) / fraction;
      parts.push(`${Math.floor(fraction * 100)}% of ${formatBytes(total)}`, `ETA ${formatDuration(eta)}`);
    }
    sink.write(`\r\u001b[2Kreading: ${parts.join(', ')}`);
    drawn = true;
  };
  const at = (file: string | undefined, offset: number | undefined): void => {
    if (file !== currentFile) {
      finishedFileBytes += fileSize(currentFile);
      currentFile = file;
      currentOffset = 0;
    }
    // Offsets count decompressed bytes, so they measure progress only in plain files.
    if (offset !== undefined && file !== undefined && !file.endsWith('.gz')) {
      currentOffset = Math.min(offset, fileSize(file));
    }
  };
  return {
    tick(event) {
      records++;
      messageBytes += event.message.length + 1;
      at(event.source.file, event.source.offset);
      draw();
    },
    advance(progress) {
      // the DuckDB engine's readers start over after its raw path gave up
      if (progress.records < records) {
        finishedFileBytes = 0;
        currentFile = undefined;
      }
      records = progress.records;
      messageBytes = progress.bytes;
      at(progress.file, progress.offset);
      draw();
    },
    done() {
      if (drawn) sink.write('\r\u001b[2K');
    },
  };
}

/** Formats seconds as `42s`, `3m05s` or `1h02m`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
