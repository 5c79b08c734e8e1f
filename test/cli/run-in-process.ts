// Runs the CLI's `runCli` in this process with in-memory stdio: the same code
// path as the built `kubetrail` binary minus the process wiring (main.ts),
// which the few spawned cases in main.test.ts cover.
import { runCli } from '../../src/cli/run.js';
import type { CliRun } from './built-cli.js';

/** A fixed clock: tests never read the wall clock. */
const FIXED_NOW = Date.parse('2024-05-15T00:00:00Z');

function sink(
  isTTY: boolean,
  columns?: number,
): { write(text: string): boolean; text(): string } & {
  readonly isTTY: boolean;
  readonly columns?: number;
} {
  const parts: string[] = [];
  return {
    isTTY,
    ...(columns === undefined ? {} : { columns }),
    write(text: string) {
      parts.push(text);
      return true;
    },
    text: () => parts.join(''),
  };
}

/** Options of {@link runCliInProcess}. */
export interface InProcessOptions {
  /** stdin content (default empty). */
  readonly input?: string;
  /** Make stdout look like a terminal of this many columns. */
  readonly ttyColumns?: number;
}

/**
 * Runs `kubetrail ...args` in process (cwd is the repository root, as in
 * vitest) and resolves to its exit code and output.
 */
export async function runCliInProcess(
  args: readonly string[],
  options: InProcessOptions = {},
): Promise<CliRun> {
  const stdout = sink(options.ttyColumns !== undefined, options.ttyColumns);
  const stderr = sink(false);
  const input = options.input ?? '';
  async function* stdin(): AsyncGenerator<string> {
    if (input.length > 0) yield input;
  }
  const code = await runCli(args, { stdout, stderr, stdin: stdin(), now: () => FIXED_NOW });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
