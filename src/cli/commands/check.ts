/**
 * `kubetrail check`: syntax and compile check with a code frame on error.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { InternalError } from '../../errors.js';
import { formatCodeFrame } from '../../query/code-frame.js';
import { compileQuery } from '../../query/index.js';
import { parseCommand, stringOption } from '../args.js';
import { EXIT, UsageError } from '../errors.js';
import { findCommand } from '../help.js';
import { type CliIo, write } from '../io.js';

/**
 * Runs `kubetrail check`. Resolves to 0 for a valid query, printing its
 * warnings to stderr; a query error is thrown and reported (exit 3) by the caller.
 *
 * @example
 * ```ts
 * await checkCommand(['stats count(*) by verb'], io); //=> 0
 * ```
 */
export async function checkCommand(args: readonly string[], io: CliIo): Promise<number> {
  const help = findCommand('check');
  if (help === undefined) throw new InternalError('internal_error', 'check help missing');
  const { options, positionals } = parseCommand(help, args);
  const file = stringOption(options, 'query-file');
  let text: string | undefined = positionals[0];
  if (file !== undefined) {
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const reason = (error as { code?: unknown }).code ?? (error as Error).message;
      throw new UsageError(
        'bad_query_file',
        `check: cannot read --query-file ${file}: ${String(reason)}`,
        'check',
      );
    }
  }
  if (text === undefined || positionals.length > (file === undefined ? 1 : 0)) {
    throw new UsageError('bad_arguments', 'check: give exactly one query (quote it)', 'check');
  }
  const compiled = compileQuery(text, { now: 0 });
  // warnings (a sort by a field the stats does not produce) do not fail the check
  for (const w of compiled.warnings) {
    const frame = formatCodeFrame({
      source: w.source,
      span: w.span,
      title: `warning[${w.code}]: ${w.message}`,
      hints: w.hints,
      color: false,
    });
    await write(io.stderr, `${frame}\n`);
  }
  await write(io.stdout, 'ok\n');
  return EXIT.ok;
}
