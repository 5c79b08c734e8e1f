/**
 * Helpers shared by the commands: inputs, time options, widths.
 *
 * @module
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogInput } from '../../read/index.js';
import { integerOption, type ParsedOptions, stringOption } from '../args.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { parseTime } from '../time-range.js';

/** Default table width when stdout is not a terminal. */
export const DEFAULT_WIDTH = 200;

/**
 * Turns path arguments into reader inputs; `-` becomes the CLI's stdin.
 *
 * @throws {UsageError} when no path is given or `-` is given twice.
 */
export function resolveInputs(paths: readonly string[], io: CliIo, command: string): LogInput[] {
  if (paths.length === 0) {
    throw new UsageError(
      'missing_paths',
      `${command}: give at least one file or directory, or - for stdin`,
      command,
    );
  }
  if (paths.filter((p) => p === '-').length > 1) {
    throw new UsageError('stdin_twice', `${command}: - (stdin) can be given only once`, command);
  }
  return paths.map((p) => (p === '-' ? io.stdin : p));
}

export { checkPaths } from './input-check.js';

/** The time window and reference time from `--start`, `--end`, `--now`. */
export interface TimeOptions {
  readonly now: number;
  readonly startTime?: number;
  readonly endTime?: number;
}

/**
 * Reads `--now`, `--start` and `--end`.
 *
 * @throws {UsageError} for unreadable times or an empty window.
 */
export function resolveTimes(options: ParsedOptions, io: CliIo, command: string): TimeOptions {
  try {
    return readTimes(options, io, command);
  } catch (error) {
    if (error instanceof UsageError && error.command === undefined)
      throw new UsageError(error.code, error.message, command);
    throw error;
  }
}

function readTimes(options: ParsedOptions, io: CliIo, command: string): TimeOptions {
  const nowText = stringOption(options, 'now');
  const now = nowText === undefined ? io.now() : parseTime(nowText, io.now(), '--now');
  const startText = stringOption(options, 'start');
  const endText = stringOption(options, 'end');
  const startTime = startText === undefined ? undefined : parseTime(startText, now, '--start');
  const endTime = endText === undefined ? undefined : parseTime(endText, now, '--end');
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
    throw new UsageError('empty_window', `${command}: --start is after --end`, command);
  }
  return {
    now,
    ...(startTime === undefined ? {} : { startTime }),
    ...(endTime === undefined ? {} : { endTime }),
  };
}

/** The table width: `--width`, else the terminal's, else {@link DEFAULT_WIDTH}. */
export function resolveWidth(options: ParsedOptions, io: CliIo, command: string): number {
  const given = integerOption(options, 'width', command);
  if (given !== undefined) return given;
  if (io.stdout.isTTY === true && typeof io.stdout.columns === 'number' && io.stdout.columns > 0) {
    return io.stdout.columns;
  }
  return DEFAULT_WIDTH;
}

/**
 * Sizes of the files under the given paths, for the progress ETA. Stops
 * after `maxFiles` files (the ETA is then left out).
 */
export async function fileSizes(
  paths: readonly string[],
  maxFiles = 100_000,
): Promise<Map<string, number> | undefined> {
  const sizes = new Map<string, number>();
  const visit = async (path: string): Promise<boolean> => {
    const info = await stat(path);
    if (info.isDirectory()) {
      const entries = await readdir(path);
      entries.sort();
      for (const entry of entries) if (!(await visit(join(path, entry)))) return false;
      return true;
    }
    sizes.set(path, info.size);
    return sizes.size <= maxFiles;
  };
  try {
    for (const p of paths) {
      if (p === '-' || !(await visit(p))) return undefined;
    }
    return sizes;
  } catch {
    return undefined;
  }
}
