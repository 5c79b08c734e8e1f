/**
 * The command table: name to handler.
 *
 * @module
 */
import type { CliIo } from '../io.js';

/** Runs one command with its arguments and resolves to the exit code. */
export type CommandHandler = (args: readonly string[], io: CliIo) => Promise<number>;

/**
 * A handler whose module is imported when the command runs: each command
 * loads only its own code (the bundled CLI splits at these imports), so
 * `kubetrail query --engine duckdb copy.parquet` does not compile the
 * detection catalogue, the Sigma converter or the schema commands.
 */
function lazy<K extends string>(load: () => Promise<Record<K, CommandHandler>>, name: K): CommandHandler {
  return async (args, io) => (await load())[name](args, io);
}

/** Every command's handler, by name (the names match `COMMANDS` in `help.ts`). */
export const COMMAND_HANDLERS: Readonly<Record<string, CommandHandler>> = {
  query: lazy(() => import('./query.js'), 'queryCommand'),
  check: lazy(() => import('./check.js'), 'checkCommand'),
  formats: lazy(() => import('./formats.js'), 'formatsCommand'),
  schema: lazy(() => import('./schema.js'), 'schemaCommand'),
  detect: lazy(() => import('./detect.js'), 'detectCommand'),
  sigma: lazy(() => import('./sigma.js'), 'sigmaCommand'),
  timeline: lazy(() => import('./timeline.js'), 'timelineCommand'),
  insights: lazy(() => import('./insights.js'), 'insightsCommand'),
  pivot: lazy(() => import('./pivot.js'), 'pivotCommand'),
  sql: lazy(() => import('./sql.js'), 'sqlCommand'),
  ddl: lazy(() => import('./sql.js'), 'ddlCommand'),
  import: lazy(() => import('./sql.js'), 'importCommand'),
};
