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
  /** Nothing matched under `--fail-on-empty`, or findings under `--fail-on-findings`. */
  empty: 1,
  usage: 2,
  queryError: 3,
  inputError: 4,
  /** An unexpected internal failure (a bug): still one message, never a stack trace. */
  internal: 5,
} as const;

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
