/** Runs the CLI in process with captured output (for the SQL CLI tests). */
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';

/** Runs `kubetrail <args>` and resolves to its exit code and output. */
export async function cli(
  args: readonly string[],
  options: { readonly tty?: boolean } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: {
      write: (s: string) => {
        out.stdout += s;
        return true;
      },
    },
    stderr: {
      write: (s: string) => {
        out.stderr += s;
        return true;
      },
      ...(options.tty === true ? { isTTY: true } : {}),
    },
    stdin: (async function* () {})(),
    now: () => Date.parse('2026-01-01T00:00:00Z'),
  };
  const code = await runCli(args, io);
  return { code, ...out };
}
