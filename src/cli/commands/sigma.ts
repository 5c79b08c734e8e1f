/**
 * `kubetrail sigma convert`: Sigma detection rules as Logs Insights queries.
 *
 * @module
 */

import { sigmaToInsights } from '../../detect/sigma/convert.js';
import { InternalError, isKubetrailError } from '../../errors.js';
import { flag, listOption, parseCommand } from '../args.js';
import { EXIT, UsageError } from '../errors.js';
import { findCommand } from '../help.js';
import { type CliIo, write } from '../io.js';
import { escapeControl } from '../sanitize.js';
import { loadSigmaForCli, placeholdersOf } from './sigma-files.js';

/**
 * Runs `kubetrail sigma convert <rules…>`. Resolves to the exit code: 0 when
 * every rule converted, 1 when some could not be.
 *
 * @example
 * ```ts
 * await sigmaCommand(['convert', 'rules/stop_logging.yml'], io); //=> 0
 * ```
 */
export async function sigmaCommand(args: readonly string[], io: CliIo): Promise<number> {
  const help = findCommand('sigma');
  if (help === undefined) throw new InternalError('internal_error', 'sigma help missing');
  const { options, positionals } = parseCommand(help, args);
  const [verb, ...paths] = positionals;
  if (verb !== 'convert')
    throw new UsageError(
      'bad_arguments',
      `sigma: expected "convert", not ${JSON.stringify(verb ?? '')}`,
      'sigma',
    );
  if (paths.length === 0)
    throw new UsageError('bad_arguments', 'sigma convert: name one or more rule files', 'sigma');
  const quiet = flag(options, 'quiet');
  const placeholders = placeholdersOf(listOption(options, 'sigma-placeholder'), 'sigma');
  const set = await loadSigmaForCli(paths, 'sigma', { placeholders }, (line) => {
    if (!quiet) io.stderr.write(`${line}\n`);
  });
  const out: string[] = [];
  let failed = 0;
  for (const rule of set.rules) {
    try {
      const query = sigmaToInsights(rule, { placeholders });
      const m = rule.meta;
      out.push(
        `# ${m.id ?? '(no id)'} · ${m.title}${m.author === undefined ? '' : ` · author: ${m.author}`} · ${m.position.file}`,
        query,
        '',
      );
    } catch (error) {
      if (!isKubetrailError(error)) throw error;
      failed++;
      io.stderr.write(`${escapeControl(`kubetrail: sigma convert: ${error.message}`)}\n`);
    }
  }
  await write(
    io.stdout,
    out.flatMap((text) => text.split('\n').map((line) => escapeControl(line))).join('\n'),
  );
  return failed > 0 ? EXIT.empty : EXIT.ok;
}
