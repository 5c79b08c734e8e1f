/**
 * The CLI's own errors and its exit codes.
 *
 * @module
 */
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

/**
 * The codes of {@link ReadNothingError}, with what each means (for `docs/errors.md`).
 *
 * @example
 * ```ts
 * READ_NOTHING_CODES.glob_matched_nothing; //=> 'A glob given on the command line matched no file.'
 * ```
 */
export const READ_NOTHING_CODES = {
  no_such_path: 'A path given on the command line does not exist (with or without glob characters).',
  glob_matched_nothing: 'A glob given on the command line matched no file.',
  empty_directory: 'A directory given on the command line holds no file to read (dot-files are not read).',
  no_log_files:
    'A directory or glob holds files, but none in a log format kubetrail reads (unknown formats, CloudTrail digests, unreadable files).',
} as const;

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

  constructor(code: string, message: string, command?: string) {
    super(code, message);
    this.command = command;
  }
}
