/**
 * `compileQuery`: turns a query (text or AST) into a reusable
 * {@link CompiledQuery} whose `stream`/`run` evaluate it over log events.
 *
 * Compile resolves everything once, before any input is read: function
 * names and arity, constant arguments, regexes, parse globs, aggregate
 * placement, the two-`stats` rule and the only-`limit`-after-`dedup` rule.
 * The work is split by concern:
 *
 * - `compile-options.ts`: the options, the result types and their defaults;
 * - `plan-commands.ts`: the plan steps (moved filters, the implicit
 *   newest-first order, the match point, the row cap, top K);
 * - this module: the per-step compile driver, which calls each command's
 *   `CommandSpec.compile` against the compile scope (`scope.ts`) and collects
 *   the stages (`plan.ts`), then the projection (`plan-projection.ts`);
 * - `run-loop.ts`: a run of the compiled plan over events.
 *
 * @module
 */

import type { Command, DedupCommand, Item, QueryAst, Span } from './ast.js';
import { compileSortedDedup } from './commands/dedup.js';
import { limitStage } from './commands/limit.js';
import { specOf } from './commands/registry.js';
import { sortStage } from './commands/sort.js';
import { sourceGroups, sourceWindow } from './commands/source.js';
import type { CompileContext } from './commands/spec.js';
import { statsStage } from './commands/stats.js';
import {
  budgetError,
  type CompiledQuery,
  type CompileOptions,
  DEFAULT_MAX_BUFFERED_ROWS,
  maxBufferedRowsOf,
  memoryBudgetOf,
} from './compile-options.js';
import { QueryError } from './errors.js';
import { parseQuery } from './parser.js';
import {
  type BufferLimit,
  type CompiledSortKey,
  type CompiledStats,
  countMatched,
  type PlanStep,
  type StageFactory,
} from './plan.js';
import { planCommands, topKAfter } from './plan-commands.js';
import { compileProjection, type Projection } from './plan-projection.js';
import { computePrefilter } from './prefilter.js';
import { printQuery } from './print.js';
import { columnsOf, type ResultRow } from './results.js';
import { compileFieldLookup, type FieldLookupOptions } from './row.js';
import { type RunnablePlan, streamPlan } from './run-loop.js';
import { type CompileState, warnUnavailable } from './scope.js';
import type { InnerPlan, Prepare } from './side-inputs.js';
import { applyStatsRules } from './stats-rules.js';
import { maxDefined, minDefined } from './window.js';

/** What compiling a plan's steps makes: the stages, the projection and what the run needs. */
interface CompiledPlan {
  readonly stages: readonly StageFactory[];
  readonly projection: Projection;
  readonly reads: ReadonlySet<string>;
  readonly warnings: readonly QueryError[];
  /** The earliest time a command asked to read from (see `CompileContext.readFrom`). */
  readonly readFrom: number | undefined;
  /** What a run does before it reads its input (see `side-inputs.ts`). */
  readonly prepares: readonly Prepare[];
}

/** The largest row cap: inner queries are not capped at the service's 10,000 rows. */
const UNCAPPED = Number.MAX_SAFE_INTEGER;

/** Compiles the inner query of a join or subquery, over the same text (so that its errors point into it). */
function compileInner(query: QueryAst, options: CompileOptions, text: string | undefined): InnerPlan {
  const innerOptions: CompileOptions = {
    ...options,
    limit: UNCAPPED,
    order: 'input',
    firstStatsStage: undefined,
    firstSortStage: undefined,
  };
  const first = query.commands[0];
  const source = first?.kind === 'SourceCommand' ? first : undefined;
  const window = sourceWindow(source, text, options.now);
  const steps = planCommands(applyStatsRules(query.commands, text ?? ''), innerOptions, text);
  const plan = compileSteps(
    steps,
    innerOptions,
    text,
    {
      startTime: maxDefined(options.startTime, window.start),
      endTime: minDefined(options.endTime, window.end),
    },
    true,
  );
  return {
    stages: plan.stages,
    columns: plan.projection.columns,
    source,
    window,
    readFrom: plan.readFrom,
    prepares: plan.prepares,
  };
}

/**
 * The per-step compile driver: compiles each plan step into stages, in
 * order, through the command's `CommandSpec.compile` (a sort directly
 * followed by a dedup fuses into one stage), then the projection.
 */
function compileSteps(
  steps: readonly PlanStep[],
  options: CompileOptions,
  text: string | undefined,
  window: CompileContext['window'] = { startTime: undefined, endTime: undefined },
  inner = false,
): CompiledPlan {
  const fieldOptions: FieldLookupOptions =
    options.maxDiscoveredFields === undefined ? {} : { maxDiscoveredFields: options.maxDiscoveredFields };
  const max = maxBufferedRowsOf(options, text);
  const budget = memoryBudgetOf(options, text);
  const bound = (what: string, unit: string, span: Span, hints: readonly string[]): BufferLimit => ({
    max,
    overBudget: () => {
      throw budgetError(what, budget, span, text ?? '', hints);
    },
    exceeded: () => {
      throw new QueryError({
        code: 'resource_limit',
        message: `${what} would hold more than ${max} ${unit}; raise the maxBufferedRows option to allow more`,
        phase: 'run',
        span,
        source: text ?? '',
        hints: [...hints, `maxBufferedRows is ${max} (default ${DEFAULT_MAX_BUFFERED_ROWS})`],
      });
    },
  });
  const state: CompileState = {
    text,
    bound,
    fieldOptions,
    defined: new Set(),
    reads: new Set(),
    available: undefined,
    statsSeen: 0,
    columns: [],
    columnSet: new Set(),
    explicitColumns: false,
    warnings: [],
    side: {
      prepares: [],
      sources: options.sources,
      lookups: options.lookups,
      inner,
      compileInner: (query) => compileInner(query, options, text),
    },
  };
  const stages: StageFactory[] = [];
  let display: readonly Item[] | undefined;
  let readFrom: number | undefined;
  const timestampKey: CompiledSortKey = {
    value: compileFieldLookup('@timestamp', ['@timestamp'], fieldOptions),
    descending: true,
  };
  let sorts = 0;
  const sortOf = (keys: readonly CompiledSortKey[], i: number, limit: BufferLimit): StageFactory => {
    const custom = sorts++ === 0 ? options.firstSortStage : undefined;
    return (custom ?? sortStage)(keys, topKAfter(steps, i), limit);
  };
  // The index of a dedup step already compiled into the sort before it.
  let fused = -1;
  /** A sort by `keys` at step `i`, fused with a dedup right after it. */
  const sortAt = (keys: readonly CompiledSortKey[], i: number, limit: () => BufferLimit): void => {
    const following = steps[i + 1];
    if (following?.kind === 'command' && specOf(following.command).fusesWithSort === true) {
      sorts++; // (a sort fused with dedup is a sort too: the seam is for the first one only)
      stages.push(
        compileSortedDedup(keys, following.command as DedupCommand, state, topKAfter(steps, i + 1)),
      );
      fused = i + 1;
      return;
    }
    stages.push(sortOf(keys, i, limit()));
  };
  const statsStageOf = (compiled: CompiledStats, limit: BufferLimit): StageFactory => {
    const custom = state.statsSeen === 1 ? options.firstStatsStage : undefined;
    return custom === undefined ? statsStage(compiled, limit) : custom(compiled, limit);
  };
  // Where a moved filter was written: the names after the command it followed (see PlanStep's writtenAfter).
  const anchors = new Set<Command>();
  for (const s of steps)
    if (s.kind === 'command' && s.writtenAfter !== undefined) anchors.add(s.writtenAfter);
  const namesAfter = new Map<Command, { available: Set<string> | undefined; defined: Set<string> }>();
  steps.forEach((step, i) => {
    if (i === fused) {
      if (step.kind === 'command' && anchors.has(step.command))
        namesAfter.set(step.command, { available: state.available, defined: new Set(state.defined) });
      return;
    }
    switch (step.kind) {
      case 'match-point':
        stages.push(countMatched);
        return;
      case 'cap':
        stages.push(limitStage(step.count));
        return;
      case 'implicit-sort': {
        state.reads.add('@timestamp');
        const following = steps[i + 1];
        const span =
          following?.kind === 'command' ? following.command.span : { start: 0, end: text?.length ?? 0 };
        sortAt([timestampKey], i, () =>
          state.bound('the default newest-first order', 'rows', span, [
            "use limit any N, or the order: 'input' option, to keep input order without buffering",
            'lower the limit option',
          ]),
        );
        return;
      }
      case 'command': {
        const before = steps[i - 1];
        const after = steps[i + 1];
        const ctx: CompileContext = {
          previous: before?.kind === 'command' ? before.command : undefined,
          next: after?.kind === 'command' ? after.command : undefined,
          window,
          readFrom: (t) => {
            readFrom = readFrom === undefined ? t : Math.min(readFrom, t);
          },
          state,
          emit: (stage) => stages.push(stage),
          sort: (keys, limit) => sortAt(keys, i, limit),
          statsStage: statsStageOf,
          display: (items) => {
            display = items;
          },
        };
        specOf(step.command).compile(step.command, ctx);
        if (anchors.has(step.command))
          namesAfter.set(step.command, { available: state.available, defined: new Set(state.defined) });
        return;
      }
      default:
        step satisfies never;
    }
  });
  // A filter moved ahead of a stats reads event fields there; where it was written, only the stats' columns
  // exist. The run keeps the move (the EKS guide's S1 filters after its stats), and the check is a warning.
  for (const step of steps) {
    if (step.kind !== 'command' || step.writtenAfter === undefined) continue;
    const names = namesAfter.get(step.writtenAfter);
    if (names?.available === undefined) continue;
    const spec = specOf(step.command);
    const at: CompileState = { ...state, available: names.available, defined: names.defined };
    for (const expr of spec.predicate?.exprs(step.command) ?? []) {
      warnUnavailable(expr, at, spec.keywords[0] ?? 'filter');
    }
  }
  return {
    stages,
    projection: compileProjection(display, state),
    reads: state.reads,
    warnings: state.warnings,
    readFrom,
    prepares: state.side.prepares,
  };
}

/**
 * Compiles a query for running over log events.
 *
 * @param query - query text, or an AST from `parseQuery`
 * @throws {QueryError} for syntax errors, unknown functions (`unknown_function`,
 *   with a "did you mean" hint), wrong arity, invalid regexes, misplaced
 *   aggregates, more than two `stats`, commands after `dedup`, fields read
 *   after `stats` that it does not produce, commands that cannot run offline
 *   (`unsupported_command`), and a `diff` or `anomaly` not right after
 *   `pattern` (`misplaced_command`).
 * @example
 * ```ts
 * const q = compileQuery('filter verb = "delete" | stats count(*) by user.username');
 * const { rows } = await q.run(events);
 * ```
 */
export function compileQuery(query: string | QueryAst, options: CompileOptions = {}): CompiledQuery {
  // An AST is printed and re-parsed so that spans and expression names refer to real text.
  const text = typeof query === 'string' ? query : printQuery(query);
  const ast = parseQuery(text);
  const first = ast.commands[0];
  const source = first?.kind === 'SourceCommand' ? first : undefined;
  const steps = planCommands(applyStatsRules(ast.commands, text), options, text);
  const win = sourceWindow(source, text, options.now);
  const queryStart = maxDefined(options.startTime, win.start);
  const endTime = minDefined(options.endTime, win.end);
  const plan = compileSteps(steps, options, text, { startTime: queryStart, endTime });
  const budget = memoryBudgetOf(options, text);
  // The events read start earlier when a command needs an earlier window (diff).
  const startTime = minDefined(queryStart, plan.readFrom);
  const groupFilter = sourceGroups(source);
  const prefilter = computePrefilter(steps, text);
  const referencedFields: ReadonlySet<string> = new Set(plan.reads);
  const columns = plan.projection.columns.map((c) => c.name);
  const runnable: RunnablePlan = {
    text,
    stages: plan.stages,
    projection: plan.projection,
    prepares: plan.prepares,
    queryStart,
    startTime,
    endTime,
    groupFilter,
    budget,
    options,
  };
  const stream: CompiledQuery['stream'] = (events, runOptions) => streamPlan(runnable, events, runOptions);

  return {
    ast,
    referencedFields,
    prefilter,
    window: { startTime, endTime },
    columns,
    warnings: plan.warnings,
    stream,
    async run(events, runOptions) {
      const s = stream(events, runOptions);
      const rows: ResultRow[] = [];
      for await (const row of s) rows.push(row);
      return { rows, fields: columnsOf(rows, columns), statistics: s.statistics };
    },
  };
}
