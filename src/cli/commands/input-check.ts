/**
 * Reading nothing is not "no evidence": every path given on the command line
 * must exist (or, for a glob, match a file), and the paths together must
 * hold at least one log file. Otherwise the command stops with a
 * {@link ReadNothingError} (exit 6) naming the reason, unless
 * `--allow-empty` turns it into a warning.
 *
 * @module
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, type LogInput, readLogs } from '../../read/index.js';
import type { ReadSummary } from '../../read/read-summary.js';
import { ReadNothingError } from '../errors.js';
import type { CliIo } from '../io.js';
import { escapeControl } from '../sanitize.js';

const GLOB_CHARS = /[*?[\]{}]/;

/** One path argument and the files it stands for. */
interface CheckedPath {
  readonly path: string;
  readonly kind: 'file' | 'directory' | 'glob';
  /** Files a glob matched (as the reader will list them). */
  readonly matches?: ReadonlySet<string>;
}

/** The paths that passed {@link checkPaths}, for {@link checkReadSomething} after the read. */
export interface InputCheck {
  /** The paths to read: all given paths, less the missing ones when `--allow-empty` allowed them. */
  readonly paths: readonly string[];
  readonly checked: readonly CheckedPath[];
  readonly allowEmpty: boolean;
}

/** Options of {@link checkPaths}. */
export interface CheckPathsOptions {
  /** `--allow-empty`: warn on stderr instead of failing. */
  readonly allowEmpty?: boolean;
  /** Where warnings go (`io.stderr`). */
  readonly io?: CliIo;
}

function warn(io: CliIo | undefined, error: ReadNothingError): void {
  io?.stderr.write(`kubetrail: warning [${error.code}]: ${escapeControl(error.message)} (--allow-empty)\n`);
}

/**
 * Checks the path arguments before anything is read: a missing path (with or
 * without glob characters) or a glob that matches no file is a
 * {@link ReadNothingError}; a path that exists but cannot be read is an
 * `InputError` (`unreadable_file`, exit 4).
 *
 * @throws {ReadNothingError} `no_such_path`, `glob_matched_nothing`
 * @throws {InputError} `unreadable_file`
 * @example
 * ```ts
 * const check = await checkPaths(['samples/incident/']);
 * check.paths; //=> ['samples/incident/']
 * ```
 */
export async function checkPaths(
  paths: readonly string[],
  options: CheckPathsOptions = {},
): Promise<InputCheck> {
  const allowEmpty = options.allowEmpty === true;
  const kept: string[] = [];
  const checked: CheckedPath[] = [];
  for (const p of paths) {
    if (p === '-') {
      kept.push(p);
      continue;
    }
    let info: Awaited<ReturnType<typeof stat>> | undefined;
    try {
      info = await stat(p);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw unreadable(p, error);
    }
    if (info === undefined && GLOB_CHARS.test(p)) {
      // (loaded on first use, as the reader does: most inputs are plain paths)
      const { glob } = await import('tinyglobby');
      const matches = await glob(p, { onlyFiles: true, dot: false, expandDirectories: false });
      if (matches.length === 0) {
        const error = new ReadNothingError('glob_matched_nothing', `the glob ${p} matched no files`, p);
        if (!allowEmpty) throw error;
        warn(options.io, error);
        continue;
      }
      checked.push({ path: p, kind: 'glob', matches: new Set(matches) });
      kept.push(p);
      continue;
    }
    if (info === undefined) {
      const error = new ReadNothingError('no_such_path', `${p}: no such file or directory`, p);
      if (!allowEmpty) throw error;
      warn(options.io, error);
      continue;
    }
    try {
      await access(p, constants.R_OK);
    } catch (error) {
      throw unreadable(p, error);
    }
    checked.push({ path: p, kind: info.isDirectory() ? 'directory' : 'file' });
    kept.push(p);
  }
  return { paths: kept, checked, allowEmpty };
}

function unreadable(path: string, error: unknown): InputError {
  const reason = (error as { code?: unknown }).code ?? (error as Error).message;
  return new InputError('unreadable_file', `cannot read ${path}: ${String(reason)}`, { file: path });
}

const SKIP_REASONS: Readonly<Record<string, string>> = {
  unknown_format: 'not a log format kubetrail reads',
  digest: 'CloudTrail digest files',
  unreadable_file: 'unreadable',
};

/** Why the files of one path held no log: `3 files: 2 not a log format kubetrail reads, 1 unreadable`. */
function noLogsReason(files: readonly ReadSummary['files'][number][]): string {
  const byReason = new Map<string, number>();
  for (const f of files) {
    const reason = SKIP_REASONS[f.skipped ?? ''] ?? f.skipped ?? 'skipped';
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  }
  const parts = [...byReason.entries()].map(([reason, n]) => `${n} ${reason}`);
  return `${files.length === 1 ? '1 file' : `${files.length} files`}, none of them logs (${parts.join(', ')})`;
}

/**
 * The reader's summary of the inputs, read once more with bad records
 * skipped: for {@link checkReadSomething} after a run split across worker
 * threads that scanned nothing (such runs report no file list).
 *
 * @example
 * ```ts
 * checkReadSomething(check, await readSummaryOf(['logs/']), io);
 * ```
 */
export async function readSummaryOf(inputs: readonly LogInput[]): Promise<ReadSummary> {
  const reader = readLogs(inputs, { onError: 'skip' });
  for await (const _ of reader) {
    // (only the summary is wanted)
  }
  return reader.summary;
}

/**
 * After the read: every directory and glob given must have held at least one
 * log file (a file the reader recognised, even if some of its records were
 * bad). Files skipped as unknown formats, CloudTrail digests or unreadable
 * do not count. stdin is not checked: an empty pipe is a valid input.
 *
 * @throws {ReadNothingError} `empty_directory`, `no_log_files`
 * @example
 * ```ts
 * checkReadSomething(check, reader.summary, io);
 * ```
 */
export function checkReadSomething(check: InputCheck, summary: ReadSummary, io?: CliIo): void {
  for (const c of check.checked) {
    if (c.kind === 'file') continue;
    const prefix = join(c.path, '/');
    const files = summary.files.filter((f) =>
      f.file === undefined
        ? false
        : c.kind === 'glob'
          ? (c.matches?.has(f.file) ?? false)
          : f.file.startsWith(prefix),
    );
    if (files.some((f) => f.skipped === undefined)) continue;
    const error =
      files.length === 0
        ? new ReadNothingError(
            'empty_directory',
            `${c.path}: no files to read (the directory is empty, or holds only dot-files)`,
            c.path,
          )
        : new ReadNothingError('no_log_files', `${c.path}: ${noLogsReason(files)}`, c.path);
    if (!check.allowEmpty) throw error;
    warn(io, error);
  }
}
