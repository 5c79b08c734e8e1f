/**
 * Which queries can run partitioned: those whose first `stats` sees only
 * rows that per-row stages made from single events.
 *
 * @module
 */
import type { Command, QueryAst } from '../query/ast.js';
import { type CompiledQuery, type CompileOptions, planCommands } from '../query/compile.js';
import { parseQuery } from '../query/parser.js';
import { printQuery } from '../query/print.js';

/** Commands that map each row to zero or more rows on their own (no ordering, counting or memory across rows). */
const PER_ROW: ReadonlySet<Command['kind']> = new Set([
  'FilterCommand',
  'FilterIndexCommand',
  'FieldsCommand',
  'ParseCommand',
  'UnnestCommand',
  'JsonCommand',
  'DisplayCommand',
  'UnmaskCommand',
]);

/**
 * Tells why a query cannot be split across partitions, or `undefined` when
 * it can: the plan (after filter hoisting) has a `stats`, every step before
 * the first `stats` is per-row, and the query does not read `@ptr` (whose
 * line numbers count from a byte range's first line).
 *
 * @example
 * ```ts
 * whyNotSplittable('stats count(*) by verb', {}, compiled) //=> undefined
 * whyNotSplittable('sort @timestamp | limit 5 | stats count(*)', {}, compiled) //=> 'limit before the first stats'
 * ```
 */
export function whyNotSplittable(
  query: string | QueryAst,
  options: CompileOptions,
  compiled: CompiledQuery,
): string | undefined {
  const text = typeof query === 'string' ? query : printQuery(query);
  const steps = planCommands(parseQuery(text).commands, options, text);
  if (compiled.referencedFields.has('@ptr')) return 'the query reads @ptr';
  if (!steps.some((s) => s.kind === 'command' && s.command.kind === 'StatsCommand')) return 'no stats';
  for (const step of steps) {
    if (step.kind === 'match-point') continue;
    if (step.kind !== 'command')
      return `${step.kind === 'implicit-sort' ? 'the newest-first order' : step.kind} before the first stats`;
    if (step.command.kind === 'StatsCommand') return undefined;
    if (!PER_ROW.has(step.command.kind))
      return `${step.command.kind.replace(/Command$/, '').toLowerCase()} before the first stats`;
  }
  return 'no stats';
}
