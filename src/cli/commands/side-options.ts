/**
 * `--source name=path` and `--lookup name=file.csv` of `kubetrail query`:
 * the data that `join`, subqueries, `lookup` and `cidrlookup` bring in,
 * from local files only.
 *
 * @module
 */
import type { LookupInput, SourceInput } from '../../run/side-inputs.js';
import { listOption, type ParsedOptions } from '../args.js';
import { UsageError } from '../errors.js';
import { checkPaths } from './input-check.js';

/** The `sources`/`lookups` options of a query run, from the command line. */
export interface SideOptions {
  readonly sources?: Readonly<Record<string, SourceInput>>;
  readonly lookups?: Readonly<Record<string, LookupInput>>;
}

function splitPair(option: string, value: string, command: string, example: string): [string, string] {
  const eq = value.indexOf('=');
  const name = eq < 0 ? '' : value.slice(0, eq);
  const path = eq < 0 ? '' : value.slice(eq + 1);
  if (name === '' || path === '')
    throw new UsageError(
      'bad_argument',
      `--${option}: expected name=path, e.g. --${option} ${example}, got '${value}'`,
      command,
    );
  return [name, path];
}

/**
 * Reads `--source` (repeatable; a name given twice reads all its paths) and
 * `--lookup` (repeatable; one file per name), and checks that the source
 * paths exist, as the inputs' are.
 *
 * @throws {UsageError} `bad_argument` for a value that is not `name=path`, or a table named twice
 * @example
 * ```ts
 * await sideOptionsOf(options, 'query') //=> { sources: { cloudtrail: ['samples/incident/cloudtrail/'] } }
 * ```
 */
export async function sideOptionsOf(options: ParsedOptions, command: string): Promise<SideOptions> {
  const sources: Record<string, string[]> = Object.create(null);
  for (const value of listOption(options, 'source')) {
    const [name, path] = splitPair('source', value, command, 'cloudtrail=samples/incident/cloudtrail/');
    const list = sources[name] ?? [];
    list.push(path);
    sources[name] = list;
  }
  const lookups: Record<string, string> = Object.create(null);
  for (const value of listOption(options, 'lookup')) {
    const [name, path] = splitPair('lookup', value, command, 'owners=owners.csv');
    if (Object.hasOwn(lookups, name))
      throw new UsageError('bad_argument', `--lookup: the table ${name} is given twice`, command);
    lookups[name] = path;
  }
  const paths = Object.values(sources).flat();
  if (paths.includes('-'))
    throw new UsageError(
      'bad_argument',
      '--source: a source is read from files, not from stdin (-)',
      command,
    );
  if (paths.length > 0) await checkPaths(paths);
  return {
    ...(paths.length === 0 ? {} : { sources }),
    ...(Object.keys(lookups).length === 0 ? {} : { lookups }),
  };
}
