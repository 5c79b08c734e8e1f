/**
 * The raw-text prefilter description of a compiled query: literals that
 * must occur in an event's text for the event to reach the output.
 *
 * It is computed from the filters that run before anything that counts,
 * reorders or aggregates rows (so skipping an event that fails it cannot
 * change which other events are kept), from `=`/`==`, `in`, `like "text"`
 * and `filterIndex` predicates on event fields, and from `like /re/` and
 * `=~ /re/` when the regex is one plain literal without `(?i)` (a
 * case-insensitive regex or `like` gives nothing: its literal may occur in
 * any case). `and` adds clauses; `a or b`
 * gives one clause with the alternatives of both sides; `not` and anything
 * else give nothing. Numeric-looking literals are left out, because `"401"`
 * also equals the JSON number `401.0`; so are substring literals made only
 * of characters a number prints with (`like "e+"` matches `1E+21`).
 *
 * The engine does not apply the prefilter itself: a reader may, before
 * parsing a line, as long as it accounts for JSON escaping (a record may
 * spell `rolebindings` as `\u0072olebindings`, or `/` as `\/`) — for
 * `where: 'json-value'` terms the literal is the decoded string value.
 *
 * @module
 */
import { specOf } from './commands/registry.js';
import type { PlanStep } from './plan.js';
import type { Clauses, Prefilter } from './prefilter-terms.js';

export type { Prefilter, PrefilterTerm } from './prefilter-terms.js';

/**
 * Computes the prefilter of a laid-out plan: the clauses of the filters
 * before the first step that counts, reorders or aggregates rows (a
 * `CommandSpec.barrier`), leaving out fields that a command before the
 * filter defines (`CommandSpec.defines`).
 *
 * @example
 * ```ts
 * const text = 'filter verb = "get"';
 * computePrefilter(planCommands(parseQuery(text).commands, {}, text), text).clauses.length //=> 1
 * ```
 * @internal
 */
export function computePrefilter(steps: readonly PlanStep[], text: string | undefined): Prefilter {
  const clauses: Clauses = [];
  const defined = new Set<string>();
  for (const step of steps) {
    if (step.kind === 'match-point') continue;
    if (step.kind !== 'command') break;
    const c = step.command;
    const spec = specOf(c);
    if (spec.predicate !== undefined) {
      clauses.push(...spec.predicate.clauses(c, defined));
      continue;
    }
    if (spec.barrier) break;
    for (const n of spec.defines(c, text)) defined.add(n);
  }
  return { clauses };
}
