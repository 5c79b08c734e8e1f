/**
 * The command registry: one {@link CommandSpec} per kind of the AST's
 * `Command` union. The type {@link CommandRegistry} maps every kind to its
 * spec, so a command kind added to `ast.ts` without an entry here fails
 * `tsc`. The parser, printer, planner, prefilter and worker splitter look
 * commands up here (see docs/architecture.md, "Adding a command").
 *
 * @module
 */

import { KubetrailError } from '../../errors.js';
import type { Command } from '../ast.js';
import { registerCommandPrinter } from '../print-expression.js';
import { accumCommand } from './accum.js';
import { addtotalsCommand } from './addtotals.js';
import { anomalyCommand } from './anomaly.js';
import { appendcolsCommand } from './appendcols.js';
import { autoregressCommand } from './autoregress.js';
import { cidrlookupCommand } from './cidrlookup.js';
import { countFrequentCommand } from './count-frequent.js';
import { dedupCommand } from './dedup.js';
import { diffCommand } from './diff.js';
import { displayCommand } from './display.js';
import { expandCommand } from './expand.js';
import { fieldsCommand } from './fields.js';
import { filldownCommand } from './filldown.js';
import { fillmissingCommand } from './fillmissing.js';
import { filterCommand } from './filter.js';
import { filterIndexCommand } from './filter-index.js';
import { joinCommand } from './join.js';
import { jsonCommand } from './json.js';
import { limitCommand } from './limit.js';
import { logcompareCommand } from './logcompare.js';
import { lookupCommand } from './lookup.js';
import { outlierCommand } from './outlier.js';
import { parseCommand } from './parse.js';
import { patternCommand } from './pattern.js';
import { relevantFieldsCommand } from './relevant-fields.js';
import { sessionizeCommand } from './sessionize.js';
import { sortCommand } from './sort.js';
import { sourceCommand } from './source.js';
import type { CommandKind, CommandOfKind, CommandSpec } from './spec.js';
import { statsCommand } from './stats.js';
import { unmaskCommand } from './unmask.js';
import { unnestCommand } from './unnest.js';

/**
 * The spec of every command kind (a missing kind is a type error).
 *
 * @internal
 */
export type CommandRegistry = { readonly [K in CommandKind]: CommandSpec<CommandOfKind<K>> };

/**
 * Every command's spec, in the documented order (the order of
 * {@link COMMAND_NAMES}).
 *
 * @example
 * ```ts
 * COMMANDS.LimitCommand.keywords //=> ['limit', 'head', 'tail']
 * ```
 * @internal
 */
export const COMMANDS: CommandRegistry = Object.freeze({
  FieldsCommand: fieldsCommand,
  DisplayCommand: displayCommand,
  FilterCommand: filterCommand,
  StatsCommand: statsCommand,
  SortCommand: sortCommand,
  LimitCommand: limitCommand,
  ParseCommand: parseCommand,
  JsonCommand: jsonCommand,
  DedupCommand: dedupCommand,
  UnnestCommand: unnestCommand,
  FilterIndexCommand: filterIndexCommand,
  UnmaskCommand: unmaskCommand,
  PatternCommand: patternCommand,
  DiffCommand: diffCommand,
  AnomalyCommand: anomalyCommand,
  SourceCommand: sourceCommand,
  AccumCommand: accumCommand,
  FilldownCommand: filldownCommand,
  FillmissingCommand: fillmissingCommand,
  AutoregressCommand: autoregressCommand,
  ExpandCommand: expandCommand,
  AddtotalsCommand: addtotalsCommand,
  SessionizeCommand: sessionizeCommand,
  CountFrequentCommand: countFrequentCommand,
  OutlierCommand: outlierCommand,
  LogcompareCommand: logcompareCommand,
  RelevantFieldsCommand: relevantFieldsCommand,
  JoinCommand: joinCommand,
  LookupCommand: lookupCommand,
  CidrlookupCommand: cidrlookupCommand,
  AppendcolsCommand: appendcolsCommand,
});

const SPECS: readonly CommandSpec<Command>[] = Object.values(COMMANDS) as CommandSpec<Command>[];

/**
 * The command words, as documented, for "did you mean" hints.
 *
 * @example
 * ```ts
 * COMMAND_NAMES.includes('filterIndex') //=> true
 * ```
 */
export const COMMAND_NAMES: readonly string[] = SPECS.flatMap((s) => s.keywords);

const BY_KEYWORD: ReadonlyMap<string, CommandSpec<Command>> = new Map(
  SPECS.flatMap((s) => s.keywords.map((k) => [k.toLowerCase(), s] as const)),
);

/**
 * The spec of a command node.
 *
 * @throws {KubetrailError} `internal_error` for a node whose kind is not a command
 * @example
 * ```ts
 * specOf(parseQuery('head 5').commands[0]).keywords[0] //=> 'limit'
 * ```
 * @internal
 */
export function specOf<C extends Command>(c: C): CommandSpec<C> {
  const spec = Object.hasOwn(COMMANDS, c.kind) ? COMMANDS[c.kind] : undefined;
  if (spec === undefined) {
    throw new KubetrailError('internal_error', `unexpected command ${JSON.stringify(c.kind)}`);
  }
  return spec as unknown as CommandSpec<C>;
}

/**
 * The spec of a command word (matched case-insensitively: `where`, `HEAD`,
 * `filterindex`), or `undefined`.
 *
 * @example
 * ```ts
 * specOfKeyword('where')?.kind //=> 'FilterCommand'
 * ```
 * @internal
 */
export function specOfKeyword(word: string): CommandSpec<Command> | undefined {
  return BY_KEYWORD.get(word.toLowerCase());
}

/**
 * The names a command defines on rows (its `CommandSpec.defines`): what a
 * filter after it cannot move past, and what the prefilter cannot look for
 * in raw text after it.
 *
 * @example
 * ```ts
 * definedNamesOf(parseQuery('fields verb, a as b').commands[0], undefined) //=> ['b']
 * ```
 * @internal
 */
export function definedNamesOf(c: Command, text: string | undefined): readonly string[] {
  return specOf(c).defines(c, text);
}

registerCommandPrinter((c) => specOf(c).print(c));
