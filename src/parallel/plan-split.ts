/**
 * Which queries can run partitioned: those whose first `stats`, or first
 * top-K sort, sees only rows that per-row stages made from single events.
 * Each command declares its part in its `CommandSpec.split`.
 *
 * @module
 */
import type { QueryAst } from '../query/ast.js';
import { specOf } from '../query/commands/registry.js';
import type { CompiledQuery, CompileOptions } from '../query/compile-options.js';
import { parseQuery } from '../query/parser.js';
import { planCommands, topKAfter } from '../query/plan-commands.js';
import { printQuery } from '../query/print.js';

/**
 * The largest K of a top-K sort that is split across partitions: each
 * partition hands over up to K events, so the hand-over stays bounded.
 */
export const MAX_SPLIT_TOP_K = 10_000;

/**
 * The most candidate events a split top-K query may hand over in all
 * (K × partitions). Beyond it the inputs are planned again with one byte
 * range per thread, and if that is still too many the query runs on one
 * thread, so that memory stays near the one-thread run's.
 */
export const MAX_TOP_K_CANDIDATES = 5_000;

/**
 * How a query runs across partitions:
 * - `stats`: every step before the first `stats` is per-row; partitions
 *   return accumulator snapshots of that `stats`, merged exactly;
 * - `top-k`: every step before the first sort (a `sort`, or the implicit
 *   newest-first order) is per-row, and a limit of at most
 *   {@link MAX_SPLIT_TOP_K} bounds that sort; partitions return their own
 *   top K events (a global top-K event is in its partition's top K), and the
 *   whole query runs once more over those candidates, in input order;
 * - `none`: one thread, for the reason given.
 * A query that reads `@ptr` is never split.
 */
export type SplitPlan =
  | { readonly kind: 'stats' }
  | { readonly kind: 'top-k'; readonly k: number }
  | { readonly kind: 'none'; readonly reason: string };

/**
 * Decides how a query runs across partitions (see {@link SplitPlan}).
 *
 * @example
 * ```ts
 * splitPlanOf('stats count(*) by verb', {}, compiled) //=> { kind: 'stats' }
 * splitPlanOf('filter verb = "delete" | sort @timestamp desc | limit 20', {}, compiled) //=> { kind: 'top-k', k: 20 }
 * ```
 */
export function splitPlanOf(
  query: string | QueryAst,
  options: CompileOptions,
  compiled: CompiledQuery,
): SplitPlan {
  const text = typeof query === 'string' ? query : printQuery(query);
  if (compiled.referencedFields.has('@ptr')) return { kind: 'none', reason: 'the query reads @ptr' };
  const steps = planCommands(parseQuery(text).commands, options, text);
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as (typeof steps)[number];
    if (step.kind === 'match-point') continue;
    if (step.kind === 'cap') return { kind: 'none', reason: 'no stats and no sort' };
    const split = step.kind === 'command' ? specOf(step.command).split : undefined;
    if (step.kind === 'implicit-sort' || split === 'top-k') {
      const next = steps[i + 1];
      const what = step.kind === 'implicit-sort' ? 'the newest-first order' : 'sort';
      if (next?.kind === 'command' && specOf(next.command).fusesWithSort === true)
        return { kind: 'none', reason: `${what} followed by dedup` };
      const k = topKAfter(steps, i);
      if (k === undefined) return { kind: 'none', reason: `${what} without a limit after it` };
      if (k > MAX_SPLIT_TOP_K)
        return { kind: 'none', reason: `${what} with a limit above ${MAX_SPLIT_TOP_K}` };
      return { kind: 'top-k', k };
    }
    if (step.kind !== 'command') return { kind: 'none', reason: 'an unsplittable step' };
    if (split === 'partial-stats') return { kind: 'stats' };
    if (split !== 'per-row')
      return {
        kind: 'none',
        reason: `${step.command.kind.replace(/Command$/, '').toLowerCase()} before the first stats or sort`,
      };
  }
  return { kind: 'none', reason: 'no stats and no sort' };
}

/**
 * Tells why a query cannot be split across partitions, or `undefined` when
 * it can (see {@link splitPlanOf}).
 *
 * @example
 * ```ts
 * whyNotSplittable('stats count(*) by verb', {}, compiled) //=> undefined
 * whyNotSplittable('sort verb | stats count(*)', {}, compiled) //=> 'sort without a limit after it'
 * ```
 */
export function whyNotSplittable(
  query: string | QueryAst,
  options: CompileOptions,
  compiled: CompiledQuery,
): string | undefined {
  const plan = splitPlanOf(query, options, compiled);
  return plan.kind === 'none' ? plan.reason : undefined;
}
