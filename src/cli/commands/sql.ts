/**
 * `kubetrail sql`, `kubetrail ddl` and `kubetrail import`: the query as
 * Trino/Athena or DuckDB SQL, the table definitions, and a columnar copy of
 * the events.
 *
 * @module
 */
import { InternalError } from '../../errors.js';
import { readLogs } from '../../read/index.js';
import { compileToSql } from '../../sql/compile-sql.js';
import { tableDdl } from '../../sql/ddl.js';
import type { SqlDialectName } from '../../sql/dialect.js';
import { importEvents } from '../../sql/duckdb-engine.js';
import { TABLE_MODEL_NAMES, type TableModelName } from '../../sql/table-models.js';
import { choiceOption, flag, parseCommand, stringOption } from '../args.js';
import { EXIT, UsageError } from '../errors.js';
import { findCommand } from '../help.js';
import { type CliIo, write } from '../io.js';
import { checkPaths, resolveInputs, resolveTimes } from './shared.js';

function helpOf(name: string) {
  const help = findCommand(name);
  if (help === undefined) throw new InternalError('internal_error', `${name} help missing`);
  return help;
}

function modelOption(options: Parameters<typeof stringOption>[0], command: string): TableModelName {
  return (choiceOption(options, 'table', TABLE_MODEL_NAMES, command) ?? 'kubetrail') as TableModelName;
}

/**
 * Runs `kubetrail sql`. Resolves to the exit code.
 *
 * @example
 * ```ts
 * await sqlCommand(['stats count(*) by eventName', '--table', 'cloudtrail-athena'], io); //=> 0
 * ```
 */
export async function sqlCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { options, positionals } = parseCommand(helpOf('sql'), args);
  if (positionals.length !== 1)
    throw new UsageError('bad_arguments', 'sql: give exactly one query (quote it)', 'sql');
  const dialect = (choiceOption(options, 'dialect', ['trino', 'duckdb'] as const, 'sql') ??
    'trino') as SqlDialectName;
  const times = resolveTimes(options, io, 'sql');
  const tableName = stringOption(options, 'table-name');
  const compiled = compileToSql(positionals[0] as string, {
    dialect,
    table: modelOption(options, 'sql'),
    now: times.now,
    ...(tableName === undefined ? {} : { tableName }),
    ...(times.startTime === undefined ? {} : { startTime: times.startTime }),
    ...(times.endTime === undefined ? {} : { endTime: times.endTime }),
  });
  const header = compiled.columns.map((c) => `--   ${c.alias}: ${c.name} (${c.kind})`).join('\n');
  await write(io.stdout, `-- columns:\n${header}\n${compiled.sql};\n`);
  return EXIT.ok;
}

/**
 * Runs `kubetrail ddl`. Resolves to the exit code.
 *
 * @example
 * ```ts
 * await ddlCommand(['--table', 'kubetrail', '--location', 's3://bucket/kubetrail/'], io); //=> 0
 * ```
 */
export async function ddlCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { options, positionals } = parseCommand(helpOf('ddl'), args);
  if (positionals.length > 0)
    throw new UsageError('bad_arguments', 'ddl: takes no arguments, only options', 'ddl');
  const dialect = choiceOption(options, 'dialect', ['trino', 'duckdb'] as const, 'ddl') ?? 'trino';
  const location = stringOption(options, 'location');
  const tableName = stringOption(options, 'table-name');
  await write(
    io.stdout,
    tableDdl(modelOption(options, 'ddl'), {
      dialect,
      ...(location === undefined ? {} : { location }),
      ...(tableName === undefined ? {} : { tableName }),
    }),
  );
  return EXIT.ok;
}

/**
 * Runs `kubetrail import`. Resolves to the exit code.
 *
 * @example
 * ```ts
 * await importCommand(['samples/', '--to', 'events.parquet'], io); //=> 0
 * ```
 */
export async function importCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { options, positionals } = parseCommand(helpOf('import'), args);
  const to = stringOption(options, 'to');
  if (to === undefined || !(to.endsWith('.parquet') || to.endsWith('.duckdb'))) {
    throw new UsageError('bad_arguments', 'import: give --to out.parquet or --to out.duckdb', 'import');
  }
  const inputs = resolveInputs(positionals, io, 'import');
  await checkPaths(positionals);
  const reader = readLogs(inputs, { onError: flag(options, 'strict') ? 'throw' : 'skip' });
  const result = await importEvents(reader, to);
  if (!flag(options, 'quiet')) {
    const skipped = reader.summary.rejected + reader.summary.skipped;
    await write(
      io.stdout,
      `wrote ${result.records.toLocaleString('en-US')} events to ${to} (${result.format}); ${skipped.toLocaleString('en-US')} records skipped\n`,
    );
  }
  return EXIT.ok;
}
