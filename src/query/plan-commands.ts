/**
 * Planning: validates a query's command sequence and lays out its plan steps
 * ({@link PlanStep}), before anything is compiled. The plan's rules, with
 * what compile then makes of them:
 *
 * 1. Filters move ahead of `sort`, `limit` and `display` (and past `fields`,
 *    `parse` and `unnest` that do not define what they read), and past a
 *    `stats` when they read only fields that `stats` does not compute. So
 *    `sort @timestamp desc | limit 100 | filter …` (the EKS Best Practices
 *    queries) returns the newest 100 *matching* events of the whole input.
 * 2. Without a `sort`, rows reach `limit`, `dedup` and the output newest
 *    first (an implicit `sort @timestamp desc`), unless `order: 'input'`.
 * 3. `sort` followed by `limit` keeps only the top K rows.
 * 4. Without a `limit` command the output is capped at 10,000 rows (the
 *    service's default), or at `options.limit`.
 * 5. A `sort` (or the implicit newest-first order) directly followed by
 *    `dedup` becomes one stage that keeps one row per distinct key.
 * 6. Every buffering stage charges what it holds to the run's byte budget
 *    (`options.memoryBudgetBytes`); at it `sort`, `dedup` and `stats` spill
 *    to `options.spill` and finish with the same result, and without a
 *    spill store they throw `resource_limit` rather than drop any row.
 *    `options.maxBufferedRows` adds a bound on rows (groups, keys).
 *
 * Each command's part in this is its `CommandSpec` (`hoist`, `order`,
 * `barrier`, `rowCap`, `oneToOne`); `compile.ts` compiles the steps.
 *
 * @module
 */
import type { Command } from './ast.js';
import { specOf } from './commands/registry.js';
import { type CompileOptions, DEFAULT_LIMIT } from './compile-options.js';
import { compileError } from './evaluate.js';
import type { PlanStep } from './plan.js';

const IMPLICIT_SORT: PlanStep = { kind: 'implicit-sort' };

function overlaps(reads: readonly string[], set: ReadonlySet<string>): boolean {
  if (set.size === 0) return false;
  return reads.some((r) => {
    if (set.has(r)) return true;
    const parts = r.split('.');
    for (let i = parts.length - 1; i >= 1; i--) if (set.has(parts.slice(0, i).join('.'))) return true;
    return false;
  });
}

/**
 * Whether a filter reading `reads` may move ahead of `prev` (its
 * `CommandSpec.hoist`). `blocked` caches the names each command blocks, so
 * that many filters moving past one command with many names cost the names
 * once, not once a filter (20,000 filters after a 20,000-name `fields` took
 * minutes; fuzz seed 20261207, query case 3454).
 */
function hoistsPast(
  prev: Command,
  reads: readonly string[],
  text: string | undefined,
  blocked: Map<Command, ReadonlySet<string>>,
): boolean {
  const spec = specOf(prev);
  const rule = spec.hoist;
  if (rule === 'always') return true;
  if (rule === 'never') return false;
  let names = blocked.get(prev);
  if (names === undefined) {
    names = new Set(rule === 'unless-defined' ? spec.defines(prev, text) : rule(prev, text));
    blocked.set(prev, names);
  }
  return !overlaps(reads, names);
}

/**
 * Moves each filter ahead of the commands it commutes with (see the module
 * notes and `CommandSpec.hoist`). The relative order of filters is kept.
 *
 * @example
 * ```ts
 * hoistFilters(parseQuery('sort a | filter b = 1').commands, undefined).map((c) => c.kind)
 * //=> ['FilterCommand', 'SortCommand']
 * ```
 * @internal
 */
export function hoistFilters(
  commands: readonly Command[],
  text: string | undefined,
  writtenAfter?: Map<Command, Command>,
): Command[] {
  const out: Command[] = [];
  const blocked = new Map<Command, ReadonlySet<string>>();
  for (const c of commands) {
    const predicate = specOf(c).predicate;
    if (predicate === undefined) {
      out.push(c);
      continue;
    }
    const reads = predicate.reads(c);
    let at = out.length;
    while (at > 0 && hoistsPast(out[at - 1] as Command, reads, text, blocked)) at--;
    // (a filter that stays in place is appended: a splice at the end would copy nothing but still costs a call per element)
    if (at === out.length) {
      out.push(c);
    } else {
      writtenAfter?.set(c, out[out.length - 1] as Command);
      out.splice(at, 0, c);
    }
  }
  return out;
}

/**
 * Validates the command sequence and lays out the plan steps.
 *
 * @internal
 */
export function planCommands(
  commands: readonly Command[],
  options: CompileOptions,
  text: string | undefined,
): PlanStep[] {
  const scope = { text };
  let statsCount = 0;
  let dedupSeen = false;
  commands.forEach((c, i) => {
    const spec = specOf(c);
    if (spec.unsupported !== undefined) {
      compileError('unsupported_command', spec.unsupported.message, c.span, scope, spec.unsupported.hints);
    }
    if (spec.header === true && i > 0) {
      compileError('misplaced_source', 'SOURCE can only be the first command', c.span, scope);
    }
    if (c.kind === 'StatsCommand' && ++statsCount > 2) {
      compileError('too_many_stats', 'a query can have at most two stats commands', c.span, scope);
    }
    if (dedupSeen && c.kind !== 'LimitCommand') {
      compileError('command_after_dedup', 'only limit can follow dedup', c.span, scope);
    }
    if (c.kind === 'DedupCommand') dedupSeen = true;
  });
  const writtenAfter = new Map<Command, Command>();
  const hoisted = hoistFilters(
    commands.filter((c) => specOf(c).header !== true),
    text,
    writtenAfter,
  );
  const steps: PlanStep[] = hoisted.map((command) => {
    const after = writtenAfter.get(command);
    return after === undefined
      ? { kind: 'command', command }
      : { kind: 'command', command, writtenAfter: after };
  });
  // Implicit newest-first order before the first command that takes the order it gets (or the end) when nothing sorted.
  if ((options.order ?? 'newest-first') === 'newest-first') {
    let insertAt: number | undefined = steps.length;
    for (let i = 0; i < steps.length; i++) {
      const c = (steps[i] as { command: Command }).command;
      const order = specOf(c).order(c);
      if (order === 'sets') {
        insertAt = undefined;
        break;
      }
      if (order === 'takes') {
        insertAt = i;
        break;
      }
    }
    if (insertAt !== undefined) steps.splice(insertAt, 0, IMPLICIT_SORT);
  }
  // The match point: before the first step that reorders, drops by count, or aggregates.
  let matchAt = steps.length;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as PlanStep;
    if (s.kind === 'implicit-sort' || (s.kind === 'command' && specOf(s.command).barrier)) {
      matchAt = i;
      break;
    }
  }
  steps.splice(matchAt, 0, { kind: 'match-point' });
  const hasLimit = commands.some((c) => specOf(c).rowCap !== undefined);
  if (options.limit !== undefined) steps.push({ kind: 'cap', count: options.limit });
  else if (!hasLimit) steps.push({ kind: 'cap', count: DEFAULT_LIMIT });
  return steps;
}

/**
 * The K of a top-K sort: the smallest limit reachable from the sort at plan
 * step `i` through steps that keep every row one-to-one (the match point,
 * `fields`, single-match `parse`, …), or `undefined` when no limit bounds it.
 *
 * @example
 * ```ts
 * const steps = planCommands(parseQuery('sort x | fields y | limit 5').commands, {}, undefined);
 * topKAfter(steps, steps.findIndex((s) => s.kind === 'command' && s.command.kind === 'SortCommand')); //=> 5
 * ```
 * @internal
 */
export function topKAfter(steps: readonly PlanStep[], i: number): number | undefined {
  let k: number | undefined;
  for (let j = i + 1; j < steps.length; j++) {
    const s = steps[j] as PlanStep;
    if (s.kind === 'match-point') continue;
    if (s.kind === 'cap') k = Math.min(k ?? s.count, s.count);
    else if (s.kind === 'command') {
      const spec = specOf(s.command);
      const cap = spec.rowCap?.(s.command);
      if (cap !== undefined) k = Math.min(k ?? cap, cap);
      else if (!spec.oneToOne(s.command)) break;
    } else break;
  }
  return k;
}
