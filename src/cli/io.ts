/**
 * The CLI's view of the process: streams, terminal facts and the clock,
 * passed in so that commands can be run and tested without a real process.
 *
 * @module
 */

/** A text sink such as `process.stdout`. */
export interface TextSink {
  write(text: string): boolean;
  once?(event: 'drain', listener: () => void): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** What a CLI run can touch. */
export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** The stdin stream, read when a path is `-`. */
  readonly stdin: AsyncIterable<Uint8Array | string>;
  /** The wall clock, used only when `--now` is not given. */
  readonly now: () => number;
  /** Aborts reading (Ctrl-C). */
  readonly signal?: AbortSignal;
}

/**
 * Writes text and waits for `drain` when the sink's buffer is full, so that
 * large outputs keep memory bounded.
 *
 * @example
 * ```ts
 * await write(io.stdout, 'hello\n');
 * ```
 */
export async function write(sink: TextSink, text: string): Promise<void> {
  if (text.length === 0) return;
  if (!sink.write(text) && sink.once !== undefined) {
    const once = sink.once.bind(sink);
    await new Promise<void>((resolve) => {
      once('drain', resolve);
    });
  }
}
