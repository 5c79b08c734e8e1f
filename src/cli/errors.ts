/**
 * The CLI's own errors and its exit codes.
 *
 * @module
 */

import { READ_NOTHING_CODES, USAGE_ERROR_CODES } from '../error-codes.js';
import { KubetrailError } from '../errors.js';

/**
 * Exit codes, one per outcome class (documented in `docs/cli.md`).
 *
 * @example
 * ```ts
 * process.exitCode = EXIT.queryError; // 3
 * ```
 */
export const EXIT = {
  ok: 0,
  /**
   * Nothing found: nothing matched under `--fail-on-empty`, findings under
   * `--fail-on-findings`, or `pivot` found nothing for its selector.
   */
  empty: 1,
  usage: 2,
  queryError: 3,
  inputError: 4,
  /** An unexpected internal failure (a bug): still one message, never a stack trace. */
  internal: 5,
  /** Nothing to read: a missing path, a glob that matched no file, a directory with no log file. */
  readNothing: 6,
  /** A memory cap was reached (`resource_limit`): the input is fine, the answer would not fit. */
  resourceLimit: 7,
  /** Interrupted (Ctrl-C, SIGINT): 128 + 2, as shells report it. */
  interrupted: 130,
} as const;

export { READ_NOTHING_CODES };

/** One of {@link READ_NOTHING_CODES}. */
export type ReadNothingCode = keyof typeof READ_NOTHING_CODES;

/**
 * Reading nothing is not "no evidence": a path argument that stands for no
 * log file. Exit code 6; `--allow-empty` makes it a warning.
 *
 * @example
 * ```ts
 * throw new ReadNothingError('glob_matched_nothing', 'the glob logs/*.gz matched no files', 'logs/*.gz');
 * ```
 */
export class ReadNothingError extends KubetrailError {
  override readonly name = 'ReadNothingError';
  declare readonly code: ReadNothingCode;
  /** The path argument that read nothing. */
  readonly path: string;

  constructor(code: ReadNothingCode, message: string, path: string) {
    super(code, message);
    this.path = path;
  }
}

/** One of {@link USAGE_ERROR_CODES}. */
export type UsageErrorCode = keyof typeof USAGE_ERROR_CODES;

export { USAGE_ERROR_CODES };

/**
 * A command line the CLI cannot run: unknown command or option, missing or
 * bad argument. Exit code 2.
 *
 * @example
 * ```ts
 * throw new UsageError('bad_time', "--start: cannot read 'yesterday' as a time");
 * ```
 */
export class UsageError extends KubetrailError {
  override readonly name = 'UsageError';
  /** The command whose help should be suggested, if any. */
  readonly command: string | undefined;

  declare readonly code: UsageErrorCode;

  constructor(code: UsageErrorCode, message: string, command?: string) {
    super(code, message);
    this.command = command;
  }
}
