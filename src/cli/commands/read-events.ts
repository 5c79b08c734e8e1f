/**
 * Reading logs for the investigation commands: one reader with progress,
 * the skip-or-throw policy, and a closing summary line.
 *
 * @module
 */
import type { LogEvent } from '../../log-event.js';
import { type LogReader, readLogs } from '../../read/index.js';
import { flag, type ParsedOptions } from '../args.js';
import type { CliIo } from '../io.js';
import { createProgress, type Progress } from '../progress.js';
import { formatCount } from '../render/histogram.js';
import { checkReadSomething } from './input-check.js';
import { checkPaths, fileSizes, resolveInputs } from './shared.js';

/** A reader wrapped with progress, for a command that reads every event once. */
export interface CommandEvents {
  readonly events: AsyncIterable<LogEvent>;
  readonly reader: LogReader;
  /**
   * Erases the progress line, checks that something was read (see
   * `checkReadSomething`) and prints the summary (unless `--quiet`).
   *
   * @throws {ReadNothingError} when a path held no log file.
   */
  finish(what: string): void;
}

/**
 * Opens the paths of an investigation command.
 *
 * @throws {UsageError} without paths. @throws {InputError} for a missing path.
 */
export async function openEvents(
  paths: readonly string[],
  options: ParsedOptions,
  io: CliIo,
  command: string,
): Promise<CommandEvents> {
  resolveInputs(paths, io, command);
  const check = await checkPaths(paths, { allowEmpty: flag(options, 'allow-empty'), io });
  const inputs = check.paths.length === 0 ? [] : resolveInputs(check.paths, io, command);
  const quiet = flag(options, 'quiet');
  const showProgress = io.stderr.isTTY === true && !quiet;
  const sizes = showProgress ? await fileSizes(paths) : undefined;
  const progress: Progress = createProgress({
    sink: io.stderr,
    enabled: showProgress,
    now: io.now,
    ...(sizes === undefined ? {} : { fileSizes: sizes }),
  });
  const reader = readLogs(inputs, {
    onError: flag(options, 'strict') ? 'throw' : 'skip',
    ...(io.signal === undefined ? {} : { signal: io.signal }),
  });
  const started = io.now();
  async function* tapped(): AsyncGenerator<LogEvent> {
    try {
      for await (const event of reader) {
        progress.tick(event);
        yield event;
      }
    } finally {
      progress.done();
    }
  }
  return {
    events: tapped(),
    reader,
    finish(what) {
      progress.done();
      checkReadSomething(check, reader.summary, io);
      if (quiet) return;
      const s = reader.summary;
      io.stderr.write(
        `kubetrail: ${what}; ${formatCount(s.eventsEmitted)} events read, ${formatCount(s.rejected + s.skipped)} skipped ` +
          `in ${((io.now() - started) / 1000).toFixed(2)}s\n`,
      );
    },
  };
}
