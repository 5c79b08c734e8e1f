/**
 * The command table: name to handler.
 *
 * @module
 */
import type { CliIo } from '../io.js';
import { checkCommand } from './check.js';
import { detectCommand } from './detect.js';
import { formatsCommand } from './formats.js';
import { insightsCommand } from './insights.js';
import { pivotCommand } from './pivot.js';
import { queryCommand } from './query.js';
import { schemaCommand } from './schema.js';
import { sigmaCommand } from './sigma.js';
import { ddlCommand, importCommand, sqlCommand } from './sql.js';
import { timelineCommand } from './timeline.js';

/** Runs one command with its arguments and resolves to the exit code. */
export type CommandHandler = (args: readonly string[], io: CliIo) => Promise<number>;

/** Every command's handler, by name (the names match `COMMANDS` in `help.ts`). */
export const COMMAND_HANDLERS: Readonly<Record<string, CommandHandler>> = {
  query: queryCommand,
  check: checkCommand,
  formats: formatsCommand,
  schema: schemaCommand,
  detect: detectCommand,
  sigma: sigmaCommand,
  timeline: timelineCommand,
  insights: insightsCommand,
  pivot: pivotCommand,
  sql: sqlCommand,
  ddl: ddlCommand,
  import: importCommand,
};
