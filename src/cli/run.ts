/**
 * The CLI entry as a function: parse the command line, run one command,
 * turn every error into one clear message and an exit code.
 *
 * @module
 */
import { isKubetrailError } from '../errors.js';
import { didYouMean } from '../query/errors.js';
import { COMMAND_HANDLERS } from './commands/index.js';
import { EXIT, UsageError } from './errors.js';
import { findCommand, formatCommandHelp, formatMainHelp } from './help.js';
import { type CliIo, write } from './io.js';
import { escapeControl } from './sanitize.js';

/**
 * Runs the `kubetrail` command line and resolves to the exit code. Never
 * throws: errors are printed on `io.stderr` as one message (a code frame for
 * query errors, file and line for input errors).
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, now: Date.now });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const [name, ...args] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const topic = name === 'help' ? args[0] : undefined;
      const help = topic === undefined ? undefined : findCommand(topic);
      if (name === undefined) {
        await write(io.stderr, formatMainHelp());
        return EXIT.usage;
      }
      await write(io.stdout, help === undefined ? formatMainHelp() : formatCommandHelp(help));
      return EXIT.ok;
    }
    if (name === '--version' || name === '-v' || name === '-V') {
      await write(io.stdout, `${VERSION}\n`);
      return EXIT.ok;
    }
    const help = findCommand(name);
    const handler = Object.hasOwn(COMMAND_HANDLERS, name) ? COMMAND_HANDLERS[name] : undefined;
    if (help === undefined || handler === undefined) {
      const [best] = didYouMean(name, Object.keys(COMMAND_HANDLERS), 1);
      const what = name.startsWith('-') ? 'option' : 'command';
      throw new UsageError(
        name.startsWith('-') ? 'unknown_option' : 'unknown_command',
        `unknown ${what} '${name}'${best === undefined ? '' : `; did you mean '${best}'?`}`,
      );
    }
    if (args.includes('--help') || args.includes('-h')) {
      await write(io.stdout, formatCommandHelp(help));
      return EXIT.ok;
    }
    return await handler(args, io);
  } catch (error) {
    return reportError(error, io);
  }
}

/** The package version, printed by `--version`. */
const VERSION = '0.1.0';

/**
 * Prints an error as one message and returns its exit code.
 *
 * @example
 * ```ts
 * const code = reportError(new UsageError('bad_time', '--start: …'), io); //=> 2
 * ```
 */
export function reportError(error: unknown, io: CliIo): number {
  const say = (text: string): void => {
    io.stderr.write(
      text
        .split('\n')
        .map((line) => escapeControl(line))
        .join('\n') + '\n',
    );
  };
  if (error instanceof UsageError) {
    const hint = error.command === undefined ? 'kubetrail --help' : `kubetrail ${error.command} --help`;
    say(`kubetrail: ${error.message}\nRun '${hint}' for usage.`);
    return EXIT.usage;
  }
  if (isKubetrailError(error) && error.code === 'resource_limit') {
    // The input is fine; the answer would not fit in the memory budget.
    say(`kubetrail: resource limit [resource_limit]: ${error.message}`);
    const frame = codeFrame(error);
    if (frame !== undefined) say(frame);
    return EXIT.resourceLimit;
  }
  if (isKubetrailError(error) && error.name === 'ReadNothingError') {
    say(
      `kubetrail: nothing to read [${error.code}]: ${error.message}\n` +
        'Give a path that holds logs, or --allow-empty to go on with a warning.',
    );
    return EXIT.readNothing;
  }
  // a bug (or a spill file changed under the run), not bad input
  if (isKubetrailError(error) && error.name === 'InternalError' && error.code !== 'runtime_unsupported') {
    say(
      `kubetrail: internal error [${error.code}]: ${error.message}\nThis is a bug; please report it with the command line that caused it.`,
    );
    return EXIT.internal;
  }
  if (isKubetrailError(error)) {
    const frame = codeFrame(error) ?? codeFrame(error.cause);
    if (frame !== undefined) {
      // A query error, or a detection whose query does not compile.
      if (codeFrame(error) === undefined) say(`kubetrail: ${error.code}: ${error.message}`);
      say(frame);
      return EXIT.queryError;
    }
    const kind = (error as { name?: unknown }).name;
    if (kind === 'InputError') {
      say(`kubetrail: input error [${error.code}]: ${error.message}`);
      return EXIT.inputError;
    }
    say(`kubetrail: ${error.code}: ${error.message}`);
    return EXIT.inputError;
  }
  const message = error instanceof Error ? error.message : String(error);
  say(
    `kubetrail: internal error: ${message}\nThis is a bug; please report it with the command line that caused it.`,
  );
  return EXIT.internal;
}

/** The code frame of a query error (`QueryError.format()`), if the value is one. */
function codeFrame(error: unknown): string | undefined {
  if (!isKubetrailError(error) || error.name !== 'QueryError') return undefined;
  const format = (error as { format?: unknown }).format;
  return typeof format === 'function' ? String(format.call(error)).trimEnd() : undefined;
}
